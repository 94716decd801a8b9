package io.ailake.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ailake.AilakeConfig;
import io.ailake.api.ApiException;
import io.ailake.api.Paging;
import io.ailake.auth.Caller;
import io.ailake.data.DatabaseTables;
import io.ailake.data.rows.RowFiles;
import io.ailake.iceberg.ServerTables;
import io.ailake.iceberg.Warehouse;
import io.ailake.logs.LogAnswers;
import io.ailake.logs.LogParameters;
import io.ailake.logs.LogSubject;
import io.ailake.logs.ResourceLogs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * File-upload syncs of a database: start one, list them with their files' totals, list the files' history,
 * abort one (its files are deleted). Uploads are {@link SyncUploads}', the end is {@link SyncEnds}'. Every
 * sync is found through the caller's organization and database, so another organization's is a 404.
 */
@ApplicationScoped
public class Syncs {

  private static final Set<String> STATUSES = Set.of("SYNCING", "FINISHED", "FAILED", "ABORTED");
  private static final Set<String> ENDED = Set.of("FINISHED", "FAILED", "ABORTED");

  private final DatabaseTables databases;
  private final SyncRecords records;
  private final ServerTables serverTables;
  private final Caller caller;
  private final Duration timeout;
  private final LogAnswers logAnswers;
  private final ResourceLogs logs;
  private final ObjectMapper json = new ObjectMapper();

  Syncs(DatabaseTables databases, SyncRecords records, ServerTables serverTables, Caller caller, AilakeConfig config,
      LogAnswers logAnswers, ResourceLogs logs) {
    this.logs = logs;
    this.databases = databases;
    this.records = records;
    this.serverTables = serverTables;
    this.caller = caller;
    this.timeout = config.ingest().syncTimeout();
    this.logAnswers = logAnswers;
  }

  public SyncViews.Sync start(String instanceId, SyncRequests.StartSync request) {
    Warehouse database = databases.database(instanceId); // another organization's database is a 404 first
    if (request == null) {
      throw ApiException.badRequest("A body is required: {name, table, syncType}");
    }
    SyncRequests.Checked start = request.check();
    if (!start.createTable()) {
      databases.load(database, start.table()); // a 404 now rather than at every upload
    }
    long id = records.insert(caller.organizationId(), database.id, start, csvJson(start), timeout);
    logs.info(LogSubject.sync(caller.organizationId(), id), "Sync started", "name", start.name(),
        "table", start.table().toString(), "syncType", start.syncType().name(), "format", start.format().lower(),
        "onFileError", start.skipFailedFiles() ? "skip" : "fail");
    return SyncViews.Sync.of(records.find(id).orElseThrow());
  }

  public SyncViews.SyncList list(String instanceId, String status, String from, String size) {
    Warehouse database = databases.database(instanceId);
    String only = status == null || status.isBlank() ? null : status.trim().toUpperCase(Locale.ROOT);
    if (only != null && !STATUSES.contains(only)) {
      throw ApiException.badRequest("status is SYNCING, FINISHED, FAILED or ABORTED, got '%s'",
          io.ailake.iceberg.IcebergNames.shown(status));
    }
    Paging paging = Paging.of(null, size, from, null);
    List<SyncViews.Sync> syncs = records.list(caller.organizationId(), database.id, only, paging.offset(),
        paging.size()).stream().map(SyncViews.Sync::of).toList();
    return new SyncViews.SyncList(syncs, records.count(caller.organizationId(), database.id, only));
  }

  public SyncViews.History history(String instanceId, String syncId, String from, String size) {
    Warehouse database = databases.database(instanceId);
    Long only = syncId == null || syncId.isBlank() ? null : syncId(syncId);
    Paging paging = Paging.of(null, size, from, null);
    List<SyncViews.FileEntry> files = records.history(caller.organizationId(), database.id, only, paging.offset(),
        paging.size()).stream().map(SyncViews.FileEntry::of).toList();
    return new SyncViews.History(files, records.historyCount(caller.organizationId(), database.id, only));
  }

