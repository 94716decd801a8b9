package io.ailake.data.rows;

import io.ailake.api.ApiException;
import io.ailake.data.DatabaseTables;
import io.ailake.iceberg.Warehouse;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.IsolationLevel;
import org.apache.iceberg.MetadataColumns;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.RowLevelOperationMode;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.TableUtil;
import org.apache.iceberg.data.BaseDeleteLoader;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.data.GenericDeleteFilter;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IdentityPartitionConverters;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.deletes.DeleteGranularity;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteIndex;
import org.apache.iceberg.expressions.Evaluator;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DeleteWriteResult;
import org.apache.iceberg.io.FanoutPositionOnlyDeleteWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.io.PartitioningDVWriter;
import org.apache.iceberg.io.PartitioningWriter;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.PartitionUtil;
import org.apache.iceberg.util.PropertyUtil;

/**
 * Updates and deletes the rows of a table that a SQL predicate matches, the way the table's properties ask
 * ({@code write.update.mode}, {@code write.delete.mode}; copy-on-write when unset, as in Iceberg):
 *
 * <ul>
 *   <li>copy-on-write: each data file holding a matched row is rewritten without it (delete) or with it
 *       changed (update), in one overwrite;
 *   <li>merge-on-read: the matched rows' positions go to position delete files (format v2) or deletion
 *       vectors (v3), and an update's changed rows to new data files, in one row delta.
 * </ul>
 *
 * Matches are found by planning a scan with the predicate, reading each candidate file with Iceberg's
 * generic reader with its existing deletes applied, and evaluating the predicate on each row. The commit
 * validates against what committed since the scan's snapshot (the table's isolation level, serializable
 * by default): a concurrent append the predicate cannot match commits beside the change; a true conflict
 * is a 409.
 */
@ApplicationScoped
public class RowChanges {

  private final DatabaseTables tables;

  RowChanges(DatabaseTables tables) {
    this.tables = tables;
  }

  public DeletedRows delete(String instanceId, String namespace, String tableName, RowRequests.DeleteRows request) {
    Table table = load(instanceId, namespace, tableName);
    Change change = prepare(table, RowRequests.where(request), null);
    return new DeletedRows(change.rows, commit(change));
  }

  public UpdatedRows update(String instanceId, String namespace, String tableName, RowRequests.UpdateRows request) {
    Table table = load(instanceId, namespace, tableName);
    Change change = prepare(table, RowRequests.where(request), request == null ? null : request.set());
    return new UpdatedRows(change.rows, commit(change));
  }

  private Table load(String instanceId, String namespace, String tableName) {
    Warehouse database = tables.database(instanceId);
    return tables.load(database, DatabaseTables.identifier(namespace, tableName));
  }

  /**
   * A change found and written, not yet committed: what a commit adds and removes. {@code set} is null
   * for a delete.
   */
  Change prepare(Table table, String where, Map<String, Object> set) {
    Expression predicate = SqlPredicate.parse(where, table.schema());
    Map<String, Object> values = set == null ? null : values(table.schema(), set);
    Change change = new Change(table, predicate, values != null);
    try {
      change.find(values);
      return change;
    } catch (RuntimeException e) {
      change.abort();
      throw e;
    }
  }

  /** Commits a prepared change; the snapshot it made (the current one when it changed nothing). */
  Long commit(Change change) {
    if (change.rows == 0) {
      Snapshot current = change.base;
      return current == null ? null : current.snapshotId();
    }
    try {
      return change.commit();
    } catch (CommitStateUnknownException e) {
      throw e; // the files may be committed: they stay
    } catch (RuntimeException e) {
      change.abort();
      throw e;
    }
  }

  /** The {@code set} of an update: top-level columns of the table, each value converted to its type. */
  private static Map<String, Object> values(Schema schema, Map<String, Object> set) {
    if (set.isEmpty()) {
      throw ApiException.badRequest("set names no column; it maps columns to their new values");
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (Map.Entry<String, Object> entry : set.entrySet()) {
      Types.NestedField column = schema.asStruct().caseInsensitiveField(entry.getKey());
      if (column == null) {
        throw ApiException.badRequest("set: the table has no column %s%s", entry.getKey(),
            entry.getKey().contains(".") ? " (set takes top-level columns; give a struct its whole value)" : "");
      }
      try {
        values.put(column.name(), RowRecords.value(0, column, entry.getValue(), false));
      } catch (BadRow bad) {
        throw ApiException.badRequest("set, column %s: %s", bad.column, bad.getMessage());
      }
    }
    return values;
  }

  /** Positions of a file's matched rows, in the order the reader met them (ascending). */
  private static final class Positions {
    private long[] values = new long[16];
    private int size;

    void add(long position) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = position;
    }
  }

