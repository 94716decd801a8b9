package io.ailake.pipe;

import io.ailake.AilakeConfig;
import io.ailake.api.ApiException;
import io.ailake.api.Paging;
import io.ailake.iceberg.Warehouse;
import io.ailake.lake.DatabaseInstances;
import io.ailake.operations.OperationService;
import io.ailake.auth.Caller;
import io.ailake.storage.LocalRoots;
import io.ailake.storage.ObjectStorage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** The pipe tables of a database: listed, described, created, deleted and refreshed as operations. */
@ApplicationScoped
public class PipeTables {

  private static final Pattern TABLE_NAME = Pattern.compile("^[a-z][a-z0-9_-]{0,62}$");

  private final OperationService operations;
  private final LocalRoots localRoots;
  private final EntityManager entityManager;
  private final String namespace;
  private final Caller caller;
  private final io.ailake.logs.LogAnswers logAnswers;
  private final io.ailake.postgres.RequestPathSql sql;

  PipeTables(OperationService operations, EntityManager entityManager, AilakeConfig config, Caller caller,
      LocalRoots localRoots, io.ailake.logs.LogAnswers logAnswers, io.ailake.postgres.RequestPathSql sql) {
    this.logAnswers = logAnswers;
    this.sql = sql;
    this.localRoots = localRoots;
    this.operations = operations;
    this.entityManager = entityManager;
    this.namespace = config.pipe().namespace();
    this.caller = caller;
  }

  @Transactional
  public List<PipeTableViews.PipeTableSummary> list(String instanceId) {
    return PipeTable.of(DatabaseInstances.require(caller.organizationId(), instanceId).id).stream().map(this::summary).toList();
  }

  @Transactional
  public PipeTableViews.PipeTableView get(String instanceId, String tableName) {
    Warehouse warehouse = DatabaseInstances.require(caller.organizationId(), instanceId);
    PipeTable pipe = require(warehouse, tableName);
    PipeTableRequests.CreatePipeTable definition = pipe.definition;
    Object[] counts = (Object[]) entityManager.createNativeQuery(
            "SELECT count(*) FILTER (WHERE state = 'loaded'), count(*) FILTER (WHERE state = 'failed'),"
                + " coalesce(sum(record_count), 0) FROM pipe_file WHERE pipe_table_id = ?1")
        .setParameter(1, pipe.id)
        .getSingleResult();
    return new PipeTableViews.PipeTableView(
        pipe.id.toString(),
        pipe.tableName,
        warehouse.name,
        definition.sourceStorageName(),
        pipe.pathPrefix,
        columns(pipe),
        pipe.partitionColumns == null ? List.of() : pipe.partitionColumns,
        pipe.pollingIntervalSeconds,
        definition.tableProperties() == null ? Map.of() : definition.tableProperties(),
        definition.keyConfig() == null ? new PipeTableRequests.KeyConfig("duplicate", List.of()) : definition.keyConfig(),
        definition.distributionConfig() == null ? Map.of("type", "random", "buckets", 1) : definition.distributionConfig(),
        definition.partitionConfig(),
        pipe.namespace,
        pipe.state,
        pipe.stateDetail,
        ((Number) counts[0]).longValue(),
        ((Number) counts[1]).longValue(),
        ((Number) counts[2]).longValue(),
        pipe.lastPolledAt,
        pipe.lastError);
  }

