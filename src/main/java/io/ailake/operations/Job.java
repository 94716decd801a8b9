package io.ailake.operations;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A unit of durable background work. Claimed and finished by {@link JobRunner}. */
@Entity
@Table(name = "job")
public class Job extends PanacheEntityBase {

  public enum State {
    PENDING,
    SUCCEEDED,
    FAILED
  }

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "organization_id")
  public UUID organizationId;

  public String kind;

  @JdbcTypeCode(SqlTypes.JSON)
  public Map<String, String> payload;

  @jakarta.persistence.Enumerated(jakarta.persistence.EnumType.STRING)
  public State state = State.PENDING;

  public int attempts;

  @Column(name = "run_after")
  public Instant runAfter = Instant.now();

  @Column(name = "last_error")
  public String lastError;

  /** The public id clients poll; null for internal jobs. */
  @Column(name = "operation_id")
  public String operationId;

  /** Identifies the request that created the operation, so a repeated operation-id can be recognized. */
  @Column(name = "request_fingerprint")
  public String requestFingerprint;

  @JdbcTypeCode(SqlTypes.JSON)
  public Map<String, Object> result;

  /** {@code {title, status, detail}} once the operation failed. */
  @JdbcTypeCode(SqlTypes.JSON)
  public Map<String, Object> error;

  @Column(name = "created_at")
  public Instant createdAt = Instant.now();

  @Column(name = "updated_at")
  public Instant updatedAt = Instant.now();
}
