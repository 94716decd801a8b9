package io.ailake.operations;

import io.ailake.api.ApiException;
import io.ailake.api.Sha256;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Long-running operations: durable jobs with a public id. A client may choose the id (header {@code
 * operation-id}); sending the same id again for the same request answers the same operation, for a
 * different request it is a 409.
 */
@ApplicationScoped
public class OperationService {

  private static final Pattern OPERATION_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private final jakarta.enterprise.inject.Instance<JobHandler> handlers;
  private final io.ailake.postgres.RequestPathSql sql;

  OperationService(@jakarta.enterprise.inject.Any jakarta.enterprise.inject.Instance<JobHandler> handlers,
      io.ailake.postgres.RequestPathSql sql) {
    this.handlers = handlers;
    this.sql = sql;
  }

  /** The kinds of operation this service runs or records, sorted. */
  public java.util.SortedSet<String> kinds() {
    java.util.SortedSet<String> kinds = new java.util.TreeSet<>();
    handlers.forEach(h -> kinds.add(h.kind()));
    kinds.add(ServicesResource.RUN_COMMAND);
    return kinds;
  }

  /** The operation submitted, or the one a repeated request already submitted. */
  public record Submitted(String operationId, boolean existing) {}

  /**
   * Queues an operation inside the caller's transaction, so the change it records and the work it
   * schedules commit together.
   *
   * @param request what identifies the request (kind, target and body), to recognize a repeat
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public Submitted submit(
      UUID organizationId, String kind, Map<String, String> payload, String requestedId, String request) {
    String fingerprint = fingerprint(kind + '\n' + request);
    String id = requestedId == null || requestedId.isBlank() ? UUID.randomUUID().toString() : requestedId;
    if (!OPERATION_ID.matcher(id).matches()) {
      throw ApiException.badRequest(
          "Invalid operation-id header: use 1-128 letters, digits, '.', '_', ':' or '-'");
    }
    Job job = new Job();
    job.organizationId = organizationId;
    job.kind = kind;
    job.payload = payload;
    job.operationId = id;
    job.requestFingerprint = fingerprint;
    job.persist();
    return new Submitted(id, false);
  }

  /**
   * Records an operation that already ran (a service command runs at once: "resume" must work while
   * the worker that runs queued operations is paused).
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public Submitted recordFinished(
      UUID organizationId, String kind, String requestedId, String request,
      Map<String, Object> result, Map<String, Object> error) {
    Submitted submitted = submit(organizationId, kind, Map.of(), requestedId, request);
    Job job = find(organizationId, submitted.operationId()).orElseThrow();
    job.state = error == null ? Job.State.SUCCEEDED : Job.State.FAILED;
    job.result = result;
    job.error = error;
    job.updatedAt = java.time.Instant.now();
    return submitted;
  }

  /** An earlier operation with this client-chosen id, when the request repeats it. */
  @Transactional(Transactional.TxType.MANDATORY)
  public Optional<Submitted> repeated(UUID organizationId, String kind, String requestedId, String request) {
    if (requestedId == null || requestedId.isBlank()) {
      return Optional.empty();
    }
    Optional<Job> earlier = find(organizationId, requestedId);
    if (earlier.isEmpty()) {
      return Optional.empty();
    }
    if (!earlier.get().requestFingerprint.equals(fingerprint(kind + '\n' + request))) {
      throw ApiException.conflict(
          "operation-id %s already identifies a different request; choose a new id", requestedId);
    }
    return Optional.of(new Submitted(requestedId, true));
  }

  /** One page of an organization's operations, newest first. */
  public record Page(java.util.List<Job> operations, Long totalCount) {}

  /**
   * The organization's operations (jobs with a public id), newest first.
   *
   * @param state null for all
   * @param kind null for all
   * @param withTotal whether to count all that match (a second query)
   */
  public Page list(UUID organizationId, Job.State state, String kind, int size, int offset, boolean withTotal) {
    StringBuilder where = new StringBuilder("organizationId = :org and operationId is not null");
    io.quarkus.panache.common.Parameters parameters = io.quarkus.panache.common.Parameters.with("org", organizationId);
    if (state != null) {
      where.append(" and state = :state");
      parameters.and("state", state);
    }
    if (kind != null) {
      where.append(" and kind = :kind");
      parameters.and("kind", kind);
    }
    java.util.List<Job> page = Job.<Job>find(where + " order by createdAt desc, id desc", parameters)
        .range(offset, offset + size - 1).list();
    return new Page(page, withTotal ? Job.count(where.toString(), parameters) : null);
  }

  public Optional<Job> find(UUID organizationId, String operationId) {
    return Job.find("organizationId = ?1 and operationId = ?2", organizationId, operationId)
        .firstResultOptional();
  }

  /** Whether the operation succeeded or failed (or is gone); plain SQL, so it needs no request or transaction. */
  public boolean ended(UUID organizationId, String operationId) {
    return sql.first("SELECT state <> 'PENDING' FROM job WHERE organization_id = ? AND operation_id = ?",
        row -> row.getBoolean(1), organizationId, operationId).orElse(true);
  }

  private static String fingerprint(String request) {
    return Sha256.hex(request);
  }
}
