package io.ailake.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.ailake.data.rows.RowFiles;
import io.ailake.pipe.PipeSource;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.mapping.MappingUtil;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.parquet.ParquetSchemaUtil;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
import org.apache.parquet.schema.MessageType;

/**
 * Turns one uploaded file into data files of its table. A Parquet file that fits the table (its columns by
 * name, types the table's or promotable to them, no Parquet field ids of another table) is taken as it was
 * stored, with its metrics from the footer; readers map its columns by name (the table's
 * {@code schema.name-mapping.default}). One the table cannot take whole (a partitioned table) is read by
 * name and written again. CSV and NDJSON rows are converted to the table's schema and written as Parquet.
 */
final class FileLoads {

  /** A file that cannot be taken; the message is what its history says. */
  static final class Refused extends RuntimeException {
    Refused(String message, Object... args) {
      super(String.format(message, args), null, false, false);
    }
  }

  record Loaded(List<DataFile> files, long rows) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private FileLoads() {}

  /** The schema in a Parquet file's footer; refused when the footer does not read. */
  static MessageType footer(InputFile file) {
    try {
      return PipeSource.footer(file);
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new Refused("not a Parquet file whose footer reads: %s", cause.getMessage());
    }
  }

  /** A table schema for a Parquet file's columns (a new table from a sync's first file). */
  static Schema schemaOf(MessageType footer) {
    try {
      return ParquetSchemaUtil.convert(footer);
    } catch (RuntimeException e) {
      throw new Refused("the file's Parquet schema has no Iceberg equivalent: %s", e.getMessage());
    }
  }

  /** A Parquet file stored at {@code input}: taken as it is when the table can, else read by name and written again. */
  static Loaded parquet(Table table, InputFile input) {
    MessageType footer = footer(input);
    Schema fileSchema = schemaOf(footer);
    check(fileSchema.asStruct(), table.schema().asStruct(), "");
    boolean foreignIds = ParquetSchemaUtil.hasIds(footer) && !sameIds(fileSchema.asStruct(), table.schema().asStruct());
    if (foreignIds) {
      throw new Refused("the file's Parquet field ids are not the table's (it was written for another table);"
          + " write it without field ids");
    }
    NameMapping mapping = MappingUtil.create(table.schema());
    if (!table.spec().isUnpartitioned()) {
      return rewritten(table, input, mapping);
    }
    Metrics metrics;
    try {
      metrics = ParquetUtil.fileMetrics(input, MetricsConfig.forTable(table), mapping);
    } catch (RuntimeException e) {
      throw new Refused("the file's footer does not read: %s", e.getMessage());
    }
    for (Types.NestedField column : table.schema().columns()) {
      Long nulls = metrics.nullValueCounts() == null ? null : metrics.nullValueCounts().get(column.fieldId());
      if (column.isRequired() && nulls != null && nulls > 0) {
        throw new Refused("column %s is required, and the file holds %d nulls in it", column.name(), nulls);
      }
    }
    DataFile file = DataFiles.builder(table.spec())
        .withInputFile(input)
        .withFormat(FileFormat.PARQUET)
        .withMetrics(metrics)
        .build();
    return new Loaded(List.of(file), metrics.recordCount());
  }

