package io.ailake.ingest;

import io.ailake.AilakeConfig;
import io.ailake.api.ApiException;
import io.ailake.data.DatabaseTables;
import io.ailake.data.tables.LakeTables;
import io.ailake.iceberg.ServerTables;
import io.ailake.iceberg.Warehouse;
import io.ailake.logs.ResourceLogs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.mapping.MappingUtil;
import org.apache.iceberg.mapping.NameMappingParser;
import org.jboss.logging.Logger;

/**
 * Takes the file parts of an upload into an open sync, one at a time as the body streams: each is
 * recorded SYNCING before its first byte is stored, streamed under the table's location (a Parquet file as
 * it is, CSV and NDJSON converted as they stream), checked, then recorded FINISHED with its data files or
 * FAILED with why. Nothing is committed to the table until the sync ends.
 */
@ApplicationScoped
public class SyncUploads {

  private static final Logger LOG = Logger.getLogger(SyncUploads.class);

  /** The content types a part of each format may declare (none, or a generic one, is taken too). */
  private static final Map<SyncRequests.Format, Set<String>> CONTENT_TYPES = Map.of(
      SyncRequests.Format.PARQUET, Set.of("application/vnd.apache.parquet", "application/x-parquet",
          "application/parquet"),
      SyncRequests.Format.CSV, Set.of("text/csv", "text/plain", "application/csv", "application/vnd.ms-excel"),
      SyncRequests.Format.NDJSON, Set.of("application/x-ndjson", "application/ndjson", "application/jsonl",
          "application/json", "application/x-jsonlines", "text/plain"));
  private static final Set<String> GENERIC = Set.of("application/octet-stream", "binary/octet-stream");

  /** The blocks in which an uploaded Parquet file is written to its FileIO. */
  private static final int COPY_BLOCK = 1 << 20;

  private final DatabaseTables databases;
  private final Syncs syncs;
  private final SyncRecords records;
  private final ServerTables serverTables;
  private final LakeTables lakeTables;
  private final ResourceLogs logs;
  private final long maxFileBytes;

  SyncUploads(DatabaseTables databases, Syncs syncs, SyncRecords records, ServerTables serverTables,
      LakeTables lakeTables, AilakeConfig config, ResourceLogs logs) {
    this.logs = logs;
    this.databases = databases;
    this.syncs = syncs;
    this.records = records;
    this.serverTables = serverTables;
    this.lakeTables = lakeTables;
    this.maxFileBytes = config.ingest().maxFileBytes().asLongValue();
  }

  public SyncViews.Upload upload(String instanceId, String syncId, String contentType, long contentLength,
      InputStream body) {
    Warehouse database = databases.database(instanceId);
    return upload(database, syncs.require(database, syncId), contentType, contentLength, body);
  }

  /** The upload into a sync already found in the caller's organization. */
  SyncViews.Upload upload(Warehouse database, SyncRecords.Sync sync, String contentType, long contentLength,
      InputStream body) {
    requireOpen(sync);
    List<SyncViews.FileEntry> entries = new ArrayList<>();
    MultipartFiles.each(contentType, contentLength, body, part -> {
      if (part.formField() || !"file".equals(part.field())) {
        return; // another form field: nothing of a file
      }
      entries.add(SyncViews.FileEntry.of(take(database, sync, part, entries.size() + 1)));
    });
    if (entries.isEmpty()) {
      throw ApiException.badRequest("The upload holds no part named file");
    }
    return new SyncViews.Upload(sync.id(), entries);
  }

