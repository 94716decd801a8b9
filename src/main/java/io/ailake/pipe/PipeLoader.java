package io.ailake.pipe;

import io.ailake.AilakeConfig;
import io.ailake.data.ValueConversion;
import io.ailake.iceberg.ServerTables;
import io.ailake.iceberg.Warehouse;
import io.ailake.logs.LogSubject;
import io.ailake.logs.ResourceLogs;
import io.ailake.storage.FileIOs;
import io.ailake.storage.ObjectStorage;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.mapping.MappingUtil;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.parquet.ParquetSchemaUtil;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.DateTimeUtil;
import org.apache.iceberg.util.StructLikeMap;
import org.apache.parquet.schema.MessageType;
import org.jboss.logging.Logger;

/**
 * Loads source files into a pipe's Iceberg table. Each file's rows are converted to the table's
 * columns and written as new data files; one commit adds them all, and the record of which files it
 * took is written in the PostgreSQL transaction that swaps the table's pointer. A file therefore loads
 * exactly once: a second loader of the same file (another replica, a retried job) fails on the
 * record's primary key, which rolls its commit back, and its data files are deleted.
 *
 * <p>Every load and refresh runs under the pipe's lease (a column of its row), so usually one worker
 * at a time works on a pipe; the primary key is what makes that safe when a lease expires too early.
 */
@ApplicationScoped
public class PipeLoader {

  private static final Logger LOG = Logger.getLogger(PipeLoader.class);

  private final FileIOs fileIOs;
  private final ServerTables tables;
  private final EntityManager entityManager;
  private final Duration lease;
  private final Duration defaultInterval;
  private final int filesPerLoad;
  private final String owner = "pipe-loader-" + UUID.randomUUID();
  private final ResourceLogs logs;

  PipeLoader(FileIOs fileIOs, ServerTables tables, EntityManager entityManager, AilakeConfig config,
      ResourceLogs logs) {
    this.logs = logs;
    this.fileIOs = fileIOs;
    this.tables = tables;
    this.entityManager = entityManager;
    this.lease = config.jobs().lease();
    this.defaultInterval = config.pipe().pollingInterval();
    this.filesPerLoad = config.pipe().filesPerLoad();
  }

  /** The logs of pipe tables, for the jobs that work on them. */
  ResourceLogs logs() {
    return logs;
  }

  /** Another worker holds the pipe's lease; the job retries later. */
  static final class PipeBusyException extends RuntimeException {
    PipeBusyException(String table) {
      super("Pipe table " + table + " is being loaded by another worker; retrying");
    }
  }

  /** What a pipe reads from and writes to. */
  record Context(PipeTable pipe, Warehouse warehouse, FileIO source, String root) {
    TableIdentifier identifier() {
      return TableIdentifier.of(Namespace.of(pipe.namespace), pipe.tableName);
    }

    LogSubject log() {
      return LogSubject.pipeTable(pipe.organizationId, pipe.id);
    }
  }

  /** What a load did. */
  record Outcome(int filesLoaded, int filesFailed, long records, String lastFailure) {
    Map<String, Object> asResult() {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("filesLoaded", filesLoaded);
      result.put("filesFailed", filesFailed);
      result.put("recordsLoaded", records);
      return result;
    }

    Outcome plus(Outcome other) {
      return new Outcome(filesLoaded + other.filesLoaded, filesFailed + other.filesFailed, records + other.records,
          other.lastFailure != null ? other.lastFailure : lastFailure);
    }
  }

  Context context(UUID pipeId) {
    return QuarkusTransaction.requiringNew().call(() -> {
      PipeTable pipe = PipeTable.findById(pipeId);
      if (pipe == null) {
        return null;
      }
      Warehouse warehouse = Warehouse.findById(pipe.warehouseId);
      ObjectStorage storage = ObjectStorage.findById(pipe.sourceStorageId);
      return new Context(pipe, warehouse, fileIOs.forStorage(storage.storage()),
          PipeSource.root(storage.root, pipe.pathPrefix));
    });
  }

