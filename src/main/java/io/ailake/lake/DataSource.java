package io.ailake.lake;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** A named association through which BI tools reach a database; its id is unique in the organization. */
@Entity
@Table(name = "data_source")
public class DataSource extends PanacheEntityBase {

  @Id public UUID id;

  @Column(name = "organization_id")
  public UUID organizationId;

  @Column(name = "warehouse_id")
  public UUID warehouseId;

  @Column(name = "data_source_id")
  public String dataSourceId;

  @Column(name = "data_source_name")
  public String dataSourceName;

  @Column(name = "created_at")
  public Instant createdAt = Instant.now();

  public static List<DataSource> of(UUID warehouseId) {
    return list("warehouseId = ?1 order by createdAt, dataSourceId", warehouseId);
  }

  public static Optional<DataSource> find(UUID organizationId, String dataSourceId) {
    return find("organizationId = ?1 and dataSourceId = ?2", organizationId, dataSourceId)
        .firstResultOptional();
  }

  /** The wire form, {@code DataSourceInfo}. */
  @org.eclipse.microprofile.openapi.annotations.media.Schema(name = "DataSourceInfo", requiredProperties = {"id", "dataSourceId", "dataSourceName"}, example = """
      {"id": "8e3f7c1a-2b4d-4e6f-9a1b-3c5d7e9f1a2b", "dataSourceId": "sales", "dataSourceName": "sales"}""")
  public record Info(String id, String dataSourceId, String dataSourceName) {
    static Info of(DataSource source) {
      return new Info(source.id.toString(), source.dataSourceId, source.dataSourceName);
    }
  }
}
