package io.ailake.iceberg;

import io.quarkus.narayana.jta.QuarkusTransaction;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NoSuchViewException;
import org.hibernate.exception.ConstraintViolationException;

/** Lookups and inserts of table and view pointers shared by the table and view routes. */
final class CatalogObjects {

  private CatalogObjects() {}

  static Optional<CatalogObject> find(Warehouse warehouse, TableIdentifier identifier) {
    return QuarkusTransaction.joiningExisting()
        .call(
            () ->
                CatalogObject.find(
                    warehouse.id, NamespaceKeys.key(identifier.namespace()), identifier.name()));
  }

  static CatalogObject requireTable(Warehouse warehouse, TableIdentifier identifier) {
    return find(warehouse, identifier)
        .filter(o -> o.kind == CatalogObject.Kind.TABLE)
        .orElseThrow(() -> new NoSuchTableException("Table does not exist: %s", identifier));
  }

  static CatalogObject requireView(Warehouse warehouse, TableIdentifier identifier) {
    return find(warehouse, identifier)
        .filter(o -> o.kind == CatalogObject.Kind.VIEW)
        .orElseThrow(() -> new NoSuchViewException("View does not exist: %s", identifier));
  }

  /** 404 when the namespace is missing, 409 when a table or view already holds the name. */
  static NamespaceRecord checkFree(
      Warehouse warehouse, TableIdentifier identifier, CatalogObject.Kind creating) {
    NamespaceRecord namespace = NamespaceService.require(warehouse, identifier.namespace());
    find(warehouse, identifier).ifPresent(existing -> {
      throw alreadyExists(identifier, existing.kind, creating);
    });
    return namespace;
  }

  static AlreadyExistsException alreadyExists(
      TableIdentifier identifier, CatalogObject.Kind existing, CatalogObject.Kind creating) {
    if (existing == creating) {
      return new AlreadyExistsException(
          "%s already exists: %s", existing == CatalogObject.Kind.TABLE ? "Table" : "View", identifier);
    }
    return new AlreadyExistsException(
        "%s with same name already exists: %s",
        existing == CatalogObject.Kind.TABLE ? "Table" : "View",
        identifier);
  }

  /**
   * Inserts a new pointer in its own transaction. A concurrent create of the same name, or a
   * concurrent drop of the namespace, is reported as the 409 or 404 it is.
   */
  static CatalogObject insert(
      Warehouse warehouse, TableIdentifier identifier, CatalogObject.Kind kind, String metadataLocation) {
    CatalogObject object = new CatalogObject();
    object.id = UUID.randomUUID();
    object.organizationId = warehouse.organizationId;
    object.warehouseId = warehouse.id;
    object.namespace = NamespaceKeys.key(identifier.namespace());
    object.name = identifier.name();
    object.kind = kind;
    object.metadataLocation = metadataLocation;
    object.updatedAt = Instant.now();
    try {
      QuarkusTransaction.joiningExisting().run(object::persistAndFlush);
    } catch (RuntimeException e) {
      ConstraintViolationException violation = constraintViolation(e);
      if (violation == null) {
        throw e;
      }
      if (violation.getConstraintName() != null
          && violation.getConstraintName().contains("catalog_object_name")) {
        CatalogObject.Kind existing =
            find(warehouse, identifier).map(o -> o.kind).orElse(kind);
        throw alreadyExists(identifier, existing, kind);
      }
      throw new NoSuchNamespaceException("Namespace does not exist: %s", identifier.namespace());
    }
    return object;
  }

  static ConstraintViolationException constraintViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConstraintViolationException violation) {
        return violation;
      }
    }
    return null;
  }
}