  static final class Change {
    private final Table table;
    private final Snapshot base;
    private final Expression predicate;
    private final boolean update;
    private final RowLevelOperationMode mode;
    private final Schema readSchema;
    private final List<DataFile> removedFiles = new ArrayList<>();
    private final List<DeleteFile> removedDeletes = new ArrayList<>();
    private final List<DeleteFile> addedDeletes = new ArrayList<>();
    private final List<CharSequence> referencedFiles = new ArrayList<>();
    private List<DataFile> addedFiles = List.of();
    private NewDataFiles newRows;
    private long rows;

    Change(Table table, Expression predicate, boolean update) {
      this.table = table;
      this.base = table.currentSnapshot();
      this.predicate = predicate;
      this.update = update;
      String property = update ? TableProperties.UPDATE_MODE : TableProperties.DELETE_MODE;
      String fallback = update ? TableProperties.UPDATE_MODE_DEFAULT : TableProperties.DELETE_MODE_DEFAULT;
      RowLevelOperationMode configured;
      try {
        configured = RowLevelOperationMode.fromName(PropertyUtil.propertyAsString(table.properties(), property, fallback));
      } catch (IllegalArgumentException e) {
        throw ApiException.conflict("The table's %s is '%s', which is no mode Iceberg knows", property,
            table.properties().get(property));
      }
      // format v1 has no delete files: its rows change by rewriting
      this.mode = TableUtil.formatVersion(table) < 2 ? RowLevelOperationMode.COPY_ON_WRITE : configured;
      this.readSchema = TypeUtil.join(table.schema(), new Schema(MetadataColumns.ROW_POSITION));
    }

    private String operation() {
      return update ? "update" : "delete";
    }

