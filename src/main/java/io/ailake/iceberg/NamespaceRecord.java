package io.ailake.iceberg;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Sort;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A namespace of a warehouse, keyed by its levels joined with U+001F. */
@Entity
@Table(name = "namespace")
@IdClass(NamespaceRecord.Key.class)
public class NamespaceRecord extends PanacheEntityBase {

  @Id
  @Column(name = "warehouse_id")
  public UUID warehouseId;

  @Id public String name;

  @Column(name = "organization_id")
  public UUID organizationId;

  /** Key of the parent namespace; empty for a top-level namespace. */
  public String parent;

  @JdbcTypeCode(SqlTypes.JSON)
  public Map<String, String> properties = new HashMap<>();

  public static Optional<NamespaceRecord> find(UUID warehouseId, String key) {
    return find("warehouseId = ?1 and name = ?2", warehouseId, key).firstResultOptional();
  }

  // Panache's count() derives a new count query on every call; a one-row select is planned once.
  public static boolean exists(UUID warehouseId, String key) {
    return !getEntityManager()
        .createQuery("select 1 from NamespaceRecord n where n.warehouseId = ?1 and n.name = ?2", Integer.class)
        .setParameter(1, warehouseId)
        .setParameter(2, key)
        .setMaxResults(1)
        .getResultList()
        .isEmpty();
  }

  /** Children of {@code parent} after the key {@code after}, in key order. */
  public static List<NamespaceRecord> children(UUID warehouseId, String parent, String after, int limit) {
    return find(
            "warehouseId = ?1 and parent = ?2 and name > ?3",
            Sort.by("name"),
            warehouseId,
            parent,
            after)
        .range(0, limit - 1)
        .list();
  }

  /** Composite primary key. */
  public static class Key implements Serializable {
    public UUID warehouseId;
    public String name;

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Objects.equals(warehouseId, k.warehouseId) && Objects.equals(name, k.name);
    }

    @Override
    public int hashCode() {
      return Objects.hash(warehouseId, name);
    }
  }
}