  // ---- the lease ------------------------------------------------------------------------------

  /** Runs {@code work} holding the pipe's lease; {@link PipeBusyException} when another worker holds it. */
  <T> T withLease(UUID pipeId, String table, java.util.function.Supplier<T> work) {
    int claimed = QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery(
            "UPDATE pipe_table SET lease_owner = ?1, lease_until = now() + make_interval(secs => ?2)"
                + " WHERE id = ?3 AND (lease_until IS NULL OR lease_until < now() OR lease_owner = ?1)")
        .setParameter(1, owner)
        .setParameter(2, lease.toSeconds())
        .setParameter(3, pipeId)
        .executeUpdate());
    if (claimed == 0) {
      throw new PipeBusyException(table);
    }
    try {
      return work.get();
    } finally {
      release(pipeId);
    }
  }

  /** Claims the pipe that is most overdue for a poll, and schedules its next poll. */
  Optional<UUID> claimDue() {
    return QuarkusTransaction.requiringNew().call(() -> {
      @SuppressWarnings("unchecked")
      List<UUID> ids = entityManager.createNativeQuery(
              """
              UPDATE pipe_table SET lease_owner = ?1, lease_until = now() + make_interval(secs => ?2),
                     next_poll_at = now() + make_interval(secs => CASE WHEN polling_interval_seconds > 0
                                                                THEN polling_interval_seconds ELSE ?3 END)
               WHERE id = (SELECT p.id FROM pipe_table p JOIN warehouse w ON w.id = p.warehouse_id
                            WHERE p.state = 'active' AND w.state = 'ready' AND p.next_poll_at <= now()
                              AND (p.lease_until IS NULL OR p.lease_until < now())
                              AND p.organization_id NOT IN (SELECT organization_id FROM service_state
                                                             WHERE service_id = 'pipe-loader' AND paused)
                            ORDER BY p.next_poll_at LIMIT 1 FOR UPDATE OF p SKIP LOCKED)
              RETURNING id
              """, UUID.class)
          .setParameter(1, owner)
          .setParameter(2, lease.toSeconds())
          .setParameter(3, defaultInterval.toSeconds())
          .getResultList();
      return ids.stream().findFirst();
    });
  }

  void release(UUID pipeId) {
    QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery(
            "UPDATE pipe_table SET lease_owner = NULL, lease_until = NULL WHERE id = ?1 AND lease_owner = ?2")
        .setParameter(1, pipeId)
        .setParameter(2, owner)
        .executeUpdate());
  }

  // ---- loading ----------------------------------------------------------------------------------

  /** Loads the files no load has taken yet, in batches; the caller holds the lease. */
  Outcome loadNew(UUID pipeId) {
    Outcome total = new Outcome(0, 0, 0, null);
    while (true) {
      Context context = context(pipeId);
      if (context == null || PipeTable.DELETING.equals(context.pipe().state)) {
        return total;
      }
      Set<String> known = knownFiles(pipeId);
      List<PipeSource.SourceFile> fresh = PipeSource.list(context.source(), context.root(), null).stream()
          .filter(f -> !known.contains(f.path()))
          .limit(filesPerLoad)
          .toList();
      if (fresh.isEmpty()) {
        if (total.filesLoaded() + total.filesFailed() == 0) {
          markPolled(pipeId); // nothing new: the last load's error, if any, still stands
        } else {
          markPolled(pipeId, total.lastFailure());
        }
        return total;
      }
      logs.info(context.log(), "New files found", "files", fresh.size(), "first", fresh.get(0).path());
      total = total.plus(commit(context, fresh, null));
      markPolled(pipeId, total.lastFailure());
      if (fresh.size() < filesPerLoad) {
        return total;
      }
    }
  }

  /** Replaces the rows of one Hive partition with what its files hold now; the caller holds the lease. */
  Outcome refresh(UUID pipeId, Map<String, String> partition) {
    Context context = context(pipeId);
    String directory = PipeSource.partitionDirectory(context.pipe().partitionColumns, partition);
    List<PipeSource.SourceFile> files = PipeSource.list(context.source(), context.root(), directory);
    logs.info(context.log(), "Refreshing a partition", "partition", directory, "files", files.size());
    Outcome outcome = commit(context, files, partition);
    markPolled(pipeId, outcome.lastFailure());
    return outcome;
  }

  private Outcome commit(Context context, List<PipeSource.SourceFile> files, Map<String, String> partition) {
    List<FileRecord> records = new ArrayList<>();
    UUID pipeId = context.pipe().id;
    String replacedDirectory = partition == null
        ? null : PipeSource.partitionDirectory(context.pipe().partitionColumns, partition);
    Table table = tables.load(context.warehouse(), context.identifier(),
        () -> record(pipeId, records, replacedDirectory));
    Map<String, Integer> caps = PipeDefinition.caps(context.pipe().definition, table.schema());
    Schema schema = table.schema();
    List<String> keyColumns = schema.identifierFieldIds().stream().map(schema::findColumnName).sorted().toList();
    Map<String, String> failures = new LinkedHashMap<>();

    // A key's last row in this load is the one kept (files in path order, rows in file order): the
    // first pass finds it, the second writes only it.
    Map<List<Object>, Long> lastRowOfKey = new HashMap<>();
    if (!keyColumns.isEmpty()) {
      for (int i = 0; i < files.size(); i++) {
        PipeSource.SourceFile file = files.get(i);
        long fileOrdinal = (long) i << 40;
        try {
          read(schema, caps, input(context, file), file, (row, n) -> lastRowOfKey.put(key(row, keyColumns), fileOrdinal + n));
        } catch (RuntimeException e) {
          failures.put(file.path(), why(e));
        }
      }
    }

    List<DataFile> written = new ArrayList<>();
    StructLikeMap<List<Record>> replacedKeys = StructLikeMap.create(table.spec().partitionType());
    long rows = 0;
    for (int i = 0; i < files.size(); i++) {
      PipeSource.SourceFile file = files.get(i);
      Instant started = Instant.now();
      if (failures.containsKey(file.path())) {
        records.add(new FileRecord(file.path(), file.size(), 0, failures.get(file.path()), started));
        continue;
      }
      long fileOrdinal = (long) i << 40;
      List<DataFile> fromFile = new ArrayList<>();
      StructLikeMap<List<Record>> keysOfFile = StructLikeMap.create(table.spec().partitionType());
      try {
        long count = write(table, schema, caps, input(context, file), file, fromFile, (row, n) ->
            keyColumns.isEmpty() || lastRowOfKey.get(key(row, keyColumns)) == fileOrdinal + n,
            keyColumns.isEmpty() ? null : (partitionKey, row) -> {
              List<Record> keys = keysOfFile.get(partitionKey);
              if (keys == null) {
                keys = new ArrayList<>();
                keysOfFile.put(partitionKey.copy(), keys); // the map keeps the key object: not the reused one
              }
              keys.add(keyRecord(schema, keyColumns, row));
            });
        written.addAll(fromFile);
        keysOfFile.forEach((k, keys) -> replacedKeys.computeIfAbsent(k, x -> new ArrayList<>()).addAll(keys));
        records.add(new FileRecord(file.path(), file.size(), count, null, started));
        rows += count;
      } catch (RuntimeException e) {
        deleteAll(table.io(), fromFile);
        records.add(new FileRecord(file.path(), file.size(), 0, why(e), started));
      }
    }
    records.stream().filter(r -> r.error() != null).forEach(r ->
        LOG.warnf("Pipe table %s: file %s not loaded: %s", context.pipe().tableName, r.path(), r.error()));
    int failed = (int) records.stream().filter(r -> r.error() != null).count();
    List<DeleteFile> deletes = new ArrayList<>();
    try {
      if (partition != null) {
        // the partition's rows are all replaced, so its keys need no deletes
        var overwrite = table.newOverwrite().overwriteByRowFilter(partitionFilter(schema, partition));
        written.forEach(overwrite::addFile);
        commit(overwrite, records);
      } else if (!written.isEmpty() && !replacedKeys.isEmpty()) {
        // upsert: an equality delete per partition replaces earlier rows with the same key
        deletes.addAll(equalityDeletes(table, schema, keyColumns, replacedKeys));
        var delta = table.newRowDelta();
        written.forEach(delta::addRows);
        deletes.forEach(delta::addDeletes);
        commit(delta, records);
      } else if (!written.isEmpty()) {
        var append = table.newAppend();
        written.forEach(append::appendFile);
        commit(append, records);
      } else if (!records.isEmpty()) {
        QuarkusTransaction.requiringNew().run(() -> record(pipeId, records, null));
      }
    } catch (RuntimeException e) {
      deleteAll(table.io(), written);
      deletes.forEach(d -> deleteQuietly(table.io(), d.location()));
      logs.error(context.log(), "Load failed: nothing committed", "files", files.size(), "error", why(e));
      throw e;
    }
    for (FileRecord r : records) {
      if (r.error() == null) {
        logs.info(context.log(), "File loaded", "file", r.path(), "bytes", r.size(), "rows", r.records());
      } else {
        logs.warn(context.log(), "File failed", "file", r.path(), "bytes", r.size(), "error", r.error());
      }
    }
    String lastFailure = records.stream().filter(r -> r.error() != null).reduce((a, b) -> b)
        .map(r -> "file " + r.path() + " was not loaded: " + r.error()).orElse(null);
    return new Outcome(records.size() - failed, failed, rows, lastFailure);
  }

  private static InputFile input(Context context, PipeSource.SourceFile file) {
    return context.source().newInputFile(file.location(), file.size());
  }

  private static String why(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static List<Object> key(Record row, List<String> keyColumns) {
    List<Object> key = new ArrayList<>(keyColumns.size());
    keyColumns.forEach(c -> key.add(row.getField(c)));
    return key;
  }

  private static Record keyRecord(Schema schema, List<String> keyColumns, Record row) {
    Record key = GenericRecord.create(schema.select(keyColumns));
    keyColumns.forEach(c -> key.setField(c, row.getField(c)));
    return key;
  }

  private static List<DeleteFile> equalityDeletes(
      Table table, Schema schema, List<String> keyColumns, StructLikeMap<List<Record>> keysByPartition) {
    Schema keySchema = schema.select(keyColumns);
    List<Integer> keyIds = keyColumns.stream().map(c -> schema.findField(c).fieldId()).toList();
    List<DeleteFile> deletes = new ArrayList<>();
    try {
      for (Map.Entry<StructLike, List<Record>> entry : keysByPartition.entrySet()) {
        String location = newFileLocation(table, entry.getKey(), "pipe-" + UUID.randomUUID() + "-keys.parquet");
        EqualityDeleteWriter<Record> writer = Parquet.writeDeletes(table.io().newOutputFile(location))
            .forTable(table)
            .withSpec(table.spec())
            .withPartition(entry.getKey())
            .rowSchema(keySchema)
            .createWriterFunc(GenericParquetWriter::create)
            .equalityFieldIds(keyIds)
            .overwrite()
            .buildEqualityWriter();
        try (writer) {
          entry.getValue().forEach(writer::write);
        }
        deletes.add(writer.toDeleteFile());
      }
    } catch (IOException e) {
      deletes.forEach(d -> deleteQuietly(table.io(), d.location()));
      throw new UncheckedIOException("Cannot write the key deletes of " + table.name(), e);
    }
    return deletes;
  }

  private static <T extends SnapshotUpdate<T>> void commit(SnapshotUpdate<T> update, List<FileRecord> records) {
    update.set("ailake.pipe-files", String.valueOf(records.size()));
    update.commit();
  }

  private record FileRecord(String path, long size, long records, String error, Instant startedAt) {}

  /** Runs inside the commit's transaction. */
  private void record(UUID pipeId, List<FileRecord> records, String replacedDirectory) {
    if (replacedDirectory != null) {
      entityManager.createNativeQuery(
              "DELETE FROM pipe_file WHERE pipe_table_id = ?1 AND starts_with(path, ?2)")
          .setParameter(1, pipeId)
          .setParameter(2, replacedDirectory + "/")
          .executeUpdate();
    }
    for (FileRecord r : records) {
      entityManager.createNativeQuery(
              "INSERT INTO pipe_file (pipe_table_id, path, size, record_count, state, error, started_at)"
                  + " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
          .setParameter(1, pipeId)
          .setParameter(2, r.path())
          .setParameter(3, r.size())
          .setParameter(4, r.records())
          .setParameter(5, r.error() == null ? "loaded" : "failed")
          .setParameter(6, r.error())
          .setParameter(7, r.startedAt())
          .executeUpdate();
    }
  }

  private Set<String> knownFiles(UUID pipeId) {
    return QuarkusTransaction.requiringNew().call(() -> {
      @SuppressWarnings("unchecked")
      List<String> paths = entityManager
          .createNativeQuery("SELECT path FROM pipe_file WHERE pipe_table_id = ?1", String.class)
          .setParameter(1, pipeId)
          .getResultList();
      return new HashSet<>(paths);
    });
  }

  private void markPolled(UUID pipeId) {
    QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery(
            "UPDATE pipe_table SET last_polled_at = now() WHERE id = ?1")
        .setParameter(1, pipeId)
        .executeUpdate());
  }

  private void markPolled(UUID pipeId, String error) {
    QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery(
            "UPDATE pipe_table SET last_polled_at = now(), last_error = ?2, updated_at = now() WHERE id = ?1")
        .setParameter(1, pipeId)
        .setParameter(2, error)
        .executeUpdate());
  }

  private interface RowConsumer {
    void accept(Record row, long rowNumber);
  }

  private interface RowFilter {
    boolean keep(Record row, long rowNumber);
  }

  /**
   * Reads one source file, each row converted to the table's columns (Hive values from its
   * directories, the rest by name from the file: a producer's field ids mean nothing here).
   */
  private static long read(
      Schema schema, Map<String, Integer> caps, InputFile input, PipeSource.SourceFile file, RowConsumer consumer) {
    MessageType footer = PipeSource.footer(input);
    Schema fileSchema = ParquetSchemaUtil.convert(footer);
    List<Types.NestedField> columns = schema.columns();
    int[] sourcePosition = new int[columns.size()];
    List<Types.NestedField> fileColumns = fileSchema.columns();
    for (int i = 0; i < columns.size(); i++) {
      sourcePosition[i] = -1;
      for (int j = 0; j < fileColumns.size(); j++) {
        if (fileColumns.get(j).name().equals(columns.get(i).name())) {
          sourcePosition[i] = j;
        }
      }
    }
    long count = 0;
    try (CloseableIterable<Record> rows = Parquet.read(input)
        .project(fileSchema)
        .withNameMapping(MappingUtil.create(fileSchema))
        .createReaderFunc(type -> GenericParquetReaders.buildReader(fileSchema, type))
        .build()) {
      for (Record source : rows) {
        count++;
        Record row = GenericRecord.create(schema);
        for (int i = 0; i < columns.size(); i++) {
          Types.NestedField column = columns.get(i);
          Object value;
          if (file.hive().containsKey(column.name())) {
            value = file.hive().get(column.name());
          } else if (sourcePosition[i] >= 0) {
            value = source.get(sourcePosition[i]);
          } else {
            value = null;
          }
          try {
            value = ValueConversion.FILES.convert(value, column.type());
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("row " + count + ", column " + column.name() + ": " + e.getMessage(), e);
          }
          Integer cap = caps.get(column.name());
          if (cap != null && value instanceof String text && text.codePointCount(0, text.length()) > cap) {
            value = text.substring(0, text.offsetByCodePoints(0, cap));
          }
          if (value == null && column.isRequired()) {
            throw new IllegalArgumentException("row " + count + ": key column " + column.name() + " is null");
          }
          row.set(i, value);
        }
        consumer.accept(row, count);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file.path(), e);
    }
    return count;
  }

  /**
   * Writes the rows of one source file that {@code filter} keeps as data files of the table, one per
   * partition they fall in; returns how many rows were kept.
   */
  private static long write(
      Table table, Schema schema, Map<String, Integer> caps, InputFile input, PipeSource.SourceFile file,
      List<DataFile> out, RowFilter filter, java.util.function.BiConsumer<PartitionKey, Record> onKept) {
    PartitionKey key = new PartitionKey(table.spec(), schema);
    InternalRecordWrapper wrapper = new InternalRecordWrapper(schema.asStruct());
    StructLikeMap<DataWriter<Record>> writers = StructLikeMap.create(table.spec().partitionType());
    long[] kept = {0};
    try {
      read(schema, caps, input, file, (row, n) -> {
        if (!filter.keep(row, n)) {
          return;
        }
        kept[0]++;
        key.partition(wrapper.wrap(row));
        DataWriter<Record> writer = writers.get(key);
        if (writer == null) {
          PartitionKey partition = key.copy();
          try {
            writer = Parquet.writeData(table.io().newOutputFile(
                    newFileLocation(table, partition, "pipe-" + UUID.randomUUID() + ".parquet")))
                .forTable(table)
                .withSpec(table.spec())
                .withPartition(partition)
                .createWriterFunc(GenericParquetWriter::create)
                .overwrite()
                .build();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          writers.put(partition, writer);
        }
        writer.write(row);
        if (onKept != null) {
          onKept.accept(key, row);
        }
      });
    } finally {
      for (DataWriter<Record> writer : writers.values()) {
        try {
          writer.close();
          out.add(writer.toDataFile());
        } catch (IOException | RuntimeException e) {
          throw new UncheckedIOException(new IOException("Cannot finish a data file of " + file.path(), e));
        }
      }
    }
    return kept[0];
  }

  /**
   * Where a new data or delete file of {@code partition} goes. Iceberg's partitioned form puts an empty
   * segment ({@code data//file}) in an unpartitioned table's paths, which S3 keeps as another key and
   * the storage boundary refuses; Iceberg's own writers take the unpartitioned form there too.
   */
  private static String newFileLocation(Table table, StructLike partition, String fileName) {
    return table.spec().isUnpartitioned()
        ? table.locationProvider().newDataLocation(fileName)
        : table.locationProvider().newDataLocation(table.spec(), partition, fileName);
  }

  private static Expression partitionFilter(Schema schema, Map<String, String> partition) {
    Expression filter = Expressions.alwaysTrue();
    for (Map.Entry<String, String> entry : partition.entrySet()) {
      Type type = schema.findType(entry.getKey());
      Object value = ValueConversion.FILES.convert(
          PipeSource.HIVE_NULL.equals(entry.getValue()) ? null : entry.getValue(), type);
      filter = Expressions.and(filter, value == null
          ? Expressions.isNull(entry.getKey())
          : Expressions.equal(entry.getKey(), literal(value)));
    }
    return filter;
  }

  private static Object literal(Object value) {
    if (value instanceof LocalDate date) {
      return DateTimeUtil.daysFromDate(date);
    }
    if (value instanceof LocalDateTime timestamp) {
      return DateTimeUtil.microsFromTimestamp(timestamp);
    }
    if (value instanceof OffsetDateTime timestamp) {
      return DateTimeUtil.microsFromTimestamptz(timestamp);
    }
    return value;
  }

  private static void deleteAll(FileIO io, List<DataFile> files) {
    files.forEach(file -> deleteQuietly(io, file.location()));
  }

  private static void deleteQuietly(FileIO io, String location) {
    try {
      io.deleteFile(location);
    } catch (RuntimeException e) {
      LOG.debugf("Could not delete unused file %s: %s", location, e.getMessage());
    }
  }
}
