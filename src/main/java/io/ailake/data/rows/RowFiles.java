package io.ailake.data.rows;

import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;

/**
 * The rows of an NDJSON or CSV file, checked against a table's schema and written as new Parquet data files
 * of it as they stream, exactly as an insert's rows are (for the file-upload syncs). A bad row refuses the
 * file: nothing written for it stays.
 */
public final class RowFiles {

  /** How a CSV file is written: a header row or the table's columns in order, its separator, quote and null text. */
  public record CsvDialect(boolean header, char delimiter, char quote, String nullValue) {
    public static final CsvDialect DEFAULT = new CsvDialect(true, ',', '"', "");
  }

  /** The data files written (not committed) and how many rows they hold. */
  public record Written(List<DataFile> files, long rows) {}

  /** A row that cannot be written: its line in the file and, when known, its column. */
  public static final class Refused extends RuntimeException {
    private final long line;
    private final String column;

    Refused(String unit, long line, String column, String reason) {
      super(column == null
          ? String.format("%s %d: %s", unit, line, reason)
          : String.format("%s %d, column %s: %s", unit, line, column, reason), null, false, false);
      this.line = line;
      this.column = column;
    }

    public long line() {
      return line;
    }

    public String column() {
      return column;
    }
  }

  private RowFiles() {}

  /** One JSON object per line. */
  public static Written ndjson(Table table, InputStream in) {
    return write(table, in, false, 0, (text, consumer) -> BodyRows.lines(text, consumer));
  }

  /** CSV in {@code dialect}; a field of a nested column holds its value as JSON. */
  public static Written csv(Table table, InputStream in, CsvDialect dialect) {
    CsvSchema schema;
    if (dialect.header()) {
      schema = CsvSchema.emptySchema().withHeader().withStrictHeaders(false);
    } else {
      CsvSchema.Builder columns = CsvSchema.builder();
      table.schema().columns().stream().map(Types.NestedField::name).forEach(columns::addColumn);
      schema = columns.build().withoutHeader();
    }
    schema = schema.withColumnSeparator(dialect.delimiter()).withQuoteChar(dialect.quote())
        .withNullValue(dialect.nullValue());
    CsvSchema read = schema;
    return write(table, in, true, dialect.header() ? 1 : 0, (text, consumer) -> BodyRows.csv(text, read, consumer));
  }

  /** Rows already of the table's schema (a Parquet file read by column name), each required column checked. */
  public static Written records(Table table, Iterable<Record> rows) {
    NewDataFiles files = new NewDataFiles(table);
    List<Types.NestedField> columns = table.schema().columns();
    long count = 0;
    try {
      for (Record row : rows) {
        count++;
        for (int i = 0; i < columns.size(); i++) {
          if (columns.get(i).isRequired() && row.get(i) == null) {
            throw new Refused("row", count, columns.get(i).name(), "the column is required and has no value");
          }
        }
        files.write(row);
      }
      return new Written(files.finish(), count);
    } catch (RuntimeException e) {
      files.abort();
      throw e;
    }
  }

  private interface Rows {
    long read(Reader text, BodyRows.Consumer consumer) throws IOException;
  }

  private static Written write(Table table, InputStream in, boolean textFields, int headerLines, Rows rows) {
    RowRecords records = new RowRecords(table.schema(), textFields);
    NewDataFiles files = new NewDataFiles(table);
    try (Reader text = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      long count = rows.read(text, (number, row) -> files.write(records.record(number, row)));
      return new Written(files.finish(), count);
    } catch (BadRow bad) {
      files.abort();
      throw new Refused("line", bad.row + headerLines, bad.column, bad.getMessage());
    } catch (IOException e) {
      files.abort();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      files.abort();
      throw e;
    }
  }
}
