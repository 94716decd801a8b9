package io.ailake.ingest;

import io.ailake.AilakeConfig;
import io.ailake.api.ApiException;
import io.ailake.data.DatabaseTables;
import io.ailake.iceberg.ServerTables;
import io.ailake.iceberg.Warehouse;
import io.ailake.logs.ResourceLogs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.mapping.MappingUtil;
import org.apache.iceberg.mapping.NameMappingParser;
import org.jboss.logging.Logger;

/**
 * Ends a sync in one Iceberg commit through the catalog's commit path: INCREMENTAL appends its files'
 * data files, FULL replaces the table's contents with them and tags the replaced snapshot
 * {@code trash-<syncId>} (kept {@code ailake.ingest.trash-retention}). The sync turns FINISHED in the
 * PostgreSQL transaction that swaps the table's pointer, and only from ENDING: of two ends (retries,
 * replicas, a restart after kill -9) one commits and the other rolls back and answers what the first did.
 */
@ApplicationScoped
public class SyncEnds {

  private static final Logger LOG = Logger.getLogger(SyncEnds.class);
  static final String SUMMARY = "ailake.sync-id";

  private final DatabaseTables databases;
  private final Syncs syncs;
  private final SyncRecords records;
  private final ServerTables serverTables;
  private final Duration trashRetention;
  private final ResourceLogs logs;

  SyncEnds(DatabaseTables databases, Syncs syncs, SyncRecords records, ServerTables serverTables,
      AilakeConfig config, ResourceLogs logs) {
    this.logs = logs;
    this.databases = databases;
    this.syncs = syncs;
    this.records = records;
    this.serverTables = serverTables;
    this.trashRetention = config.ingest().trashRetention();
  }

  public SyncViews.Sync end(String instanceId, String syncId) {
    Warehouse database = databases.database(instanceId);
    SyncRecords.Sync sync = syncs.require(database, syncId);
    return SyncViews.Sync.of(end(database, sync));
  }

  /** The end of a sync already found in the caller's organization. */
  SyncRecords.Sync end(Warehouse database, SyncRecords.Sync sync) {
    if (!records.markEnding(sync.id())) {
      return ended(sync.id());
    }
    List<SyncRecords.File> files = records.files(sync.id());
    List<SyncRecords.File> failed = files.stream().filter(f -> f.status().equals("FAILED")).toList();
    List<SyncRecords.File> finished = files.stream().filter(f -> f.status().equals("FINISHED")).toList();
    if (!failed.isEmpty() && sync.onFileError().equals("fail")) {
      return failSync(database, sync, files, failed);
    }
    Table table;
    try {
      table = serverTables.load(database, Syncs.table(sync), () -> markFinished(sync.id()));
    } catch (NoSuchTableException e) {
      if (!finished.isEmpty()) {
        throw ApiException.conflict("Table %s was dropped during sync %d; abort the sync", Syncs.table(sync), sync.id());
      }
      return finishWithoutCommit(database, sync, files);
    }
    List<DataFile> dataFiles = new ArrayList<>();
    finished.forEach(f -> dataFiles.addAll(SyncFiles.dataFiles(f.dataFiles(), table.specs())));
    boolean full = sync.syncType().equals("FULL");
    if (!full && dataFiles.isEmpty()) {
      return finishWithoutCommit(database, sync, files);
    }
    Snapshot replaced = table.currentSnapshot();
    String trashTag = full && replaced != null ? "trash-" + sync.id() : null;
    try {
      commit(table, sync, dataFiles, replaced, trashTag);
    } catch (CommitStateUnknownException e) {
      throw ApiException.unavailable("Whether sync %d committed is unknown: %s; end it again", sync.id(), e.getMessage());
    } catch (ValidationException | CommitFailedException e) {
      SyncRecords.Sync now = records.find(sync.id()).orElseThrow();
      if (!now.status().equals("ENDING")) {
        return ended(sync.id()); // another end (or an abort) came first
      }
      throw ApiException.conflict("Sync %d could not commit against concurrent changes of the table: %s; end it again",
          sync.id(), e.getMessage());
    } catch (RuntimeException e) {
      SyncRecords.Sync now = records.find(sync.id()).orElseThrow();
      if (!now.status().equals("ENDING")) {
        return ended(sync.id());
      }
      throw e;
    }
    deleteUnfinished(database, files);
    Long snapshotId = snapshotOf(table, sync.id());
    if (snapshotId != null) {
      records.setSnapshot(sync.id(), snapshotId, trashTag);
    }
    SyncRecords.Sync ended = records.find(sync.id()).orElseThrow();
    logs.info(Syncs.log(sync), "Sync ended: committed", "snapshotId", snapshotId, "files", finished.size(),
        "rows", ended.rows(), "bytes", ended.bytes(), "skippedFiles", failed.isEmpty() ? null : failed.size(),
        "trashTag", trashTag);
    return ended;
  }

