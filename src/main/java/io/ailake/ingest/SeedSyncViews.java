package io.ailake.ingest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What the seed's sync routes answer, in its snake_case words, with epoch-millisecond times (0: not ended). */
public final class SeedSyncViews {

  private SeedSyncViews() {}

  @Schema(name = "SeedSyncStarted", requiredProperties = {"sync_id"}, example = "{\"sync_id\": 1}")
  public record Started(@JsonProperty("sync_id") long syncId) {}

  @Schema(name = "SeedSyncUploaded", requiredProperties = {"code"}, description = "code 0: every file was taken;"
      + " 1: a file failed (it is in the history as Failed, with why), msg says which and why",
      example = "{\"code\": 0, \"msg\": null}")
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Uploaded(int code, @Schema(nullable = true) String msg) {

    static Uploaded of(SyncViews.Upload upload) {
      String failed = String.join("; ", upload.files().stream().filter(f -> !f.status().equals("FINISHED"))
          .map(f -> f.fileName() + ": " + f.message()).toList());
      return failed.isEmpty() ? new Uploaded(0, null) : new Uploaded(1, failed);
    }
  }

  @Schema(name = "SeedSyncEnded", requiredProperties = {"success"}, description = "success false: the sync"
      + " FAILED (nothing committed), message says why", example = "{\"success\": true}")
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Ended(boolean success, String message) {

    static Ended of(SyncRecords.Sync sync) {
      return sync.status().equals("FINISHED") ? new Ended(true, null) : new Ended(false, sync.message());
    }
  }

  @Schema(name = "SeedSync", example = """
      {"org_id": "5b0c1f7e-9d2a-4c3b-8e1f-2a3b4c5d6e7f", "sync_id": 2, "name": "hello",
      "path": "/data/db/transaction2021", "sync_type": "IncrementalSync", "sync_status": "Syncing",
      "start_time": 1638760723792, "end_time": 0, "total_files": 0, "num_failed": 0}""")
  public record Sync(
      @JsonProperty("org_id") UUID orgId,
      @JsonProperty("sync_id") long syncId,
      String name,
      @Schema(description = "/<database>/<namespace>/<table>") String path,
      @Schema(enumeration = {"FullSync", "IncrementalSync"}) @JsonProperty("sync_type") String syncType,
      @Schema(enumeration = {"Syncing", "Finished", "Failed", "Aborted"}) @JsonProperty("sync_status")
          String syncStatus,
      @Schema(description = "Epoch milliseconds") @JsonProperty("start_time") long startTime,
      @Schema(description = "Epoch milliseconds; 0 while it has not ended") @JsonProperty("end_time") long endTime,
      @JsonProperty("total_files") long totalFiles,
      @JsonProperty("num_failed") long numFailed) {

    static Sync of(SyncRecords.Placed placed) {
      SyncRecords.Sync sync = placed.sync();
      return new Sync(sync.organizationId(), sync.id(), sync.name(),
          SeedSyncRequests.TablePath.of(placed.databaseName(), sync.namespace(), sync.tableName()),
          sync.syncType().equals("FULL") ? "FullSync" : "IncrementalSync", status(sync.status()),
          millis(sync.startTime()), millis(sync.endTime()), sync.totalFiles(), sync.numFailed());
    }
  }

  @Schema(name = "SeedSyncFile", example = """
      {"org_id": "5b0c1f7e-9d2a-4c3b-8e1f-2a3b4c5d6e7f", "history_id": 4, "sync_id": 2,
      "file_name": "random_data.parquet", "start_time": 1638787922904, "end_time": 1638787922952,
      "sync_status": "Finished", "message": ""}""")
  public record FileEntry(
      @JsonProperty("org_id") UUID orgId,
      @JsonProperty("history_id") long historyId,
      @JsonProperty("sync_id") long syncId,
      @JsonProperty("file_name") String fileName,
      @Schema(description = "Epoch milliseconds") @JsonProperty("start_time") long startTime,
      @Schema(description = "Epoch milliseconds; 0 while it streams") @JsonProperty("end_time") long endTime,
      @Schema(enumeration = {"Syncing", "Finished", "Failed", "Aborted"}) @JsonProperty("sync_status")
          String syncStatus,
      @Schema(description = "Why it failed; empty when it did not") String message) {

    static FileEntry of(UUID organizationId, SyncRecords.File file) {
      return new FileEntry(organizationId, file.id(), file.syncId(), file.fileName(), millis(file.startTime()),
          millis(file.endTime()), status(file.status()), file.message() == null ? "" : file.message());
    }
  }

  /** The seed's word for a status; an ending sync is still Syncing. */
  static String status(String status) {
    return switch (status) {
      case "FINISHED" -> "Finished";
      case "FAILED" -> "Failed";
      case "ABORTED" -> "Aborted";
      default -> "Syncing";
    };
  }

  private static long millis(Instant time) {
    return time == null ? 0 : time.toEpochMilli();
  }
}
