package io.ailake.iceberg;

import io.ailake.auth.CallRecords;
import io.ailake.postgres.NamedSql;
import io.ailake.postgres.RequestPathSql;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NoSuchViewException;

/**
 * The table and view pointers (rows of {@code catalog_object}) as the table and view routes read and
 * change them: each step one indexed statement, on the request's path without an ORM session. Inside a
 * transaction they are part of it.
 */
@ApplicationScoped
class CatalogObjects {

  /** A table or view as read: its row, its kind and the metadata file it points to. */
  record Pointer(UUID id, CatalogObject.Kind kind, String metadataLocation) {}

  /** A pointer by name: warehouse, namespace key, name. */
  static final String FIND =
      "SELECT id, kind, metadata_location FROM catalog_object WHERE warehouse_id = ? AND namespace = ? AND name = ?";
  /** The namespace row and whatever holds the name in it: name, warehouse, namespace key. */
  static final String CHECK_FREE =
      "SELECT n.properties ->> 'location', (SELECT o.kind FROM catalog_object o"
          + " WHERE o.warehouse_id = n.warehouse_id AND o.namespace = n.name AND o.name = ?)"
          + " FROM namespace n WHERE n.warehouse_id = ? AND n.name = ?";
  /**
   * Writes the events of a swap ({@code swapped}, one row with the organization) into the outbox, in the
   * swap's own statement: {@code :events} is a JSON array of {@code {type, resource, data}}.
   */
  private static final String ANNOUNCED = " announced AS (INSERT INTO event (organization_id, type, resource, data)"
      + " SELECT s.organization_id, e ->> 'type', e ->> 'resource', e -> 'data'"
      + " FROM swapped s, jsonb_array_elements(CAST(:events AS jsonb)) e)";
  /** Compare-and-swap unless another transaction holds the row, with the commit's events. */
  static final NamedSql SWAP_IF_FREE = NamedSql.of("WITH swapped AS (UPDATE catalog_object"
      + " SET metadata_location = :next, updated_at = now() WHERE id = :id AND metadata_location = :expected"
      + " AND id = (SELECT id FROM catalog_object WHERE id = :id FOR UPDATE SKIP LOCKED) RETURNING organization_id),"
      + ANNOUNCED + " SELECT count(*) FROM swapped");
  /** Compare-and-swap, waiting for a transaction that holds the row, with the commit's events. */
  private static final NamedSql SWAP = NamedSql.of("WITH swapped AS (UPDATE catalog_object"
      + " SET metadata_location = :next, updated_at = now() WHERE id = :id AND metadata_location = :expected"
      + " RETURNING organization_id)," + ANNOUNCED + " SELECT count(*) FROM swapped");

  private static final String UNIQUE_VIOLATION = "23505";
  private static final String FOREIGN_KEY_VIOLATION = "23503";

  /**
   * The change of a create (see {@link CallRecords}): the new pointer, unless the name is taken;
   * answered with the body {@code :answer} (a load's answer of the new table).
   */
  private static final NamedSql CREATE = NamedSql.of(
      " created AS (INSERT INTO catalog_object (id, organization_id, warehouse_id, namespace, name, kind,"
          + " metadata_location) SELECT :id, :organization, :warehouse_id, :namespace, :name, :kind, :metadata_location"
          + " WHERE NOT EXISTS (SELECT 1 FROM earlier)"
          + " ON CONFLICT ON CONSTRAINT catalog_object_name DO NOTHING RETURNING id),"
          + " answer AS (SELECT CASE WHEN EXISTS (SELECT 1 FROM created) THEN 200 END AS status,"
          + " CAST(:answer AS text) AS body)");

  private static final NamedSql INSERT = NamedSql.of("WITH swapped AS (INSERT INTO catalog_object (id,"
      + " organization_id, warehouse_id, namespace, name, kind, metadata_location) VALUES (:id, :organization,"
      + " :warehouse_id, :namespace, :name, :kind, :metadata_location)"
      + " ON CONFLICT ON CONSTRAINT catalog_object_name DO NOTHING RETURNING organization_id),"
      + ANNOUNCED + " SELECT count(*) FROM swapped");

  private final RequestPathSql sql;
  private final CallRecords calls;

  CatalogObjects(RequestPathSql sql, CallRecords calls) {
    this.sql = sql;
    this.calls = calls;
  }

  Optional<Pointer> find(Warehouse warehouse, TableIdentifier identifier) {
    return sql.first(
        FIND,
        row -> new Pointer(row.getObject(1, UUID.class), CatalogObject.Kind.valueOf(row.getString(2)), row.getString(3)),
        warehouse.id, NamespaceKeys.key(identifier.namespace()), identifier.name());
  }

  Pointer requireTable(Warehouse warehouse, TableIdentifier identifier) {
    return find(warehouse, identifier)
        .filter(o -> o.kind() == CatalogObject.Kind.TABLE)
        .orElseThrow(() -> new NoSuchTableException("Table does not exist: %s", identifier));
  }

  Pointer requireView(Warehouse warehouse, TableIdentifier identifier) {
    return find(warehouse, identifier)
        .filter(o -> o.kind() == CatalogObject.Kind.VIEW)
        .orElseThrow(() -> new NoSuchViewException("View does not exist: %s", identifier));
  }

  /** The namespace a new table or view goes into, with its {@code location} property when it has one. */
  record FreeName(String namespaceLocation) {}

