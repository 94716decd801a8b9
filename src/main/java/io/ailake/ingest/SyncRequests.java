package io.ailake.ingest;

import io.ailake.api.ApiException;
import io.ailake.data.DatabaseTables;
import io.ailake.data.rows.RowFiles;
import java.util.Locale;
import org.apache.iceberg.catalog.TableIdentifier;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request bodies of the sync routes, each checked before anything happens. */
public final class SyncRequests {

  private SyncRequests() {}

  @Schema(name = "StartAiLakeSyncRequest", requiredProperties = {"name", "table", "syncType"},
      description = "A sync that takes files into one table and ends in one commit", example = """
      {"name": "orders-2026-12-07", "table": "shop.orders", "syncType": "INCREMENTAL", "format": "csv",
      "createTable": true, "csv": {"header": true, "delimiter": ",", "quote": "\\"", "nullValue": ""},
      "onFileError": "skip"}""")
  public record StartSync(
      @Schema(description = "What the sync is called in its list") String name,
      @Schema(description = "The table: its namespace (levels separated by dots), a dot, its name") String table,
      @Schema(description = "FULL replaces the table's rows at the end; INCREMENTAL appends",
          enumeration = {"FULL", "INCREMENTAL"}) String syncType,
      @Schema(description = "The files' format", enumeration = {"parquet", "csv", "ndjson"},
          defaultValue = "parquet") String format,
      @Schema(description = "Create a missing table from the first file's schema (CSV: string columns named by"
          + " the header; NDJSON: the first row's JSON types)", defaultValue = "false") Boolean createTable,
      @Schema(description = "How the CSV files are written") Csv csv,
      @Schema(description = "What end does when a file failed: fail the sync (nothing committed), or skip the"
          + " failed files", enumeration = {"fail", "skip"}, defaultValue = "fail") String onFileError) {

    /** The checked request. */
    Checked check() {
      if (name == null || name.isBlank() || name.length() > 255) {
        throw ApiException.badRequest("A sync needs a name of 1 to 255 characters");
      }
      if (table == null || table.lastIndexOf('.') <= 0 || table.endsWith(".")) {
        throw ApiException.badRequest("table is the namespace, a dot and the table's name (shop.orders), got %s",
            table == null ? "nothing" : "'" + io.ailake.iceberg.IcebergNames.shown(table) + "'");
      }
      int dot = table.lastIndexOf('.');
      TableIdentifier identifier = DatabaseTables.identifier(table.substring(0, dot), table.substring(dot + 1));
      SyncType type = SyncType.of(syncType);
      Format fileFormat = Format.of(format);
      if (csv != null && fileFormat != Format.CSV) {
        throw ApiException.badRequest("csv settings are for a sync of format csv");
      }
      boolean skip;
      if (onFileError == null || onFileError.equals("fail")) {
        skip = false;
      } else if (onFileError.equals("skip")) {
        skip = true;
      } else {
        throw ApiException.badRequest("onFileError is fail or skip, got '%s'",
            io.ailake.iceberg.IcebergNames.shown(onFileError));
      }
      return new Checked(name, identifier, type, fileFormat, Boolean.TRUE.equals(createTable),
          csv == null ? RowFiles.CsvDialect.DEFAULT : csv.dialect(), skip);
    }
  }

  @Schema(name = "AiLakeSyncCsvSettings", description = "How a sync's CSV files are written",
      example = "{\"header\": true, \"delimiter\": \";\", \"quote\": \"\\\"\", \"nullValue\": \"NULL\"}")
  public record Csv(
      @Schema(description = "The first line names the columns; without it the columns are the table's, in order",
          defaultValue = "true") Boolean header,
      @Schema(description = "One character between fields", defaultValue = ",") String delimiter,
      @Schema(description = "One character that quotes a field", defaultValue = "\"") String quote,
      @Schema(description = "The text of a null field", defaultValue = "") String nullValue) {

    RowFiles.CsvDialect dialect() {
      return new RowFiles.CsvDialect(header == null || header, character("delimiter", delimiter, ','),
          character("quote", quote, '"'), nullValue == null ? "" : nullValue);
    }

    private static char character(String name, String value, char fallback) {
      if (value == null) {
        return fallback;
      }
      if (value.length() != 1 || value.charAt(0) == '\n' || value.charAt(0) == '\r') {
        throw ApiException.badRequest("csv.%s is one character (not a line break)", name);
      }
      return value.charAt(0);
    }
  }

  enum SyncType {
    FULL, INCREMENTAL;

    static SyncType of(String value) {
      if (value == null) {
        throw ApiException.badRequest("syncType is FULL or INCREMENTAL");
      }
      try {
        return valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("syncType is FULL or INCREMENTAL, got '%s'",
            io.ailake.iceberg.IcebergNames.shown(value));
      }
    }
  }

  enum Format {
    PARQUET, CSV, NDJSON;

    static Format of(String value) {
      if (value == null) {
        return PARQUET;
      }
      try {
        return valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("format is parquet, csv or ndjson, got '%s'",
            io.ailake.iceberg.IcebergNames.shown(value));
      }
    }

    String lower() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A start request, checked. */
  record Checked(String name, TableIdentifier table, SyncType syncType, Format format, boolean createTable,
      RowFiles.CsvDialect csv, boolean skipFailedFiles) {}
}