    /** Finds the matched rows and writes what the change adds. */
    void find(Map<String, Object> values) {
      if (base == null) {
        return;
      }
      newRows = update || mode == RowLevelOperationMode.COPY_ON_WRITE ? new NewDataFiles(table) : null;
      Map<String, List<DeleteFile>> previousDeletes = new HashMap<>();
      PartitioningWriter<PositionDelete<Record>, DeleteWriteResult> deletes =
          mode == RowLevelOperationMode.MERGE_ON_READ ? deleteWriter(previousDeletes) : null;
      try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(base.snapshotId()).filter(predicate)
          .planFiles()) {
        for (FileScanTask task : tasks) {
          Positions matched = match(task, values);
          if (matched.size == 0) {
            continue;
          }
          rows += matched.size;
          if (mode == RowLevelOperationMode.COPY_ON_WRITE) {
            rewrite(task, matched, values);
            removedFiles.add(task.file());
          } else {
            previousDeletes.put(task.file().location(), task.deletes().stream()
                .filter(d -> d.content() == FileContent.POSITION_DELETES).toList());
            referencedFiles.add(task.file().location());
            PositionDelete<Record> delete = PositionDelete.create();
            for (int i = 0; i < matched.size; i++) {
              deletes.write(delete.set(task.file().location(), matched.values[i]), task.spec(), task.file().partition());
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        if (deletes != null) {
          closeDeletes(deletes);
        }
      }
      if (newRows != null) {
        addedFiles = newRows.finish();
      }
    }

    private void closeDeletes(PartitioningWriter<PositionDelete<Record>, DeleteWriteResult> deletes) {
      try {
        deletes.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      DeleteWriteResult result = deletes.result();
      addedDeletes.addAll(result.deleteFiles());
      removedDeletes.addAll(result.rewrittenDeleteFiles());
    }

    /** Position deletes for v2 tables, deletion vectors (merged with a file's earlier ones) for v3 and later. */
    private PartitioningWriter<PositionDelete<Record>, DeleteWriteResult> deleteWriter(
        Map<String, List<DeleteFile>> previousDeletes) {
      if (TableUtil.formatVersion(table) >= 3) {
        OutputFileFactory puffins = OutputFileFactory.builderFor(table, 1, System.nanoTime())
            .format(FileFormat.PUFFIN).operationId("rows-" + UUID.randomUUID()).build();
        BaseDeleteLoader loader = new BaseDeleteLoader(d -> table.io().newInputFile(d.location()));
        Function<CharSequence, PositionDeleteIndex> previous = path -> {
          List<DeleteFile> files = previousDeletes.getOrDefault(path.toString(), List.of());
          return files.isEmpty() ? null : loader.loadPositionDeletes(files, path);
        };
        return new PartitioningDVWriter<>(puffins, previous);
      }
      GenericFileWriterFactory writers = new GenericFileWriterFactory.Builder(table)
          .dataFileFormat(FileFormat.PARQUET).deleteFileFormat(FileFormat.PARQUET).build();
      OutputFileFactory files = OutputFileFactory.builderFor(table, 1, System.nanoTime())
          .format(FileFormat.PARQUET).operationId("rows-" + UUID.randomUUID()).suffix("deletes").build();
      long targetSize = PropertyUtil.propertyAsLong(table.properties(), TableProperties.DELETE_TARGET_FILE_SIZE_BYTES,
          TableProperties.DELETE_TARGET_FILE_SIZE_BYTES_DEFAULT);
      return new FanoutPositionOnlyDeleteWriter<>(writers, files, table.io(), targetSize, DeleteGranularity.FILE);
    }

    /** The positions of the task's live rows the predicate matches; an update's changed rows are written. */
    private Positions match(FileScanTask task, Map<String, Object> values) {
      Positions matched = new Positions();
      Evaluator evaluator = new Evaluator(readSchema.asStruct(), predicate, true);
      InternalRecordWrapper internal = new InternalRecordWrapper(readSchema.asStruct());
      boolean writeChanged = update && mode == RowLevelOperationMode.MERGE_ON_READ;
      try (CloseableIterable<Record> records = read(task)) {
        for (Record row : records) {
          if (evaluator.eval(internal.wrap(row))) {
            matched.add((Long) row.getField(MetadataColumns.ROW_POSITION.name()));
            if (writeChanged) {
              newRows.write(changed(row, values));
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return matched;
    }

    /** Copy-on-write: the task's file again, without its matched rows or with them changed. */
    private void rewrite(FileScanTask task, Positions matched, Map<String, Object> values) {
      int next = 0;
      try (CloseableIterable<Record> records = read(task)) {
        for (Record row : records) {
          long position = (Long) row.getField(MetadataColumns.ROW_POSITION.name());
          boolean hit = next < matched.size && matched.values[next] == position;
          if (hit) {
            next++;
            if (update) {
              newRows.write(changed(row, values));
            }
          } else {
            newRows.write(copy(row));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The live rows of a task's file (its deletes applied), each with its position. */
    private CloseableIterable<Record> read(FileScanTask task) {
      if (task.file().format() != FileFormat.PARQUET) {
        throw ApiException.conflict("Table %s holds a %s data file (%s); rows over REST change Parquet files only",
            table.name(), task.file().format(), task.file().location());
      }
      GenericDeleteFilter deletes = new GenericDeleteFilter(table.io(), task, table.schema(), readSchema);
      Schema required = deletes.requiredSchema();
      Map<Integer, ?> constants = PartitionUtil.constantsMap(task, IdentityPartitionConverters::convertConstant);
      CloseableIterable<Record> records = Parquet.read(table.io().newInputFile(task.file().location()))
          .project(required)
          .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(required, fileSchema, constants))
          .build();
      return deletes.filter(records);
    }

    private Record copy(Record row) {
      Record copy = GenericRecord.create(table.schema());
      for (Types.NestedField column : table.schema().columns()) {
        copy.setField(column.name(), row.getField(column.name()));
      }
      return copy;
    }

    private Record changed(Record row, Map<String, Object> values) {
      Record copy = copy(row);
      values.forEach(copy::setField);
      return copy;
    }

    long commit() {
      String level = PropertyUtil.propertyAsString(table.properties(),
          update ? TableProperties.UPDATE_ISOLATION_LEVEL : TableProperties.DELETE_ISOLATION_LEVEL,
          TableProperties.DELETE_ISOLATION_LEVEL_DEFAULT);
      IsolationLevel isolation = "snapshot".equalsIgnoreCase(level) ? IsolationLevel.SNAPSHOT : IsolationLevel.SERIALIZABLE;
      if (mode == RowLevelOperationMode.COPY_ON_WRITE) {
        OverwriteFiles overwrite = table.newOverwrite()
            .validateFromSnapshot(base.snapshotId())
            .conflictDetectionFilter(predicate)
            .validateNoConflictingDeletes();
        if (isolation == IsolationLevel.SERIALIZABLE) {
          overwrite.validateNoConflictingData();
        }
        removedFiles.forEach(overwrite::deleteFile);
        addedFiles.forEach(overwrite::addFile);
        return RowCommits.commit(table, overwrite, operation());
      }
      RowDelta delta = table.newRowDelta()
          .validateFromSnapshot(base.snapshotId())
          .conflictDetectionFilter(predicate)
          .validateDataFilesExist(referencedFiles)
          .validateDeletedFiles()
          .validateNoConflictingDeleteFiles();
      if (isolation == IsolationLevel.SERIALIZABLE) {
        delta.validateNoConflictingDataFiles();
      }
      addedDeletes.forEach(delta::addDeletes);
      removedDeletes.forEach(delta::removeDeletes);
      addedFiles.forEach(delta::addRows);
      return RowCommits.commit(table, delta, operation());
    }

    /** Deletes every file the change wrote: a refused change leaves nothing in the table's location. */
    void abort() {
      if (newRows != null) {
        newRows.abort();
      }
      List<ContentFile<?>> written = new ArrayList<>(addedDeletes);
      NewDataFiles.delete(table, written);
    }
  }
}
