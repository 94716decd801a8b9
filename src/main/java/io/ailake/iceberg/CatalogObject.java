package io.ailake.iceberg;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Sort;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * A table or a view: its name and the pointer to its current metadata file. Tables and views share one
 * name space, so a table and a view never share a name.
 */
@Entity
@Table(name = "catalog_object")
public class CatalogObject extends PanacheEntityBase {

  public enum Kind {
    TABLE,
    VIEW
  }

  @Id public UUID id;

  @Column(name = "organization_id")
  public UUID organizationId;

  @Column(name = "warehouse_id")
  public UUID warehouseId;

  public String namespace;

  public String name;

  @Enumerated(EnumType.STRING)
  public Kind kind;

  @Column(name = "metadata_location")
  public String metadataLocation;

  @Column(name = "created_at", insertable = false, updatable = false)
  public Instant createdAt;

  public static Optional<CatalogObject> find(UUID warehouseId, String namespace, String name) {
    return find("warehouseId = ?1 and namespace = ?2 and name = ?3", warehouseId, namespace, name)
        .firstResultOptional();
  }

  /** Every table of a warehouse, in every namespace, ordered by namespace and name. */
  public static List<TableIdentifier> tables(UUID warehouseId) {
    return getEntityManager()
        .createQuery(
            "select o.namespace, o.name from CatalogObject o where o.warehouseId = ?1 and o.kind = ?2"
                + " order by o.namespace, o.name",
            Object[].class)
        .setParameter(1, warehouseId)
        .setParameter(2, Kind.TABLE)
        .getResultList()
        .stream()
        .map(row -> TableIdentifier.of(NamespaceKeys.fromKey((String) row[0]), (String) row[1]))
        .toList();
  }

  public static boolean isTable(UUID warehouseId, TableIdentifier identifier) {
    return find(warehouseId, NamespaceKeys.key(identifier.namespace()), identifier.name())
        .filter(o -> o.kind == Kind.TABLE)
        .isPresent();
  }

  @Column(name = "updated_at")
  public Instant updatedAt;
}
