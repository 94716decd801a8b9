package io.ailake.ingest;

import io.ailake.postgres.RequestPathSql;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The rows of the syncs and of their files in PostgreSQL. Every read a route makes names the caller's
 * organization and database, so another organization's sync is never found. Statements join the
 * transaction open around them (a table commit's, for what lands with it).
 */
@ApplicationScoped
class SyncRecords {

  /** A sync as stored, with the totals of its files. */
  record Sync(long id, UUID organizationId, UUID warehouseId, String name, String namespace, String tableName,
      String syncType, String format, boolean createTable, String csv, String onFileError, String status,
      String message, Long snapshotId, String trashTag, Instant startTime, Instant endTime, Instant expiresAt, long totalFiles,
      long numFailed, long rows, long bytes) {}

  /** A file of a sync as stored. */
  record File(long id, long syncId, String fileName, String sha256, long bytes, long rows, String status,
      String message, String uploadLocation, String dataFiles, Instant startTime, Instant endTime) {}

  private static final String SYNC_COLUMNS = """
      s.id, s.organization_id, s.warehouse_id, s.name, s.namespace, s.table_name, s.sync_type, s.format,
      s.create_table, s.csv::text, s.on_file_error, s.status, s.message, s.snapshot_id, s.trash_tag, s.start_time, s.end_time,
      s.expires_at, coalesce(f.total, 0), coalesce(f.failed, 0), coalesce(f.rows, 0), coalesce(f.bytes, 0)
       FROM ingest_sync s LEFT JOIN LATERAL (
         SELECT count(*) AS total, count(*) FILTER (WHERE status = 'FAILED') AS failed,
                sum(rows) FILTER (WHERE status = 'FINISHED') AS rows,
                sum(bytes) FILTER (WHERE status = 'FINISHED') AS bytes
           FROM ingest_file WHERE sync_id = s.id) f ON true""";

  private static final String FILE_COLUMNS = "id, sync_id, file_name, content_sha256, bytes, rows, status, message,"
      + " upload_location, data_files::text, start_time, end_time FROM ingest_file";

  private final RequestPathSql sql;

  SyncRecords(RequestPathSql sql) {
    this.sql = sql;
  }

  long insert(UUID organizationId, UUID warehouseId, SyncRequests.Checked start, String csv, Duration timeout) {
    return sql.first("""
        INSERT INTO ingest_sync (organization_id, warehouse_id, name, namespace, table_name, sync_type, format,
                                 create_table, csv, on_file_error, status, expires_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, 'SYNCING', now() + make_interval(secs => ?))
        RETURNING id""", row -> row.getLong(1), organizationId, warehouseId, start.name(),
        start.table().namespace().toString(), start.table().name(), start.syncType().name(), start.format().lower(),
        start.createTable(), csv, start.skipFailedFiles() ? "skip" : "fail", (double) timeout.toSeconds()).orElseThrow();
  }

  Optional<Sync> find(UUID organizationId, UUID warehouseId, long id) {
    return sql.first("SELECT " + SYNC_COLUMNS + " WHERE s.id = ? AND s.organization_id = ? AND s.warehouse_id = ?",
        SyncRecords::sync, id, organizationId, warehouseId);
  }

  Optional<Sync> find(long id) {
    return sql.first("SELECT " + SYNC_COLUMNS + " WHERE s.id = ?", SyncRecords::sync, id);
  }

  List<Sync> list(UUID organizationId, UUID warehouseId, String status, int offset, int size) {
    return sql.all("SELECT " + SYNC_COLUMNS + " WHERE s.organization_id = ? AND s.warehouse_id = ?"
            + " AND (CAST(? AS text) IS NULL OR s.status = ? OR (s.status = 'ENDING' AND ? = 'SYNCING'))"
            + " ORDER BY s.id DESC OFFSET ? LIMIT ?",
        SyncRecords::sync, organizationId, warehouseId, status, status, status, offset, size);
  }

  long count(UUID organizationId, UUID warehouseId, String status) {
    return sql.first("SELECT count(*) FROM ingest_sync s WHERE s.organization_id = ? AND s.warehouse_id = ?"
            + " AND (CAST(? AS text) IS NULL OR s.status = ? OR (s.status = 'ENDING' AND ? = 'SYNCING'))",
        row -> row.getLong(1), organizationId, warehouseId, status, status, status).orElse(0L);
  }

  /** The files of the caller's syncs of a database (of one sync when {@code syncId} is given), newest first. */
  List<File> history(UUID organizationId, UUID warehouseId, Long syncId, int offset, int size) {
    return sql.all("SELECT " + FILE_COLUMNS.replace(" FROM ingest_file", "") + " FROM ingest_file WHERE sync_id IN"
            + " (SELECT id FROM ingest_sync WHERE organization_id = ? AND warehouse_id = ?"
            + " AND (CAST(? AS bigint) IS NULL OR id = ?)) ORDER BY id DESC OFFSET ? LIMIT ?",
        SyncRecords::file, organizationId, warehouseId, syncId, syncId, offset, size);
  }

  long historyCount(UUID organizationId, UUID warehouseId, Long syncId) {
    return sql.first("SELECT count(*) FROM ingest_file WHERE sync_id IN (SELECT id FROM ingest_sync"
            + " WHERE organization_id = ? AND warehouse_id = ? AND (CAST(? AS bigint) IS NULL OR id = ?))",
        row -> row.getLong(1), organizationId, warehouseId, syncId, syncId).orElse(0L);
  }

  /** A sync of the organization, in whichever of its databases. */
  Optional<Sync> find(UUID organizationId, long id) {
    return sql.first("SELECT " + SYNC_COLUMNS + " WHERE s.id = ? AND s.organization_id = ?", SyncRecords::sync, id,
        organizationId);
  }

  /** The syncs of all the organization's databases, oldest first, each with its database's name. */
  List<Placed> listOfOrganization(UUID organizationId, int offset, int size) {
    String columns = SYNC_COLUMNS.replaceFirst("\\s+FROM ingest_sync s ",
        ", w.name FROM ingest_sync s JOIN warehouse w ON w.id = s.warehouse_id ");
    return sql.all("SELECT " + columns + " WHERE s.organization_id = ? ORDER BY s.id OFFSET ? LIMIT ?",
        row -> new Placed(sync(row), row.getString(23)), organizationId, offset, size);
  }

  /** The files of the syncs of all the organization's databases, oldest first. */
  List<File> historyOfOrganization(UUID organizationId, int offset, int size) {
    return sql.all("SELECT " + FILE_COLUMNS + " WHERE sync_id IN (SELECT id FROM ingest_sync"
        + " WHERE organization_id = ?) ORDER BY id OFFSET ? LIMIT ?", SyncRecords::file, organizationId, offset, size);
  }

  /** A sync and the name of its database. */
  record Placed(Sync sync, String databaseName) {}

  List<File> files(long syncId) {
    return sql.all("SELECT " + FILE_COLUMNS + " WHERE sync_id = ? ORDER BY id", SyncRecords::file, syncId);
  }

  Optional<File> file(long fileId) {
    return sql.first("SELECT " + FILE_COLUMNS + " WHERE id = ?", SyncRecords::file, fileId);
  }

  /** A new file of an open sync, SYNCING; empty when the sync no longer takes files. */
  Optional<Long> startFile(long syncId, String fileName, String uploadLocation) {
    return sql.first("""
        INSERT INTO ingest_file (sync_id, file_name, status, upload_location)
        SELECT id, ?, 'SYNCING', ? FROM ingest_sync WHERE id = ? AND status = 'SYNCING' AND expires_at > now()
        RETURNING id""", row -> row.getLong(1), fileName, uploadLocation, syncId);
  }

  /** Locks the sync's row (file outcomes and ends take turns on it); its status. */
  String lockStatus(long syncId) {
    return sql.first("SELECT status FROM ingest_sync WHERE id = ? FOR UPDATE", row -> row.getString(1), syncId)
        .orElse("GONE");
  }

  /** The FINISHED file of the sync with this name and content, if one is. */
  Optional<Long> finishedTwin(long syncId, String fileName, String sha256) {
    return sql.first("SELECT id FROM ingest_file WHERE sync_id = ? AND file_name = ? AND content_sha256 = ?"
        + " AND status = 'FINISHED'", row -> row.getLong(1), syncId, fileName, sha256);
  }

  void finishFile(long fileId, String sha256, long bytes, long rows, String dataFiles) {
    sql.update("UPDATE ingest_file SET status = 'FINISHED', content_sha256 = ?, bytes = ?, rows = ?,"
        + " data_files = ?::jsonb, end_time = now() WHERE id = ? AND status = 'SYNCING'",
        sha256, bytes, rows, dataFiles, fileId);
  }

  void failFile(long fileId, String sha256, long bytes, String message) {
    sql.update("UPDATE ingest_file SET status = 'FAILED', content_sha256 = ?, bytes = ?, message = ?,"
        + " end_time = now() WHERE id = ? AND status = 'SYNCING'", sha256, bytes, message, fileId);
  }

  void deleteFile(long fileId) {
    sql.update("DELETE FROM ingest_file WHERE id = ?", fileId);
  }

  /** SYNCING or ENDING -> ENDING: the sync takes no more files; false when it is neither. */
  boolean markEnding(long syncId) {
    return sql.update("UPDATE ingest_sync SET status = 'ENDING' WHERE id = ? AND status IN ('SYNCING', 'ENDING')",
        syncId) == 1;
  }

  /** ENDING -> FINISHED or FAILED; false when the sync was not ENDING (another end or an abort came first). */
  boolean markEnded(long syncId, String status, String message) {
    return sql.update("UPDATE ingest_sync SET status = ?, message = ?, end_time = now() WHERE id = ?"
        + " AND status = 'ENDING'", status, message, syncId) == 1;
  }

  /** Files still streaming when the sync ended: they are not part of it. */
  void failUnfinishedFiles(long syncId, String message) {
    sql.update("UPDATE ingest_file SET status = 'FAILED', message = ?, end_time = now()"
        + " WHERE sync_id = ? AND status = 'SYNCING'", message, syncId);
  }

  void setSnapshot(long syncId, long snapshotId, String trashTag) {
    sql.update("UPDATE ingest_sync SET snapshot_id = ?, trash_tag = ? WHERE id = ?", snapshotId, trashTag, syncId);
  }

  /** SYNCING or ENDING -> ABORTED, with its files; false when the sync was neither. */
  boolean markAborted(long syncId, String message) {
    boolean aborted = sql.update("UPDATE ingest_sync SET status = 'ABORTED', message = ?, end_time = now()"
        + " WHERE id = ? AND status IN ('SYNCING', 'ENDING')", message, syncId) == 1;
    if (aborted) {
      sql.update("UPDATE ingest_file SET status = 'ABORTED', end_time = coalesce(end_time, now())"
          + " WHERE sync_id = ? AND status IN ('SYNCING', 'FINISHED')", syncId);
    }
    return aborted;
  }

  /** Open syncs past their time, oldest first. */
  List<Long> expired(int limit) {
    return sql.all("SELECT id FROM ingest_sync WHERE status IN ('SYNCING', 'ENDING') AND expires_at < now()"
        + " ORDER BY expires_at LIMIT ?", row -> row.getLong(1), limit);
  }

  private static Sync sync(ResultSet row) throws SQLException {
    return new Sync(row.getLong(1), row.getObject(2, UUID.class), row.getObject(3, UUID.class), row.getString(4),
        row.getString(5), row.getString(6), row.getString(7), row.getString(8), row.getBoolean(9), row.getString(10),
        row.getString(11), row.getString(12), row.getString(13), row.getObject(14, Long.class), row.getString(15),
        instant(row, 16), instant(row, 17), instant(row, 18), row.getLong(19), row.getLong(20), row.getLong(21),
        row.getLong(22));
  }

  private static File file(ResultSet row) throws SQLException {
    return new File(row.getLong(1), row.getLong(2), row.getString(3), row.getString(4), row.getLong(5),
        row.getLong(6), row.getString(7), row.getString(8), row.getString(9), row.getString(10), instant(row, 11),
        instant(row, 12));
  }

  private static Instant instant(ResultSet row, int column) throws SQLException {
    Timestamp value = row.getTimestamp(column);
    return value == null ? null : value.toInstant();
  }
}
