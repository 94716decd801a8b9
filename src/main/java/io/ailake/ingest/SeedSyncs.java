package io.ailake.ingest;

import io.ailake.api.ApiException;
import io.ailake.api.Paging;
import io.ailake.auth.Caller;
import io.ailake.data.DatabaseTables;
import io.ailake.iceberg.IcebergNames;
import io.ailake.iceberg.Warehouse;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.InputStream;
import java.util.List;

/**
 * The seed's sync routes (docs/ingest.md, "The seed's paths") translated onto the syncs of a database: a
 * path names the database and the table, and a sync id is found among all the databases of the caller's
 * organization, so another organization's sync is a 404 as on the database routes.
 */
@ApplicationScoped
public class SeedSyncs {

  private final Syncs syncs;
  private final SyncUploads uploads;
  private final SyncEnds ends;
  private final SyncRecords records;
  private final DatabaseTables databases;
  private final Caller caller;

  SeedSyncs(Syncs syncs, SyncUploads uploads, SyncEnds ends, SyncRecords records, DatabaseTables databases,
      Caller caller) {
    this.syncs = syncs;
    this.uploads = uploads;
    this.ends = ends;
    this.records = records;
    this.databases = databases;
    this.caller = caller;
  }

  public SeedSyncViews.Started start(SeedSyncRequests.Start request) {
    if (request == null) {
      throw ApiException.badRequest("A body is required: {name, path, api_key, sync_type}");
    }
    SeedSyncRequests.TablePath table = SeedSyncRequests.TablePath.parse(request.path());
    return new SeedSyncViews.Started(syncs.start(table.database(), request.translated(table)).syncId());
  }

  /** The upload into a sync; {@code path}, when given, names the sync's table. */
  public SeedSyncViews.Uploaded upload(String path, String syncId, String contentType, long contentLength,
      InputStream body) {
    SyncRecords.Sync sync = require(syncId);
    Warehouse database = databases.database(sync.warehouseId().toString());
    if (path != null && !path.isEmpty()) {
      SeedSyncRequests.TablePath named = SeedSyncRequests.TablePath.parse(path);
      String own = SeedSyncRequests.TablePath.of(database.name, sync.namespace(), sync.tableName());
      boolean sameDatabase = named.database().equals(database.name) || named.database().equals(database.id.toString());
      if (!sameDatabase || !named.tableName().equals(sync.namespace() + "." + sync.tableName())) {
        throw ApiException.badRequest("Sync %d takes files into %s, not %s", sync.id(), own, IcebergNames.shown(path));
      }
    }
    return SeedSyncViews.Uploaded.of(uploads.upload(database, sync, contentType, contentLength, body));
  }

  public SeedSyncViews.Ended end(SeedSyncRequests.End request) {
    if (request == null || request.syncId() == null) {
      throw ApiException.badRequest("A body with sync_id is required: {sync_id, api_key}");
    }
    SyncRecords.Sync sync = require(String.valueOf(request.syncId()));
    return SeedSyncViews.Ended.of(ends.end(databases.database(sync.warehouseId().toString()), sync));
  }

  public List<SeedSyncViews.Sync> list(String from, String size) {
    Paging paging = Paging.from(from, size);
    return records.listOfOrganization(caller.organizationId(), paging.offset(), paging.size()).stream()
        .map(SeedSyncViews.Sync::of).toList();
  }

  public List<SeedSyncViews.FileEntry> history(String from, String size) {
    Paging paging = Paging.from(from, size);
    return records.historyOfOrganization(caller.organizationId(), paging.offset(), paging.size()).stream()
        .map(file -> SeedSyncViews.FileEntry.of(caller.organizationId(), file)).toList();
  }

  private SyncRecords.Sync require(String syncId) {
    if (syncId == null || syncId.isBlank()) {
      throw ApiException.badRequest("sync_id is required: the id its start answered");
    }
    long id;
    try {
      id = Long.parseLong(syncId.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("sync_id is a number, got '%s'", IcebergNames.shown(syncId));
    }
    return records.find(caller.organizationId(), id)
        .orElseThrow(() -> ApiException.notFound("Sync %d does not exist", id));
  }
}
