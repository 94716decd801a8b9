package io.ailake.spark;

import static io.ailake.spark.RowChecksums.assertAgree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Files uploaded through syncs are what Spark reads right after each sync's end: into a partitioned table
 * with a decimal, a boolean, a date and a timestamptz column, an INCREMENTAL sync of a Parquet file (written
 * by Spark, without Iceberg field ids, as producers write them), one of a CSV file and one of an NDJSON file;
 * Spark, the query route and the rows that were sent agree on the count and on a checksum of every value.
 * Then a FULL sync replaces the rows: Spark reads only its rows, and {@code VERSION AS OF 'trash-<syncId>'}
 * reads the rows it replaced.
 *
 * <p>Takes the system properties of {@link SparkSqlThroughCatalogTest} (see {@link ServiceApi}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SyncsAgreeWithSparkTest {

  private static final String COLUMNS = "id, category, amount, flag, day, ts";

  private final String namespace = "syncs_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private Path scratch;
  private SparkSession spark;

  /** One row as it was sent; {@link #line} is its canonical text, the same for every reader. */
  private record Sent(long id, String category, BigDecimal amount, boolean flag, LocalDate day, Instant ts) {

    static Sent number(int i) {
      return new Sent(i, "c" + i % 3, i % 7 == 0 ? null : new BigDecimal(i).multiply(new BigDecimal("1.25"))
          .setScale(2), i % 2 == 0, LocalDate.of(2024, 1, 1).plusDays(i % 9),
          Instant.parse("2024-03-01T00:00:00Z").plusMillis(i * 7_200_001L));
    }

    String csv() {
      return String.join(",", Long.toString(id), category, amount == null ? "" : amount.toPlainString(),
          Boolean.toString(flag), day.toString(), ts.toString());
    }

    Map<String, Object> json() {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", id);
      row.put("category", category);
      row.put("amount", amount);
      row.put("flag", flag);
      row.put("day", day.toString());
      row.put("ts", ts.toString());
      return row;
    }

    Row spark() {
      return RowFactory.create(id, category, amount, flag, day, ts);
    }

    String line() {
      return canonical(id, category, amount, flag, day, ts);
    }
  }

  @BeforeAll
  void startSpark() throws Exception {
    scratch = Files.createTempDirectory("ailake-spark-syncs-");
    spark = LakeSpark.start("ailake-syncs-test", scratch);
  }

  @AfterAll
  void stopSpark() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void sparkReadsExactlyTheRowsEachSyncUploadedAndATrashTagTheRowsAFullSyncReplaced() throws Exception {
    String name = namespace + ".orders";
    String table = "lake." + name;
    ServiceApi.post("/tables", "application/json", ServiceApi.JSON.writeValueAsString(Map.of(
        "namespace", namespace, "name", "orders",
        "columns", List.of(
            Map.of("name", "id", "type", "long", "nullable", false),
            Map.of("name", "category", "type", "string"),
            Map.of("name", "amount", "type", "decimal(12,2)"),
            Map.of("name", "flag", "type", "boolean"),
            Map.of("name", "day", "type", "date"),
            Map.of("name", "ts", "type", "timestamptz")),
        "partitionBy", List.of("category", "day(ts)"),
        "properties", Map.of("format-version", "2"))), 201);
    List<String> expected = new ArrayList<>();

    List<Sent> parquetRows = rows(0, 80);
    sync(name, "INCREMENTAL", "parquet", new ServiceApi.FilePart("orders-1.parquet",
        "application/vnd.apache.parquet", parquet(parquetRows)), parquetRows.size());
    parquetRows.forEach(row -> expected.add(row.line()));
    assertReadsOf(name, table, expected, "after the Parquet sync");

    List<Sent> csvRows = rows(80, 150);
    String csv = "id,category,amount,flag,day,ts\n"
        + csvRows.stream().map(Sent::csv).collect(Collectors.joining("\n")) + "\n";
    sync(name, "INCREMENTAL", "csv",
        new ServiceApi.FilePart("orders-2.csv", "text/csv", csv.getBytes(StandardCharsets.UTF_8)), csvRows.size());
    csvRows.forEach(row -> expected.add(row.line()));
    assertReadsOf(name, table, expected, "after the CSV sync");

    List<Sent> ndjsonRows = rows(150, 240);
    sync(name, "INCREMENTAL", "ndjson", new ServiceApi.FilePart("orders-3.ndjson", "application/x-ndjson",
        ndjson(ndjsonRows).getBytes(StandardCharsets.UTF_8)), ndjsonRows.size());
    ndjsonRows.forEach(row -> expected.add(row.line()));
    assertReadsOf(name, table, expected, "after the NDJSON sync");

    List<Sent> replacing = rows(1000, 1045);
    JsonNode full = sync(name, "FULL", "ndjson", new ServiceApi.FilePart("orders-full.ndjson",
        "application/x-ndjson", ndjson(replacing).getBytes(StandardCharsets.UTF_8)), replacing.size());
    List<String> replaced = replacing.stream().map(Sent::line).toList();
    assertReadsOf(name, table, replaced, "after the FULL sync");
    String trash = full.path("trashTag").asText();
    assertThat(trash).isEqualTo("trash-" + full.path("syncId").asLong());
    assertAgree("Spark at " + trash, sparkLines(table + " VERSION AS OF '" + trash + "'"), expected);
    assertAgree("the route at " + trash, routeLines(name, Map.of("tag", trash)), expected);
  }

  /** Starts a sync, uploads one file (all its rows taken), ends it; the end's answer. */
  private static JsonNode sync(String table, String type, String format, ServiceApi.FilePart file, int rows)
      throws Exception {
    JsonNode started = ServiceApi.post("/syncs", "application/json", ServiceApi.JSON.writeValueAsString(Map.of(
        "name", file.fileName(), "table", table, "syncType", type, "format", format)), 201);
    String sync = "/syncs/" + started.path("syncId").asLong();
    JsonNode uploaded = ServiceApi.upload(sync + "/files", List.of(file));
    JsonNode entry = uploaded.path("files").get(0);
    assertThat(entry.path("status").asText()).as("%s: %s", file.fileName(), entry).isEqualTo("FINISHED");
    assertThat(entry.path("rows").asLong()).isEqualTo(rows);
    JsonNode ended = ServiceApi.post(sync + "/end", null, null, 200);
    assertThat(ended.path("status").asText()).as("%s", ended).isEqualTo("FINISHED");
    assertThat(ended.path("rows").asLong()).isEqualTo(rows);
    return ended;
  }

  private static List<Sent> rows(int from, int to) {
    return IntStream.range(from, to).mapToObj(Sent::number).toList();
  }

  private static String ndjson(List<Sent> rows) throws Exception {
    StringBuilder text = new StringBuilder();
    for (Sent row : rows) {
      text.append(ServiceApi.JSON.writeValueAsString(row.json())).append('\n');
    }
    return text.toString();
  }

  /** One Parquet file written by Spark (plain DataFrame: no Iceberg field ids; timestamps as micros). */
  private byte[] parquet(List<Sent> rows) throws Exception {
    StructType schema = new StructType(new StructField[] {
        DataTypes.createStructField("id", DataTypes.LongType, false),
        DataTypes.createStructField("category", DataTypes.StringType, true),
        DataTypes.createStructField("amount", DataTypes.createDecimalType(12, 2), true),
        DataTypes.createStructField("flag", DataTypes.BooleanType, true),
        DataTypes.createStructField("day", DataTypes.DateType, true),
        DataTypes.createStructField("ts", DataTypes.TimestampType, true)});
    Path directory = scratch.resolve("parquet-" + UUID.randomUUID());
    spark.conf().set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
    spark.createDataFrame(rows.stream().map(Sent::spark).toList(), schema).coalesce(1)
        .write().parquet(directory.toString());
    try (Stream<Path> files = Files.list(directory)) {
      List<Path> parts = files.filter(file -> file.getFileName().toString().endsWith(".parquet")).toList();
      assertThat(parts).hasSize(1);
      return Files.readAllBytes(parts.get(0));
    }
  }

  /** Spark and the query route read exactly {@code expected}; their counts agree. */
  private void assertReadsOf(String name, String table, List<String> expected, String when) throws Exception {
    assertAgree("Spark " + when, sparkLines(table), expected);
    assertAgree("the route " + when, routeLines(name, null), expected);
    JsonNode counted = ServiceApi.query("SELECT count(*) FROM " + name, null);
    assertThat(counted.path("rows").get(0).get(0).asLong()).as("the route's count %s", when)
        .isEqualTo(spark.sql("SELECT count(*) FROM " + table).first().getLong(0))
        .isEqualTo(expected.size());
  }

  private List<String> sparkLines(String table) {
    List<String> lines = new ArrayList<>();
    for (Row row : spark.sql("SELECT " + COLUMNS + " FROM " + table).collectAsList()) {
      lines.add(canonical(row.getLong(0), row.getString(1), row.getDecimal(2), row.getBoolean(3),
          row.<LocalDate>getAs(4), row.<Instant>getAs(5)));
    }
    return lines;
  }

  private static List<String> routeLines(String name, Map<String, Object> asOf) throws Exception {
    JsonNode answer = ServiceApi.query("SELECT " + COLUMNS + " FROM " + name, asOf);
    assertThat(answer.path("truncated").asBoolean()).isFalse();
    List<String> lines = new ArrayList<>();
    for (JsonNode row : answer.path("rows")) {
      lines.add(canonical(row.get(0).asLong(), row.get(1).isNull() ? null : row.get(1).asText(),
          row.get(2).isNull() ? null : row.get(2).decimalValue(), row.get(3).asBoolean(),
          LocalDate.parse(row.get(4).asText()), OffsetDateTime.parse(row.get(5).asText()).toInstant()));
    }
    return lines;
  }

  /** One row's values as text, each in one spelling whoever read it (a decimal with its scale of 2). */
  private static String canonical(long id, String category, BigDecimal amount, boolean flag, LocalDate day,
      Instant ts) {
    return String.join("|", Long.toString(id), category,
        amount == null ? "null" : amount.setScale(2).toPlainString(), Boolean.toString(flag), day.toString(),
        ts.toString());
  }
}