  @Transactional
  public OperationService.Submitted create(
      String instanceId, PipeTableRequests.CreatePipeTable request, String operationId) {
    Warehouse warehouse = DatabaseInstances.require(caller.organizationId(), instanceId);
    if (request == null) {
      throw ApiException.badRequest(
          "The request body must be a JSON object with 'tableName', 'sourceStorageName' and 'pathPrefix'");
    }
    String fingerprint = "POST database/instances/" + warehouse.id + "/pipeTables " + request;
    Optional<OperationService.Submitted> repeated =
        operations.repeated(warehouse.organizationId, PipeTableJobs.CREATE, operationId, fingerprint);
    if (repeated.isPresent()) {
      return repeated.get();
    }
    if (request.tableName() == null || !TABLE_NAME.matcher(request.tableName()).matches()) {
      throw ApiException.badRequest(
          "Invalid tableName '%s': start with a lower-case letter, then up to 62 lower-case letters, digits, '_' or '-'",
          request.tableName());
    }
    if (request.sourceStorageName() == null || request.sourceStorageName().isBlank()) {
      throw ApiException.badRequest("sourceStorageName must name a registered object storage");
    }
    if (request.pathPrefix() == null) {
      throw ApiException.badRequest("pathPrefix is required (use \"\" for the storage's root)");
    }
    if (request.pathPrefix().contains("..") || request.pathPrefix().contains("://")) {
      throw ApiException.badRequest("pathPrefix must be a path under the storage's root, without '..' or a scheme");
    }
    PipeDefinition.validate(request);
    ObjectStorage storage = ObjectStorage.findByName(warehouse.organizationId, request.sourceStorageName())
        .orElseThrow(() -> ApiException.notFound("Object storage %s does not exist", request.sourceStorageName()));
    if (storage.overlapsAnotherOrganization()) {
      // registered before roots were compared as places: its files may be another organization's
      throw ApiException.conflict(
          "Object storage %s overlaps the storage of another organization; it cannot be a pipe's source", storage.name);
    }
    localRoots.requireAllowed(storage, "be a pipe's source");
    DatabaseInstances.requireReady(warehouse);
    if (PipeTable.find(warehouse.id, request.tableName()).isPresent()) {
      throw ApiException.conflict("A pipe table named %s already exists in database %s", request.tableName(), warehouse.name);
    }
    PipeTable pipe = new PipeTable();
    pipe.id = UUID.randomUUID();
    pipe.organizationId = warehouse.organizationId;
    pipe.warehouseId = warehouse.id;
    pipe.namespace = namespace;
    pipe.tableName = request.tableName();
    pipe.sourceStorageId = storage.id;
    pipe.pathPrefix = request.pathPrefix();
    pipe.definition = request;
    pipe.pollingIntervalSeconds = request.pollingIntervalSeconds() == null ? 0 : request.pollingIntervalSeconds();
    pipe.state = PipeTable.CREATING;
    pipe.persist();
    return operations.submit(warehouse.organizationId, PipeTableJobs.CREATE, Map.of("pipeTableId", pipe.id.toString()),
        operationId, fingerprint);
  }

  @Transactional
  public OperationService.Submitted delete(String instanceId, String tableName, String operationId) {
    Warehouse warehouse = DatabaseInstances.require(caller.organizationId(), instanceId);
    PipeTable pipe = require(warehouse, tableName);
    String fingerprint = "DELETE database/instances/" + warehouse.id + "/pipeTables/" + pipe.id;
    Optional<OperationService.Submitted> repeated =
        operations.repeated(warehouse.organizationId, PipeTableJobs.DELETE, operationId, fingerprint);
    if (repeated.isPresent()) {
      return repeated.get();
    }
    if (PipeTable.CREATING.equals(pipe.state) || PipeTable.DELETING.equals(pipe.state)) {
      throw ApiException.conflict("Pipe table %s has a pending operation (%s); wait for it to finish",
          tableName, pipe.state);
    }
    pipe.state = PipeTable.DELETING;
    return operations.submit(warehouse.organizationId, PipeTableJobs.DELETE, Map.of("pipeTableId", pipe.id.toString()),
        operationId, fingerprint);
  }

  @Transactional
  public OperationService.Submitted refresh(
      String instanceId, String tableName, PipeTableRequests.RefreshPartition request, String operationId) {
    Warehouse warehouse = DatabaseInstances.require(caller.organizationId(), instanceId);
    PipeTable pipe = require(warehouse, tableName);
    if (request == null || request.partitionSpec() == null) {
      throw ApiException.badRequest("The request body must be a JSON object with 'partitionSpec'");
    }
    String fingerprint = "POST database/instances/" + warehouse.id + "/pipeTables/" + pipe.id + "/refresh "
        + new java.util.TreeMap<>(request.partitionSpec());
    Optional<OperationService.Submitted> repeated =
        operations.repeated(warehouse.organizationId, PipeTableJobs.REFRESH, operationId, fingerprint);
    if (repeated.isPresent()) {
      return repeated.get();
    }
    if (!PipeTable.ACTIVE.equals(pipe.state)) {
      throw ApiException.conflict("Pipe table %s is %s; only an active pipe table can be refreshed", tableName, pipe.state);
    }
    List<String> columns = pipe.partitionColumns == null ? List.of() : pipe.partitionColumns;
    if (columns.isEmpty()) {
      throw ApiException.badRequest("Pipe table %s has no Hive partition directories; there is no partition to refresh",
          tableName);
    }
    if (!request.partitionSpec().keySet().equals(new java.util.HashSet<>(columns))) {
      throw ApiException.badRequest("partitionSpec must give exactly the partition columns %s (was %s)",
          columns, request.partitionSpec().keySet());
    }
    Map<String, String> ordered = new LinkedHashMap<>();
    columns.forEach(c -> ordered.put(c, request.partitionSpec().get(c)));
    return operations.submit(warehouse.organizationId, PipeTableJobs.REFRESH,
        Map.of("pipeTableId", pipe.id.toString(), "partitionSpec", PipeTableJobs.encode(ordered)),
        operationId, fingerprint);
  }