  /** The file's rows read by column name into the table's schema and written as new data files. */
  static Loaded rewritten(Table table, InputFile input, NameMapping mapping) {
    Schema schema = table.schema();
    try (CloseableIterable<Record> rows = Parquet.read(input)
        .project(schema)
        .withNameMapping(mapping)
        .createReaderFunc(type -> GenericParquetReaders.buildReader(schema, type))
        .build()) {
      RowFiles.Written written = RowFiles.records(table, rows);
      return new Loaded(written.files(), written.rows());
    } catch (RowFiles.Refused e) {
      throw new Refused("%s", e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      throw new Refused("the file's rows do not read: %s", e.getMessage());
    }
  }

  /** NDJSON or CSV rows converted to the table's schema. */
  static Loaded rows(Table table, SyncRequests.Format format, RowFiles.CsvDialect csv, InputStream in) {
    try {
      RowFiles.Written written = format == SyncRequests.Format.CSV
          ? RowFiles.csv(table, in, csv)
          : RowFiles.ndjson(table, in);
      return new Loaded(written.files(), written.rows());
    } catch (RowFiles.Refused e) {
      throw new Refused("%s", e.getMessage());
    }
  }

  /**
   * A table schema from a CSV or NDJSON file's first line (read ahead, then given back to the stream): the CSV
   * header's names as optional strings; the first JSON row's members with the types of their values.
   */
  static Schema schemaOfFirstLine(SyncRequests.Format format, RowFiles.CsvDialect csv, BufferedInputStream in) {
    String line = firstLine(in);
    List<Types.NestedField> columns = new ArrayList<>();
    if (format == SyncRequests.Format.CSV) {
      if (!csv.header()) {
        throw new Refused("a missing table is created from a CSV header row; this sync's CSV has none");
      }
      try {
        Iterator<List<String>> rows = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .readerForListOf(String.class)
            .with(CsvSchema.emptySchema().withColumnSeparator(csv.delimiter()).withQuoteChar(csv.quote()))
            .readValues(line);
        for (String name : rows.hasNext() ? rows.next() : List.<String>of()) {
          columns.add(Types.NestedField.optional(columns.size() + 1, name, Types.StringType.get()));
        }
      } catch (IOException | RuntimeException e) {
        throw new Refused("line 1: the header row does not read: %s", e.getMessage());
      }
    } else {
      JsonNode row;
      try {
        row = JSON.readTree(line);
      } catch (IOException e) {
        throw new Refused("line 1: malformed JSON: %s", e.getMessage());
      }
      if (row == null || !row.isObject()) {
        throw new Refused("line 1: a row is a JSON object");
      }
      for (Map.Entry<String, JsonNode> member : (Iterable<Map.Entry<String, JsonNode>>) row::fields) {
        columns.add(Types.NestedField.optional(columns.size() + 1, member.getKey(), typeOf(member.getValue())));
      }
    }
    if (columns.isEmpty()) {
      throw new Refused("line 1 names no column");
    }
    try {
      return new Schema(columns);
    } catch (RuntimeException e) {
      throw new Refused("line 1: %s", e.getMessage());
    }
  }

  private static Type typeOf(JsonNode value) {
    if (value.isBoolean()) {
      return Types.BooleanType.get();
    }
    if (value.isIntegralNumber()) {
      return Types.LongType.get();
    }
    if (value.isNumber()) {
      return Types.DoubleType.get();
    }
    return Types.StringType.get();
  }

  private static String firstLine(BufferedInputStream in) {
    int limit = 1 << 20;
    in.mark(limit + 1);
    try {
      byte[] head = in.readNBytes(limit);
      in.reset();
      int end = 0;
      while (end < head.length && head[end] != '\n') {
        end++;
      }
      return new String(head, 0, end, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every column of the file is a column of the table, of its type or one that promotes to it. */
  private static void check(Types.StructType file, Types.StructType table, String path) {
    for (Types.NestedField field : file.fields()) {
      Types.NestedField column = table.field(field.name());
      if (column == null) {
        throw new Refused("column %s%s of the file is not a column of the table", path, field.name());
      }
      compatible(field.type(), column.type(), path + field.name());
    }
    for (Types.NestedField column : table.fields()) {
      if (column.isRequired() && file.field(column.name()) == null) {
        throw new Refused("the table's required column %s%s is not in the file", path, column.name());
      }
    }
  }

  private static void compatible(Type file, Type table, String path) {
    if (file.isPrimitiveType() && table.isPrimitiveType()) {
      if (!file.equals(table) && !TypeUtil.isPromotionAllowed(file, table.asPrimitiveType())) {
        throw new Refused("column %s is %s in the file and %s in the table", path, file, table);
      }
    } else if (file.isStructType() && table.isStructType()) {
      check(file.asStructType(), table.asStructType(), path + ".");
    } else if (file.isListType() && table.isListType()) {
      compatible(file.asListType().elementType(), table.asListType().elementType(), path + ".element");
    } else if (file.isMapType() && table.isMapType()) {
      compatible(file.asMapType().keyType(), table.asMapType().keyType(), path + ".key");
      compatible(file.asMapType().valueType(), table.asMapType().valueType(), path + ".value");
    } else {
      throw new Refused("column %s is %s in the file and %s in the table", path, file, table);
    }
  }

  /** Whether the file's field ids name the table's columns (a file written for this very table). */
  private static boolean sameIds(Types.StructType file, Types.StructType table) {
    for (Types.NestedField field : file.fields()) {
      Types.NestedField column = table.field(field.name());
      if (column == null || column.fieldId() != field.fieldId()) {
        return false;
      }
      if (field.type().isStructType() && !sameIds(field.type().asStructType(), column.type().asStructType())) {
        return false;
      }
    }
    return true;
  }
}