  private SyncRecords.File take(Warehouse database, SyncRecords.Sync sync, MultipartFiles.Part part, int ordinal)
      throws IOException {
    String fileName = part.fileName() == null || part.fileName().isBlank()
        ? "file-" + ordinal : part.fileName();
    SyncRequests.Format format = SyncRequests.Format.valueOf(sync.format().toUpperCase(Locale.ROOT));
    UploadStream in = new UploadStream(part.content(), maxFileBytes);
    String wrongType = wrongContentType(format, part.contentType());
    if (wrongType != null) {
      return refusedBeforeStart(sync, fileName, in, wrongType);
    }
    Table table = table(database, sync);
    String location = table != null
        ? table.locationProvider().newDataLocation("sync-" + sync.id() + "-" + UUID.randomUUID() + "." + format.lower())
        : stagingLocation(database, sync, format);
    Optional<Long> started = records.startFile(sync.id(), fileName, format == SyncRequests.Format.PARQUET ? location : null);
    if (started.isEmpty()) {
      throw ApiException.conflict("Sync %d ended or was aborted during the upload: it takes no more files", sync.id());
    }
    long fileId = started.get();
    FileIO io = table != null ? table.io() : serverTables.io(database);
    FileLoads.Loaded loaded = null;
    try {
      loaded = load(database, sync, format, table, location, io, in);
      in.drain();
    } catch (UploadStream.TooLarge e) {
      return failed(sync, fileName, fileId, in, io, location, loaded, e.getMessage());
    } catch (FileLoads.Refused e) {
      return failed(sync, fileName, fileId, in, io, location, loaded, e.getMessage());
    } catch (RuntimeException | IOException e) {
      UploadStream.TooLarge tooLarge = tooLarge(e);
      if (tooLarge != null) {
        return failed(sync, fileName, fileId, in, io, location, loaded, tooLarge.getMessage());
      }
      failed(sync, fileName, fileId, in, io, location, loaded, "the upload failed: " + e.getMessage());
      throw e;
    }
    return finished(database, sync, fileId, fileName, in, io, location, loaded);
  }

  /** The file's data files: a Parquet file stored as it streams, CSV and NDJSON converted as they stream. */
  private FileLoads.Loaded load(Warehouse database, SyncRecords.Sync sync, SyncRequests.Format format, Table table,
      String location, FileIO io, UploadStream in) throws IOException {
    if (format == SyncRequests.Format.PARQUET) {
      // transferTo copies in small reads: written on in larger blocks, the staging file takes fewer calls
      try (OutputStream out = new BufferedOutputStream(io.newOutputFile(location).createOrOverwrite(), COPY_BLOCK)) {
        in.transferTo(out);
      }
      if (table != null) {
        FileLoads.Loaded loaded = FileLoads.parquet(table, io.newInputFile(location));
        if (loaded.files().stream().noneMatch(file -> file.location().equals(location))) {
          SyncFiles.deleteQuietly(io, location); // written again (a partitioned table): the upload itself is not kept
        }
        return loaded;
      }
      // a new table from the staged file's footer; its rows are written again under the table's location
      Schema schema = FileLoads.schemaOf(FileLoads.footer(io.newInputFile(location)));
      Table created = create(database, sync, schema);
      FileLoads.Loaded loaded = FileLoads.rewritten(created, io.newInputFile(location), MappingUtil.create(created.schema()));
      SyncFiles.deleteQuietly(io, location);
      return loaded;
    }
    BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
    Table target = table;
    if (target == null) {
      target = create(database, sync, FileLoads.schemaOfFirstLine(format, Syncs.csv(sync), buffered));
    }
    return FileLoads.rows(target, format, Syncs.csv(sync), buffered);
  }

  /** Records the file FINISHED, unless the sync closed meanwhile or took the same file already: then its data goes. */
  private SyncRecords.File finished(Warehouse database, SyncRecords.Sync sync, long fileId, String fileName,
      UploadStream in, FileIO io, String location, FileLoads.Loaded loaded) {
    String sha256 = in.sha256();
    Table table = serverTables.load(database, Syncs.table(sync));
    String dataFiles = SyncFiles.json(loaded.files(), table.specs());
    Object outcome = QuarkusTransaction.requiringNew().call(() -> {
      String status = records.lockStatus(sync.id());
      if (!status.equals("SYNCING")) {
        records.failFile(fileId, sha256, in.count(), "the sync " + (status.equals("ABORTED") ? "was aborted" : "ended")
            + " before the file was stored: it is not part of it");
        return status;
      }
      Optional<Long> twin = records.finishedTwin(sync.id(), fileName, sha256);
      if (twin.isPresent()) {
        records.deleteFile(fileId);
        return twin.get();
      }
      records.finishFile(fileId, sha256, in.count(), loaded.rows(), dataFiles);
      return fileId;
    });
    if (!outcome.equals(fileId)) {
      deleteWritten(io, location, loaded);
    }
    if (outcome.equals(fileId)) {
      logs.info(Syncs.log(sync), "File received", "file", fileName, "bytes", in.count(), "rows", loaded.rows());
    } else if (outcome instanceof Long) {
      logs.info(Syncs.log(sync), "File already received: the same name and content is taken once", "file", fileName);
    } else {
      logs.warn(Syncs.log(sync), "File not taken: the sync ended before it was stored", "file", fileName);
    }
    long entry = outcome instanceof Long id ? id : fileId;
    return records.file(entry).orElseThrow();
  }

