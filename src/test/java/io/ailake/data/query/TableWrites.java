package io.ailake.data.query;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.BaseDVFileWriter;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.encryption.EncryptedFiles;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;

/** Writes data and delete files with Iceberg's own writers, as an engine would, and commits them. */
final class TableWrites {

  private TableWrites() {}

  static Record row(Schema schema, Object... nameThenValue) {
    Record row = GenericRecord.create(schema);
    for (int i = 0; i < nameThenValue.length; i += 2) {
      row.setField((String) nameThenValue[i], nameThenValue[i + 1]);
    }
    return row;
  }

  /** One Parquet data file of {@code rows} (all of one partition), appended in its own commit. */
  static DataFile append(Table table, List<Record> rows) {
    DataFile file = dataFile(table, rows);
    table.newAppend().appendFile(file).commit();
    return file;
  }

  static DataFile dataFile(Table table, List<Record> rows) {
    StructLike partition = partition(table, rows.get(0));
    DataWriter<Record> writer = writers(table, null).newDataWriter(output(table), table.spec(), partition);
    try (writer) {
      rows.forEach(writer::write);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return writer.toDataFile();
  }

  /** A position delete file removing {@code positions} of {@code file}, committed. */
  static DeleteFile deletePositions(Table table, DataFile file, long... positions) {
    PositionDeleteWriter<Record> writer =
        writers(table, null).newPositionDeleteWriter(output(table), table.spec(), file.partition());
    try (writer) {
      for (long position : positions) {
        writer.write(PositionDelete.<Record>create().set(file.location(), position));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    DeleteFile deletes = writer.toDeleteFile();
    table.newRowDelta().addDeletes(deletes).commit();
    return deletes;
  }

  /** An equality delete file of {@code keys} (rows of {@code keySchema}, whose field ids must match), committed. */
  static DeleteFile deleteEqual(Table table, Schema keySchema, List<Record> keys) {
    int[] ids = keySchema.columns().stream().mapToInt(f -> f.fieldId()).toArray();
    EqualityDeleteWriter<Record> writer = writers(table, keySchema, ids).newEqualityDeleteWriter(output(table),
        table.spec(), partition(table, null));
    try (writer) {
      keys.forEach(writer::write);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    DeleteFile deletes = writer.toDeleteFile();
    table.newRowDelta().addDeletes(deletes).commit();
    return deletes;
  }

  /** A deletion vector (format v3) removing {@code positions} of {@code file}, committed. */
  static DeleteFile deletionVector(Table table, DataFile file, long... positions) {
    OutputFileFactory files = OutputFileFactory.builderFor(table, 1, 1).format(FileFormat.PUFFIN).build();
    BaseDVFileWriter writer = new BaseDVFileWriter(files, path -> null);
    try (writer) {
      for (long position : positions) {
        writer.delete(file.location(), position, table.spec(), file.partition());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    var rowDelta = table.newRowDelta();
    writer.result().deleteFiles().forEach(rowDelta::addDeletes);
    rowDelta.commit();
    return writer.result().deleteFiles().get(0);
  }

  private static GenericFileWriterFactory writers(Table table, Schema keySchema, int... equalityIds) {
    GenericFileWriterFactory.Builder builder = new GenericFileWriterFactory.Builder(table)
        .dataFileFormat(FileFormat.PARQUET)
        .deleteFileFormat(FileFormat.PARQUET);
    if (keySchema != null) {
      builder.equalityFieldIds(equalityIds).equalityDeleteRowSchema(keySchema);
    }
    return builder.build();
  }

  private static StructLike partition(Table table, Record row) {
    if (table.spec().isUnpartitioned() || row == null) {
      return null;
    }
    PartitionKey key = new PartitionKey(table.spec(), table.schema());
    key.partition(new InternalRecordWrapper(table.schema().asStruct()).wrap(row));
    return key;
  }

  private static EncryptedOutputFile output(Table table) {
    return EncryptedFiles.plainAsEncryptedOutput(
        table.io().newOutputFile(table.locationProvider().newDataLocation(java.util.UUID.randomUUID() + ".parquet")));
  }
}