  /** 404 when the namespace is missing, 409 when a table or view already holds the name. */
  FreeName checkFree(Warehouse warehouse, TableIdentifier identifier, CatalogObject.Kind creating) {
    if (identifier.namespace().isEmpty()) {
      throw NamespaceService.noSuchNamespace(identifier.namespace());
    }
    String namespace = NamespaceKeys.key(identifier.namespace());
    // one statement: the namespace row, and whatever already holds the name in it
    String[] found = sql.first(
            CHECK_FREE,
            row -> new String[] {row.getString(1), row.getString(2)},
            identifier.name(), warehouse.id, namespace)
        .orElseThrow(() -> NamespaceService.noSuchNamespace(identifier.namespace()));
    if (found[1] != null) {
      throw alreadyExists(identifier, CatalogObject.Kind.valueOf(found[1]), creating);
    }
    return new FreeName(found[0]);
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
   * Inserts a new pointer. A concurrent create of the same name, or a concurrent drop of the namespace,
   * is reported as the 409 or 404 it is.
   */
  void insert(Warehouse warehouse, TableIdentifier identifier, CatalogObject.Kind kind, String metadataLocation) {
    insert(warehouse, identifier, kind, metadataLocation, "[]");
  }

  /**
   * {@link #insert} with the events of the new table's first metadata beyond its creation (which the
   * database announces), such as the snapshot of a create-table-as-select: a JSON array as for a swap.
   */
  void insert(Warehouse warehouse, TableIdentifier identifier, CatalogObject.Kind kind, String metadataLocation,
      String events) {
    long inserted;
    try {
      // a taken name changes nothing and leaves the transaction usable for telling what holds it
      inserted = sql.first(INSERT, NamedSql.parameters().set("id", UUID.randomUUID())
          .set("organization", warehouse.organizationId).set("warehouse_id", warehouse.id)
          .set("namespace", NamespaceKeys.key(identifier.namespace())).set("name", identifier.name())
          .set("kind", kind.name()).set("metadata_location", metadataLocation).set("events", events),
          row -> row.getLong(1)).orElse(0L);
    } catch (RuntimeException e) {
      if (FOREIGN_KEY_VIOLATION.equals(sqlState(e))) {
        throw NamespaceService.noSuchNamespace(identifier.namespace());
      }
      throw e;
    }
    if (inserted == 0) {
      throw alreadyExists(identifier, find(warehouse, identifier).map(Pointer::kind).orElse(kind), kind);
    }
  }

  /**
   * {@link #insert} as the one statement of a create call: the pointer, the call's answer ({@code
   * answer}, with {@code headers}) for its idempotency key, and its audit record go in together.
   */
  void insertAnswering(Warehouse warehouse, TableIdentifier identifier, CatalogObject.Kind kind,
      String metadataLocation, String answer, Map<String, String> headers) {
    OptionalInt status;
    try {
      status = calls.run(CREATE, NamedSql.parameters()
          .set("id", UUID.randomUUID()).set("organization", warehouse.organizationId).set("warehouse_id", warehouse.id)
          .set("namespace", NamespaceKeys.key(identifier.namespace())).set("name", identifier.name())
          .set("kind", kind.name()).set("metadata_location", metadataLocation).set("answer", answer), headers);
    } catch (RuntimeException e) {
      if (FOREIGN_KEY_VIOLATION.equals(sqlState(e))) {
        throw NamespaceService.noSuchNamespace(identifier.namespace());
      }
      throw e;
    }
    if (status.isEmpty()) {
      throw alreadyExists(identifier, find(warehouse, identifier).map(Pointer::kind).orElse(kind), kind);
    }
  }

  /** Moves a table or view to another name; 409 when the name is taken, 404 when its namespace is gone. */
  void rename(Pointer object, TableIdentifier source, TableIdentifier destination) {
    try {
      sql.update(
          "UPDATE catalog_object SET namespace = ?, name = ?, updated_at = now() WHERE id = ?",
          NamespaceKeys.key(destination.namespace()), destination.name(), object.id());
    } catch (RuntimeException e) {
      String state = sqlState(e);
      if (UNIQUE_VIOLATION.equals(state)) {
        throw new AlreadyExistsException(
            "Cannot rename %s to %s. Table or view already exists", source, destination);
      }
      if (FOREIGN_KEY_VIOLATION.equals(state)) {
        throw NamespaceService.noSuchNamespace(destination.namespace());
      }
      throw e;
    }
  }

  /** Removes a pointer unless it moved since it was read; false when it moved or is gone. */
  boolean deleteUnchanged(Pointer object) {
    return sql.update(
            "DELETE FROM catalog_object WHERE id = ? AND metadata_location = ?", object.id(), object.metadataLocation())
        == 1;
  }

  /**
   * Compare-and-swap of the pointer, in one statement with the commit's {@code events} (a JSON array, see
   * {@code CommitEvents}): succeeds only when nobody committed since {@code expected} was read, and fails
   * at once, without waiting, while another transaction holds the row.
   */
  boolean swapIfFree(Pointer pointer, String next, String events) {
    return swapped(SWAP_IF_FREE, pointer, next, events);
  }

  /** The pointer's current metadata location, locked until the transaction ends; null when it is gone. */
  String lockedMetadataLocation(UUID id) {
    return sql.first(
            "SELECT metadata_location FROM catalog_object WHERE id = ? FOR UPDATE", row -> row.getString(1), id)
        .orElse(null);
  }

  /** Compare-and-swap of the pointer, waiting for a transaction that holds its row; {@code events} as above. */
  boolean swap(Pointer pointer, String next, String events) {
    return swapped(SWAP, pointer, next, events);
  }

  private boolean swapped(NamedSql swap, Pointer pointer, String next, String events) {
    NamedSql.Parameters parameters = NamedSql.parameters().set("next", next).set("id", pointer.id())
        .set("expected", pointer.metadataLocation()).set("events", events);
    return sql.first(swap, parameters, row -> row.getLong(1)).orElse(0L) == 1;
  }

  private static String sqlState(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sqlException) {
        return sqlException.getSQLState();
      }
    }
    return null;
  }
}
