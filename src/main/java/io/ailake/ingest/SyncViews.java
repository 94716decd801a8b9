package io.ailake.ingest;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What the sync routes answer. */
public final class SyncViews {

  private SyncViews() {}

  @Schema(name = "AiLakeSync", description = "A sync and the totals of its files", example = """
      {"syncId": 42, "name": "orders-2026-12-07", "table": "shop.orders", "syncType": "FULL", "format": "parquet",
      "status": "FINISHED", "snapshotId": 3051729675574597004, "trashTag": "trash-42",
      "startTime": "2026-12-07T10:00:00Z", "endTime": "2026-12-07T10:05:00Z", "totalFiles": 2, "numFailed": 0,
      "rows": 1000, "bytes": 52311}""")
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Sync(
      long syncId,
      String name,
      @Schema(description = "namespace.table") String table,
      @Schema(enumeration = {"FULL", "INCREMENTAL"}) String syncType,
      @Schema(enumeration = {"parquet", "csv", "ndjson"}) String format,
      @Schema(enumeration = {"SYNCING", "FINISHED", "FAILED", "ABORTED"}) String status,
      @Schema(description = "Why it failed or was aborted") String message,
      @Schema(description = "The snapshot its end committed") Long snapshotId,
      @Schema(description = "A FULL sync's tag on the table's previous snapshot") String trashTag,
      Instant startTime,
      Instant endTime,
      @Schema(description = "An open sync is aborted past this") Instant expiresAt,
      long totalFiles,
      long numFailed,
      @Schema(description = "Rows of its finished files") long rows,
      @Schema(description = "Bytes of its finished files, as uploaded") long bytes) {

    static Sync of(SyncRecords.Sync sync) {
      boolean open = sync.status().equals("SYNCING") || sync.status().equals("ENDING");
      return new Sync(sync.id(), sync.name(), sync.namespace() + "." + sync.tableName(), sync.syncType(),
          sync.format(), sync.status().equals("ENDING") ? "SYNCING" : sync.status(), sync.message(),
          sync.snapshotId(), sync.trashTag(),
          sync.startTime(), sync.endTime(), open ? sync.expiresAt() : null, sync.totalFiles(), sync.numFailed(),
          sync.rows(), sync.bytes());
    }
  }

  @Schema(name = "AiLakeSyncList", description = "A page of the database's syncs, newest first", example = """
      {"syncs": [{"syncId": 42, "name": "orders-2026-12-07", "table": "shop.orders", "syncType": "FULL", "format": "parquet",
      "status": "FINISHED", "snapshotId": 3051729675574597004, "trashTag": "trash-42",
      "startTime": "2026-12-07T10:00:00Z", "endTime": "2026-12-07T10:05:00Z", "totalFiles": 2, "numFailed": 0,
      "rows": 1000, "bytes": 52311}], "totalCount": 1}""")
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record SyncList(List<Sync> syncs, @Schema(description = "All the syncs the filter matches") Long totalCount) {}

  @Schema(name = "AiLakeSyncFile", description = "A file uploaded into a sync", example = """
      {"historyId": 7, "syncId": 42, "fileName": "orders-1.csv", "bytes": 120, "rows": 0,
      "startTime": "2026-12-07T10:01:00Z", "endTime": "2026-12-07T10:01:01Z", "status": "FAILED",
      "message": "line 3, column amount: 'lots' is not a double"}""")
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record FileEntry(
      long historyId,
      long syncId,
      String fileName,
      long bytes,
      long rows,
      Instant startTime,
      Instant endTime,
      @Schema(enumeration = {"SYNCING", "FINISHED", "FAILED", "ABORTED"}) String status,
      @Schema(description = "Why it failed, naming the line and column where it can") String message) {

    static FileEntry of(SyncRecords.File file) {
      return new FileEntry(file.id(), file.syncId(), file.fileName(), file.bytes(), file.rows(), file.startTime(),
          file.endTime(), file.status(), file.message());
    }
  }

  @Schema(name = "AiLakeSyncHistory", description = "A page of the files uploaded into the database's syncs, newest"
      + " first", example = """
      {"history": [{"historyId": 7, "syncId": 42, "fileName": "orders-1.csv", "bytes": 120, "rows": 0,
      "startTime": "2026-12-07T10:01:00Z", "endTime": "2026-12-07T10:01:01Z", "status": "FAILED",
      "message": "line 3, column amount: 'lots' is not a double"}], "totalCount": 1}""")
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record History(List<FileEntry> history, Long totalCount) {}

  @Schema(name = "AiLakeSyncUpload", description = "The outcome of each file part of an upload, in order; a file"
      + " sent again with the same name and content answers its first upload's entry", example = """
      {"syncId": 42, "files": [{"historyId": 7, "syncId": 42, "fileName": "orders-1.csv", "bytes": 120, "rows": 0,
      "startTime": "2026-12-07T10:01:00Z", "endTime": "2026-12-07T10:01:01Z", "status": "FAILED",
      "message": "line 3, column amount: 'lots' is not a double"}]}""")
  public record Upload(long syncId, List<FileEntry> files) {}
}