  private SyncRecords.File failed(SyncRecords.Sync sync, String fileName, long fileId, UploadStream in, FileIO io,
      String location, FileLoads.Loaded loaded, String message) {
    deleteWritten(io, location, loaded);
    records.failFile(fileId, null, in.count(), message);
    logs.warn(Syncs.log(sync), "File failed", "file", fileName, "bytes", in.count(), "error", message);
    LOG.debugf("A file of a sync failed: %s", message);
    return records.file(fileId).orElseThrow();
  }

  /** A part refused before anything of it was stored: its bytes are read past, and it is recorded FAILED. */
  private SyncRecords.File refusedBeforeStart(SyncRecords.Sync sync, String fileName, UploadStream in, String why)
      throws IOException {
    long fileId = records.startFile(sync.id(), fileName, null).orElseThrow(() -> ApiException.conflict(
        "Sync %d ended or was aborted during the upload: it takes no more files", sync.id()));
    try {
      in.drain();
    } catch (UploadStream.TooLarge e) {
      // the type is the reason
    }
    records.failFile(fileId, null, in.count(), why);
    logs.warn(Syncs.log(sync), "File failed", "file", fileName, "bytes", in.count(), "error", why);
    return records.file(fileId).orElseThrow();
  }

  private static void deleteWritten(FileIO io, String location, FileLoads.Loaded loaded) {
    SyncFiles.deleteQuietly(io, location);
    if (loaded != null) {
      for (DataFile file : loaded.files()) {
        SyncFiles.deleteQuietly(io, file.location());
      }
    }
  }

  private Table table(Warehouse database, SyncRecords.Sync sync) {
    try {
      return serverTables.load(database, Syncs.table(sync));
    } catch (NoSuchTableException e) {
      if (sync.createTable()) {
        return null;
      }
      throw ApiException.notFound("Table %s does not exist in database %s", Syncs.table(sync), database.name);
    }
  }

  private Table create(Warehouse database, SyncRecords.Sync sync, Schema schema) {
    TableIdentifier identifier = Syncs.table(sync);
    Map<String, String> properties = Map.of(TableProperties.DEFAULT_NAME_MAPPING,
        NameMappingParser.toJson(MappingUtil.create(schema)));
    try {
      lakeTables.createIfMissing(database, identifier, schema, properties);
    } catch (ApiException e) {
      throw new FileLoads.Refused("the table cannot be created from the file: %s", e.getMessage());
    }
    return serverTables.load(database, identifier);
  }

  /** Where a sync stages a Parquet file whose table it creates from it: under the database, by sync. */
  private static String stagingLocation(Warehouse database, SyncRecords.Sync sync, SyncRequests.Format format) {
    return database.location + "/_syncs/" + sync.id() + "/" + UUID.randomUUID() + "." + format.lower();
  }

  /** The cap's refusal, when it is what ended a read (a parser may have wrapped it). */
  private static UploadStream.TooLarge tooLarge(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof UploadStream.TooLarge tooLarge) {
        return tooLarge;
      }
    }
    return null;
  }

  private static String wrongContentType(SyncRequests.Format format, String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return null;
    }
    String type = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    if (GENERIC.contains(type) || CONTENT_TYPES.get(format).contains(type)) {
      return null;
    }
    return String.format("the part's content type %s is not one of a %s file (%s, or application/octet-stream)",
        io.ailake.iceberg.IcebergNames.shown(type), format.lower(), String.join(", ", CONTENT_TYPES.get(format)));
  }

  private static void requireOpen(SyncRecords.Sync sync) {
    if (!sync.status().equals("SYNCING")) {
      throw ApiException.conflict("Sync %d is %s: it takes no more files", sync.id(),
          sync.status().equals("ENDING") ? "ending" : sync.status());
    }
    if (sync.expiresAt().isBefore(java.time.Instant.now())) {
      throw ApiException.conflict("Sync %d was open longer than ailake.ingest.sync-timeout: it takes no more files",
          sync.id());
    }
  }
}