  /** One commit: the data files, for FULL the replaced contents and their trash tag, the name mapping Parquet files need. */
  private void commit(Table table, SyncRecords.Sync sync, List<DataFile> dataFiles, Snapshot replaced, String trashTag) {
    Transaction transaction = table.newTransaction();
    if (table.properties().get(TableProperties.DEFAULT_NAME_MAPPING) == null) {
      // a Parquet file taken as it is names its columns, not Iceberg's field ids: readers map them by name
      transaction.updateProperties().set(TableProperties.DEFAULT_NAME_MAPPING,
          NameMappingParser.toJson(MappingUtil.create(table.schema()))).commit();
    }
    if (sync.syncType().equals("FULL")) {
      OverwriteFiles overwrite = transaction.newOverwrite().overwriteByRowFilter(Expressions.alwaysTrue());
      dataFiles.forEach(overwrite::addFile);
      overwrite.set(SUMMARY, String.valueOf(sync.id()));
      overwrite.commit();
      if (trashTag != null) {
        transaction.manageSnapshots().createTag(trashTag, replaced.snapshotId())
            .setMaxRefAgeMs(trashTag, trashRetention.toMillis()).commit();
      }
    } else {
      AppendFiles append = transaction.newAppend();
      dataFiles.forEach(append::appendFile);
      append.set(SUMMARY, String.valueOf(sync.id()));
      append.commit();
    }
    transaction.commitTransaction();
  }

  /** A sync with nothing to commit finishes on its own; another end that came first answers for it. */
  private SyncRecords.Sync finishWithoutCommit(Warehouse database, SyncRecords.Sync sync, List<SyncRecords.File> files) {
    boolean finished = QuarkusTransaction.requiringNew().call(() -> {
      if (!records.markEnded(sync.id(), "FINISHED", null)) {
        return false;
      }
      records.failUnfinishedFiles(sync.id(), "the upload had not finished when the sync ended: it is not part of it");
      return true;
    });
    if (finished) {
      deleteUnfinished(database, files);
      logs.info(Syncs.log(sync), "Sync ended: nothing to commit", "files", files.size());
    }
    return ended(sync.id());
  }

  /** In the transaction that swaps the table's pointer: only an ENDING sync finishes, once. */
  private void markFinished(long syncId) {
    if (!records.markEnded(syncId, "FINISHED", null)) {
      throw new IllegalStateException("Sync " + syncId + " is no longer ending: another end or an abort came first");
    }
    records.failUnfinishedFiles(syncId, "the upload had not finished when the sync ended: it is not part of it");
  }

  /**
   * Deletes what the uploads still streaming when the end began had stored (a replica killed during an
   * upload leaves its file so): they are not part of the sync. An upload that still streams finds the sync
   * ended and drops its own.
   */
  private void deleteUnfinished(Warehouse database, List<SyncRecords.File> files) {
    List<SyncRecords.File> unfinished = files.stream().filter(f -> f.status().equals("SYNCING")).toList();
    if (!unfinished.isEmpty()) {
      SyncFiles.delete(serverTables.io(database), SyncFiles.locations(unfinished));
    }
  }

  /** A sync whose failed files fail it: nothing is committed, and what its files wrote is deleted. */
  private SyncRecords.Sync failSync(Warehouse database, SyncRecords.Sync sync, List<SyncRecords.File> files,
      List<SyncRecords.File> failed) {
    SyncRecords.File first = failed.get(0);
    String message = String.format("%d file(s) failed (onFileError fail), nothing was committed; %s: %s",
        failed.size(), first.fileName(), first.message());
    boolean marked = QuarkusTransaction.requiringNew().call(() -> {
      if (!records.markEnded(sync.id(), "FAILED", message)) {
        return false;
      }
      records.failUnfinishedFiles(sync.id(), "the sync failed before the file was stored");
      return true;
    });
    if (marked) {
      SyncFiles.delete(serverTables.io(database), SyncFiles.locations(files));
      logs.error(Syncs.log(sync), "Sync failed: nothing committed", "failedFiles", failed.size(), "error", message);
    }
    return ended(sync.id());
  }

  /** The answer of a sync that already ended: the same for every end after the first. */
  private SyncRecords.Sync ended(long syncId) {
    SyncRecords.Sync now = records.find(syncId).orElseThrow();
    if (now.status().equals("ABORTED")) {
      throw ApiException.conflict("Sync %d was aborted: %s", syncId, now.message());
    }
    return now;
  }

  private static Long snapshotOf(Table table, long syncId) {
    for (Snapshot snapshot = table.currentSnapshot(); snapshot != null;
        snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId())) {
      if (String.valueOf(syncId).equals(snapshot.summary().get(SUMMARY))) {
        return snapshot.snapshotId();
      }
    }
    LOG.debugf("The snapshot of sync %d is not in the table's history any more", syncId);
    return null;
  }
}
