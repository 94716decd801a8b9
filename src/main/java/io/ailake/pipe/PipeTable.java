package io.ailake.pipe;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A pipe table's record: where it loads from, how, and the state of its loader. */
@Entity
@Table(name = "pipe_table")
public class PipeTable extends PanacheEntityBase {

  static final String CREATING = "creating";
  static final String ACTIVE = "active";
  static final String DELETING = "deleting";
  static final String FAILED = "failed";

  @Id public UUID id;

  @Column(name = "organization_id")
  public UUID organizationId;

  @Column(name = "warehouse_id")
  public UUID warehouseId;

  public String namespace;

  @Column(name = "table_name")
  public String tableName;

  @Column(name = "source_storage_id")
  public UUID sourceStorageId;

  @Column(name = "path_prefix")
  public String pathPrefix;

  @JdbcTypeCode(SqlTypes.JSON)
  public PipeTableRequests.CreatePipeTable definition;

  @JdbcTypeCode(SqlTypes.JSON)
  public List<Map<String, String>> columns;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(name = "partition_columns")
  public List<String> partitionColumns;

  @Column(name = "polling_interval_seconds")
  public int pollingIntervalSeconds;

  public String state;

  @Column(name = "state_detail")
  public String stateDetail;

  @Column(name = "last_polled_at")
  public Instant lastPolledAt;

  @Column(name = "last_error")
  public String lastError;

  @Column(name = "created_at")
  public Instant createdAt = Instant.now();

  @Column(name = "updated_at")
  public Instant updatedAt = Instant.now();

  static Optional<PipeTable> find(UUID warehouseId, String tableName) {
    return find("warehouseId = ?1 and tableName = ?2", warehouseId, tableName).firstResultOptional();
  }

  static List<PipeTable> of(UUID warehouseId) {
    return list("warehouseId = ?1 order by tableName", warehouseId);
  }
}
