package io.ailake.data.rows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.DataWriteResult;
import org.apache.iceberg.io.FanoutDataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.util.PropertyUtil;
import org.jboss.logging.Logger;

/**
 * Parquet data files of rows for a table, written with Iceberg's own writers into the table's location
 * provider and FileIO: a fan-out writer keeps one open file per partition of the table's current spec
 * (rows need not come sorted), rolling at the table's target file size.
 */
final class NewDataFiles {

  private static final Logger LOG = Logger.getLogger(NewDataFiles.class);

  private final Table table;
  private final FanoutDataWriter<Record> writer;
  private final PartitionKey key;
  private final InternalRecordWrapper wrapper;
  private boolean closed;

  NewDataFiles(Table table) {
    this.table = table;
    GenericFileWriterFactory files = new GenericFileWriterFactory.Builder(table)
        .dataFileFormat(FileFormat.PARQUET)
        .build();
    OutputFileFactory locations = OutputFileFactory.builderFor(table, 1, System.nanoTime())
        .format(FileFormat.PARQUET)
        .operationId("rows-" + UUID.randomUUID())
        .build();
    long targetSize = PropertyUtil.propertyAsLong(table.properties(),
        TableProperties.WRITE_TARGET_FILE_SIZE_BYTES, TableProperties.WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT);
    this.writer = new FanoutDataWriter<>(files, locations, table.io(), targetSize);
    this.key = new PartitionKey(table.spec(), table.schema());
    this.wrapper = new InternalRecordWrapper(table.schema().asStruct());
  }

  /** Writes a record of the table's current schema. */
  void write(Record row) {
    if (table.spec().isUnpartitioned()) {
      writer.write(row, table.spec(), null);
    } else {
      key.partition(wrapper.wrap(row));
      writer.write(row, table.spec(), key);
    }
  }

  /** The files written; the writer is closed. */
  List<DataFile> finish() {
    close();
    return result().dataFiles();
  }

  /** Closes the writer and deletes what it wrote: nothing of a refused change stays in the table's location. */
  void abort() {
    try {
      close();
    } catch (RuntimeException e) {
      LOG.debugf("Closing the writer of a refused change failed: %s", e.getMessage());
    }
    if (closed) {
      delete(table, result().dataFiles());
    }
  }

  static void delete(Table table, List<? extends org.apache.iceberg.ContentFile<?>> files) {
    for (org.apache.iceberg.ContentFile<?> file : files) {
      try {
        table.io().deleteFile(file.location());
      } catch (RuntimeException e) {
        LOG.warnf("Could not delete %s, written for a change that was not committed: %s", file.location(), e.getMessage());
      }
    }
  }

  private DataWriteResult result() {
    return writer.result();
  }

  private void close() {
    if (closed) {
      return;
    }
    try {
      writer.close();
      closed = true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