  /** The pipe table's log; a follower's stream ends when the pipe table is gone. */
  @Transactional
  public jakarta.ws.rs.core.Response logs(String instanceId, String tableName, io.ailake.logs.LogParameters parameters) {
    Warehouse warehouse = DatabaseInstances.require(caller.organizationId(), instanceId);
    UUID pipeId = require(warehouse, tableName).id;
    return logAnswers.answer(io.ailake.logs.LogSubject.pipeTable(warehouse.organizationId, pipeId), parameters,
        () -> sql.first("SELECT 1 FROM pipe_table WHERE id = ?", row -> row.getInt(1), pipeId).isEmpty());
  }

  /** The files the loader took, in load order; {@code status} is FINISHED or FAILED, or null for both. */
  @Transactional
  public PipeTableViews.ListFilesResponse files(String instanceId, String tableName, String status, Paging paging) {
    Warehouse warehouse = DatabaseInstances.require(caller.organizationId(), instanceId);
    PipeTable pipe = require(warehouse, tableName);
    String state = fileState(status);
    String where = " FROM pipe_file WHERE pipe_table_id = ?1" + (state == null ? "" : " AND state = ?2");
    jakarta.persistence.Query count = entityManager.createNativeQuery("SELECT count(*)" + where)
        .setParameter(1, pipe.id);
    jakarta.persistence.Query page = entityManager.createNativeQuery(
            "SELECT history_id, path, size, record_count, started_at, loaded_at, state, error" + where
                + " ORDER BY history_id LIMIT " + paging.size() + " OFFSET " + paging.offset())
        .setParameter(1, pipe.id);
    if (state != null) {
      count.setParameter(2, state);
      page.setParameter(2, state);
    }
    @SuppressWarnings("unchecked")
    List<Object[]> rows = page.getResultList();
    List<PipeTableViews.FileHistory> files = rows.stream().map(r -> new PipeTableViews.FileHistory(
        ((Number) r[0]).longValue(), null, (String) r[1], ((Number) r[2]).longValue(), ((Number) r[3]).longValue(),
        instant(r[4]), instant(r[5]), "failed".equals(r[6]) ? "FAILED" : "FINISHED", (String) r[7])).toList();
    return new PipeTableViews.ListFilesResponse(files, ((Number) count.getSingleResult()).longValue());
  }

  private static String fileState(String status) {
    if (status == null || status.isBlank()) {
      return null;
    }
    return switch (status.trim().toUpperCase(java.util.Locale.ROOT)) {
      case "FINISHED" -> "loaded";
      case "FAILED" -> "failed";
      // the loader records a file when its load is committed: none is ever in progress here
      case "SYNCING" -> "syncing";
      default -> throw ApiException.badRequest("status must be SYNCING, FINISHED or FAILED, got '%s'", status);
    };
  }

  private static Instant instant(Object value) {
    if (value == null || value instanceof Instant) {
      return (Instant) value;
    }
    if (value instanceof java.sql.Timestamp timestamp) {
      return timestamp.toInstant();
    }
    return ((java.time.OffsetDateTime) value).toInstant();
  }

  private PipeTableViews.PipeTableSummary summary(PipeTable pipe) {
    return new PipeTableViews.PipeTableSummary(
        pipe.id.toString(), pipe.tableName, pipe.pathPrefix, columns(pipe), pipe.state, pipe.stateDetail);
  }

  private static List<PipeTableViews.ColumnInfo> columns(PipeTable pipe) {
    return pipe.columns == null ? List.of()
        : pipe.columns.stream().map(c -> new PipeTableViews.ColumnInfo(c.get("name"), c.get("type"))).toList();
  }

  private static PipeTable require(Warehouse warehouse, String tableName) {
    return PipeTable.find(warehouse.id, tableName).orElseThrow(() ->
        ApiException.notFound("Pipe table %s does not exist in database %s", tableName, warehouse.name));
  }
}
