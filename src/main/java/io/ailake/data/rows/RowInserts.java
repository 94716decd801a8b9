package io.ailake.data.rows;

import io.ailake.api.ApiException;
import io.ailake.data.DatabaseTables;
import io.ailake.iceberg.Warehouse;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitStateUnknownException;

/**
 * Inserts a body's rows into a table: each row is checked against the table's schema and written to new
 * Parquet files as it streams in; the files are appended in one commit. A bad row refuses the whole
 * insert, and every file written for it is deleted.
 */
@ApplicationScoped
public class RowInserts {

  private final DatabaseTables tables;

  RowInserts(DatabaseTables tables) {
    this.tables = tables;
  }

  public InsertedRows insert(String instanceId, String namespace, String tableName, RowsBody body) {
    Warehouse database = tables.database(instanceId);
    Table table = tables.load(database, DatabaseTables.identifier(namespace, tableName));
    Written written = write(table, body);
    try {
      AppendFiles append = table.newAppend();
      written.files().forEach(append::appendFile);
      return new InsertedRows(written.rows(), RowCommits.commit(table, append, "insert"));
    } catch (CommitStateUnknownException e) {
      throw e; // the files may be committed: they stay
    } catch (RuntimeException e) {
      NewDataFiles.delete(table, written.files());
      throw e;
    }
  }

  /** Data files written for an insert, not yet committed, and how many rows they hold. */
  record Written(List<DataFile> files, long rows) {}

  /** The body's rows in new data files of the table; nothing is left of them when a row is refused. */
  static Written write(Table table, RowsBody body) {
    RowRecords records = new RowRecords(table.schema(), body.format() == RowsBody.Format.CSV);
    NewDataFiles files = new NewDataFiles(table);
    try {
      long rows = BodyRows.read(body, (number, row) -> files.write(records.record(number, row)));
      if (rows == 0) {
        throw ApiException.badRequest("The body holds no rows");
      }
      return new Written(files.finish(), rows);
    } catch (BadRow bad) {
      files.abort();
      throw bad.toApi();
    } catch (RuntimeException e) {
      files.abort();
      throw e;
    }
  }
}
