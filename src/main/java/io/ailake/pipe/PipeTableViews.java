package io.ailake.pipe;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.ailake.api.JsonApi;
import io.ailake.api.Paging;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The wire forms of pipe tables, as the AI Lake API names them. */
public final class PipeTableViews {

  private PipeTableViews() {}

  @Schema(name = "ColumnInfo", requiredProperties = {"name", "type"}, example = "{\"name\": \"amount\", \"type\": \"DECIMAL(12,2)\"}")
  public record ColumnInfo(String name, @Schema(description = "SQL type") String type) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "PipeTableSummary", requiredProperties = {"pipeTableId", "tableName", "pathPrefix", "columns", "state"}, example = """
      {"pipeTableId": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "tableName": "orders", "pathPrefix": "orders/",
      "columns": [{"name": "id", "type": "BIGINT"}, {"name": "year", "type": "INT"}], "state": "active"}""")
  public record PipeTableSummary(
      String pipeTableId, String tableName, String pathPrefix, List<ColumnInfo> columns,
      @Schema(enumeration = {"creating", "active", "deleting", "failed"}) String state, String stateDetail) {}

  static final String TYPE = "pipeTable";

  /**
   * GoodData's {@code ListPipeTablesResponse} ({@code pipeTables}) and {@code
   * JsonApiListDocumentPipeTableSummary} ({@code data}, {@code links}, {@code meta}) in one answer.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "ListPipeTablesResponse", example = """
      {"data": [{"id": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "type": "pipeTable", "attributes":
      {"pipeTableId": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "tableName": "orders", "pathPrefix": "orders/",
      "columns": [{"name": "id", "type": "BIGINT"}], "state": "active"}}],
      "links": {"self": "/api/v1/ailake/database/instances/sales/pipeTables"}, "meta": {"page": {"number": 0, "size": 50}},
      "pipeTables": [{"pipeTableId": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "tableName": "orders",
      "pathPrefix": "orders/", "columns": [{"name": "id", "type": "BIGINT"}], "state": "active"}]}""")
  public record ListPipeTablesResponse(
      @Schema(required = true) List<JsonApi.Item<PipeTableSummary>> data,
      @Schema(required = true) JsonApi.Links links,
      JsonApi.Meta meta,
      List<PipeTableSummary> pipeTables,
      @Schema(description = "All the database's pipe tables, with metaInclude=page") Long totalCount) {

    static ListPipeTablesResponse of(List<PipeTableSummary> all, Paging paging, UriInfo uri) {
      List<PipeTableSummary> page = paging.slice(all);
      Long total = paging.withTotal() ? (long) all.size() : null;
      return new ListPipeTablesResponse(JsonApi.items(TYPE, page, PipeTableSummary::pipeTableId),
          JsonApi.self(uri), JsonApi.meta(paging, total), page, total);
    }
  }

  /**
   * One pipe table: GoodData's {@code JsonApiDocumentPipeTable} ({@code data}, {@code links}) with the
   * older client's flat {@code PipeTable} fields beside them.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "PipeTableDocument", example = """
      {"data": {"id": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "type": "pipeTable", "attributes":
      {"pipeTableId": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "tableName": "orders", "databaseName": "sales",
      "sourceStorageName": "s3-data-lake", "pathPrefix": "orders/", "columns": [{"name": "id", "type": "BIGINT"}],
      "partitionColumns": [], "pollingIntervalSeconds": 60, "tableProperties": {},
      "keyConfig": {"type": "primary", "columns": ["id"]}, "distributionConfig": {"type": "random", "buckets": 1},
      "namespace": "default", "state": "active", "filesLoaded": 12, "filesFailed": 0, "recordsLoaded": 48210}},
      "links": {"self": "/api/v1/ailake/database/instances/sales/pipeTables/orders"},
      "pipeTableId": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "tableName": "orders", "databaseName": "sales",
      "sourceStorageName": "s3-data-lake", "pathPrefix": "orders/", "columns": [{"name": "id", "type": "BIGINT"}],
      "partitionColumns": [], "pollingIntervalSeconds": 60, "tableProperties": {},
      "keyConfig": {"type": "primary", "columns": ["id"]}, "distributionConfig": {"type": "random", "buckets": 1},
      "namespace": "default", "state": "active", "filesLoaded": 12, "filesFailed": 0, "recordsLoaded": 48210}""")
  public record PipeTableDocument(
      @Schema(required = true) PipeTableItem data,
      @Schema(required = true) JsonApi.Links links,
      @JsonUnwrapped PipeTableView flat) {

    static PipeTableDocument of(PipeTableView table, UriInfo uri) {
      return new PipeTableDocument(new PipeTableItem(table.pipeTableId(), TYPE, table), JsonApi.self(uri), table);
    }
  }

  /** {@link JsonApi.Item} of one pipe table, named as GoodData names it. */
  @Schema(name = "JsonApiItemPipeTable", example = """
      {"id": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "type": "pipeTable", "attributes":
      {"pipeTableId": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "tableName": "orders", "databaseName": "sales",
      "sourceStorageName": "s3-data-lake", "pathPrefix": "orders/", "columns": [{"name": "id", "type": "BIGINT"}],
      "partitionColumns": [], "pollingIntervalSeconds": 60, "tableProperties": {},
      "keyConfig": {"type": "primary", "columns": ["id"]}, "distributionConfig": {"type": "random", "buckets": 1},
      "namespace": "default", "state": "active", "filesLoaded": 12, "filesFailed": 0, "recordsLoaded": 48210}}""")
  public record PipeTableItem(
      @Schema(required = true) String id, @Schema(required = true) String type,
      @Schema(required = true) PipeTableView attributes) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "PipeTable", requiredProperties = {"pipeTableId", "tableName", "databaseName", "sourceStorageName", "pathPrefix", "columns", "partitionColumns", "pollingIntervalSeconds", "tableProperties", "keyConfig", "distributionConfig", "namespace", "state", "filesLoaded", "filesFailed", "recordsLoaded"}, example = """
      {"pipeTableId": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "tableName": "orders", "databaseName": "sales",
      "sourceStorageName": "s3-data-lake", "pathPrefix": "orders/",
      "columns": [{"name": "id", "type": "BIGINT"}, {"name": "amount", "type": "DECIMAL(12,2)"},
      {"name": "year", "type": "INT"}, {"name": "month", "type": "INT"}],
      "partitionColumns": ["year", "month"], "pollingIntervalSeconds": 60, "tableProperties": {},
      "keyConfig": {"type": "primary", "columns": ["id"]}, "distributionConfig": {"type": "random", "buckets": 1},
      "namespace": "default", "state": "active", "filesLoaded": 12, "filesFailed": 0, "recordsLoaded": 48210,
      "lastPolledAt": "2026-05-07T10:15:30Z"}""")
  public record PipeTableView(
      String pipeTableId,
      String tableName,
      String databaseName,
      String sourceStorageName,
      String pathPrefix,
      List<ColumnInfo> columns,
      @Schema(description = "Hive partition columns detected from the directories") List<String> partitionColumns,
      @Schema(description = "0 = the server default") int pollingIntervalSeconds,
      Map<String, String> tableProperties,
      PipeTableRequests.KeyConfig keyConfig,
      Map<String, Object> distributionConfig,
      PipeTableRequests.PartitionConfig partitionConfig,
      @Schema(description = "the Iceberg namespace of the table") String namespace,
      String state,
      String stateDetail,
      long filesLoaded,
      @Schema(description = "files that could not be loaded; refreshing their partition tries them again") long filesFailed,
      long recordsLoaded,
      Instant lastPolledAt,
      String lastError) {}

  /** One file the pipe loader took, in the shape of a sync's file history (a pipe's files belong to no sync). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "PipeFileHistory", requiredProperties = {"historyId", "fileName", "bytes", "rows", "endTime", "status"},
      example = """
      {"historyId": 42, "fileName": "year=2024/part-0001.parquet", "bytes": 1048576, "rows": 48210,
      "startTime": "2026-05-07T10:15:30.120Z", "endTime": "2026-05-07T10:15:31.480Z", "status": "FINISHED"}""")
  public record FileHistory(
      long historyId,
      @Schema(description = "Always absent: a pipe's files are loaded by its poller, not by a sync") String syncId,
      @Schema(description = "The file's path under the pipe's pathPrefix") String fileName,
      long bytes,
      @Schema(description = "Rows loaded from the file (0 when it failed)") long rows,
      @Schema(description = "When its load began (absent for files loaded before this was recorded)") Instant startTime,
      @Schema(description = "When its load was committed, or failed") Instant endTime,
      @Schema(enumeration = {"FINISHED", "FAILED"}) String status,
      @Schema(description = "Why the file could not be loaded") String message) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "ListPipeFilesResponse", requiredProperties = {"files", "totalCount"}, example = """
      {"files": [{"historyId": 42, "fileName": "year=2024/part-0001.parquet", "bytes": 1048576, "rows": 48210,
      "startTime": "2026-05-07T10:15:30.120Z", "endTime": "2026-05-07T10:15:31.480Z", "status": "FINISHED"}],
      "totalCount": 1}""")
  public record ListFilesResponse(List<FileHistory> files, @Schema(description = "Files matching the status filter") long totalCount) {}
}