  public SyncViews.Sync get(String instanceId, String syncId) {
    return SyncViews.Sync.of(require(databases.database(instanceId), syncId));
  }

  /** The sync's log; a follower's stream ends when the sync finished, failed or was aborted. */
  public jakarta.ws.rs.core.Response logs(String instanceId, String syncId, LogParameters parameters) {
    SyncRecords.Sync sync = require(databases.database(instanceId), syncId);
    return logAnswers.answer(LogSubject.sync(sync.organizationId(), sync.id()), parameters,
        () -> records.find(sync.id()).map(now -> ENDED.contains(now.status())).orElse(true));
  }

  /** Aborts an open sync and deletes its files; an aborted one answers as it is; an ended one is a 409. */
  public SyncViews.Sync abort(String instanceId, String syncId) {
    Warehouse database = databases.database(instanceId);
    return SyncViews.Sync.of(abort(database, require(database, syncId), "aborted by a call", "Sync aborted"));
  }

  /** Aborts a sync past its time (the sweep). */
  void expire(long syncId) {
    SyncRecords.Sync sync = records.find(syncId).orElse(null);
    if (sync == null) {
      return;
    }
    Warehouse warehouse = QuarkusTransaction.requiringNew().call(() -> Warehouse.findById(sync.warehouseId()));
    if (warehouse != null) {
      abort(warehouse, sync, "open longer than ailake.ingest.sync-timeout (" + timeout + "): aborted",
          "Sync expired: open longer than ailake.ingest.sync-timeout, aborted");
    }
  }

  private SyncRecords.Sync abort(Warehouse warehouse, SyncRecords.Sync sync, String why, String logLine) {
    if (!records.markAborted(sync.id(), why)) {
      SyncRecords.Sync now = records.find(sync.id()).orElseThrow();
      if (now.status().equals("ABORTED")) {
        return now;
      }
      throw ApiException.conflict("Sync %d is %s: it cannot be aborted", sync.id(), now.status());
    }
    // the status changed first: an end that comes now cannot commit these files, and an upload in flight drops its own
    List<SyncRecords.File> files = records.files(sync.id());
    SyncFiles.delete(serverTables.io(warehouse), SyncFiles.locations(files));
    logs.info(log(sync), logLine, "files", files.size());
    return records.find(sync.id()).orElseThrow();
  }

  SyncRecords.Sync require(Warehouse database, String syncId) {
    long id = syncId(syncId);
    return records.find(caller.organizationId(), database.id, id)
        .orElseThrow(() -> ApiException.notFound("Sync %d does not exist in database %s", id, database.name));
  }

  static LogSubject log(SyncRecords.Sync sync) {
    return LogSubject.sync(sync.organizationId(), sync.id());
  }

  static long syncId(String syncId) {
    try {
      return Long.parseLong(syncId.trim());
    } catch (NumberFormatException | NullPointerException e) {
      throw ApiException.notFound("Sync '%s' does not exist: a sync id is a number",
          syncId == null ? "" : io.ailake.iceberg.IcebergNames.shown(syncId));
    }
  }

  static TableIdentifier table(SyncRecords.Sync sync) {
    return TableIdentifier.of(Namespace.of(sync.namespace().split("\\.")), sync.tableName());
  }

  private String csvJson(SyncRequests.Checked start) {
    if (start.format() != SyncRequests.Format.CSV) {
      return null;
    }
    RowFiles.CsvDialect csv = start.csv();
    try {
      return json.writeValueAsString(Map.of("header", csv.header(), "delimiter", String.valueOf(csv.delimiter()),
          "quote", String.valueOf(csv.quote()), "nullValue", csv.nullValue()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static RowFiles.CsvDialect csv(SyncRecords.Sync sync) {
    if (sync.csv() == null) {
      return RowFiles.CsvDialect.DEFAULT;
    }
    try {
      var node = new ObjectMapper().readTree(sync.csv());
      return new RowFiles.CsvDialect(node.path("header").asBoolean(true), node.path("delimiter").asText(",").charAt(0),
          node.path("quote").asText("\"").charAt(0), node.path("nullValue").asText(""));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
