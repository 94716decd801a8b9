package io.ailake.spark;

import static io.ailake.spark.RowChecksums.assertAgree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Rows inserted (JSON and NDJSON), updated and deleted over the REST row routes are what Spark reads: in a
 * copy-on-write and a merge-on-read table (format 2, and 3 with deletion vectors), partitioned, with a
 * decimal, a date, a timestamp with and one without a time zone and a struct column, Spark, the query route and the rows that were sent
 * agree on the count and on a checksum of every value, now and at every snapshot: by id ({@code VERSION AS
 * OF}), by a tag named over REST and by a tag Spark created, and by a time between two commits
 * ({@code TIMESTAMP AS OF}).
 *
 * <p>Takes the system properties of {@link SparkSqlThroughCatalogTest} (see {@link ServiceApi}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RowRoutesAgreeWithSparkTest {

  private static final String COLUMNS = "id, category, amount, ratio, flag, day, ts, logged, address";
  private static final DateTimeFormatter SPARK_TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
      .withZone(ZoneOffset.UTC);

  private final String namespace = "rows_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private SparkSession spark;

  /** One row as it was sent; {@link #line} is its canonical text, the same for every reader. */
  private record Sent(long id, String category, BigDecimal amount, double ratio, boolean flag, LocalDate day,
      Instant ts, LocalDateTime logged, String city, String zip) {

    static Sent number(int i) {
      return new Sent(i, "c" + i % 4, i % 13 == 0 ? null : new BigDecimal(i).multiply(new BigDecimal("1.25"))
          .setScale(2), i / 8.0, i % 3 == 0, LocalDate.of(2024, 1, 1).plusDays(i % 10),
          Instant.parse("2024-03-01T00:00:00Z").plusMillis(i * 3_600_001L),
          i % 11 == 0 ? null : LocalDateTime.of(2023, 12, 31, 23, 59, 59).plusNanos(i * 1_000_123_000L),
          "city" + i % 5, i % 7 == 0 ? null : "z" + i);
    }

    Map<String, Object> json() {
      Map<String, Object> address = new LinkedHashMap<>();
      address.put("city", city);
      address.put("zip", zip);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", id);
      row.put("category", category);
      row.put("amount", amount);
      row.put("ratio", ratio);
      row.put("flag", flag);
      row.put("day", day.toString());
      row.put("ts", ts.toString());
      row.put("logged", logged == null ? null : logged.toString());
      row.put("address", address);
      return row;
    }

    String line() {
      return canonical(id, category, amount, ratio, flag, day, ts, logged, city, zip);
    }
  }

  /** The table's rows at one snapshot, as expected from what was sent. */
  private record Version(long snapshotId, long committedAtMs, List<String> lines) {}

  @BeforeAll
  void startSpark() throws Exception {
    spark = LakeSpark.start("ailake-row-routes-test", Files.createTempDirectory("ailake-spark-rows-"));
  }

  @AfterAll
  void stopSpark() {
    if (spark != null) {
      spark.stop();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"copy-on-write 2", "merge-on-read 2", "merge-on-read 3"})
  void sparkAndTheQueryRouteReadWhatTheRowRoutesWroteAtEverySnapshot(String modeAndFormat) throws Exception {
    String mode = modeAndFormat.split(" ")[0];
    String format = modeAndFormat.split(" ")[1];
    String tableName = "t_" + mode.replace('-', '_') + "_v" + format;
    String name = namespace + "." + tableName;
    String table = "lake." + name;
    String rows = "/tables/" + namespace + "/" + tableName + "/rows";
    ServiceApi.post("/tables", "application/json", ServiceApi.JSON.writeValueAsString(Map.of(
        "namespace", namespace, "name", tableName,
        "columns", List.of(
            Map.of("name", "id", "type", "long", "nullable", false),
            Map.of("name", "category", "type", "string"),
            Map.of("name", "amount", "type", "decimal(12,2)"),
            Map.of("name", "ratio", "type", "double"),
            Map.of("name", "flag", "type", "boolean"),
            Map.of("name", "day", "type", "date"),
            Map.of("name", "ts", "type", "timestamptz"),
            Map.of("name", "logged", "type", "timestamp"),
            Map.of("name", "address", "type", "struct<city: string, zip: string>")),
        "partitionBy", List.of("category", "day(ts)"),
        "properties", Map.of("format-version", format, "write.update.mode", mode, "write.delete.mode", mode,
            "write.merge.mode", mode))), 201);
    Map<Long, Sent> expected = new TreeMap<>();
    List<Version> versions = new ArrayList<>();

    List<Sent> first = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      first.add(Sent.number(i));
    }
    JsonNode inserted = ServiceApi.post(rows, "application/json",
        ServiceApi.JSON.writeValueAsString(first.stream().map(Sent::json).toList()), 201);
    first.forEach(row -> expected.put(row.id(), row));
    versions.add(version(name, inserted, expected));

    StringBuilder ndjson = new StringBuilder();
    List<Sent> second = new ArrayList<>();
    for (int i = 60; i < 150; i++) {
      second.add(Sent.number(i));
      ndjson.append(ServiceApi.JSON.writeValueAsString(Sent.number(i).json())).append('\n');
    }
    JsonNode appended = ServiceApi.post(rows, "application/x-ndjson", ndjson.toString(), 201);
    second.forEach(row -> expected.put(row.id(), row));
    versions.add(version(name, appended, expected));

    JsonNode updated = ServiceApi.post(rows + "/update", "application/json", """
        {"where": "category = 'c1' AND id < 100 OR address.city = 'city3' AND amount > 150",
         "set": {"amount": 999.99, "flag": false, "address": {"city": "moved", "zip": "00000"}}}""", 200);
    Predicate<Sent> updates = row -> row.category().equals("c1") && row.id() < 100
        || row.city().equals("city3") && row.amount() != null && row.amount().compareTo(new BigDecimal(150)) > 0;
    assertThat(updated.path("rowsUpdated").asLong()).isEqualTo(expected.values().stream().filter(updates).count());
    expected.replaceAll((id, row) -> updates.test(row) ? new Sent(row.id(), row.category(), new BigDecimal("999.99"),
        row.ratio(), false, row.day(), row.ts(), row.logged(), "moved", "00000") : row);
    versions.add(version(name, updated, expected));

    JsonNode deleted = ServiceApi.post(rows + "/delete", "application/json", """
        {"where": "day = DATE '2024-01-03' OR amount IS NULL OR address.zip IS NULL AND flag"}""", 200);
    Predicate<Sent> deletes = row -> row.day().equals(LocalDate.of(2024, 1, 3)) || row.amount() == null
        || row.zip() == null && row.flag();
    assertThat(deleted.path("rowsDeleted").asLong()).isEqualTo(expected.values().stream().filter(deletes).count());
    expected.values().removeIf(deletes);
    versions.add(version(name, deleted, expected));

    // now: Spark, the route and what was sent
    Version now = versions.get(versions.size() - 1);
    assertAgree("Spark now", sparkLines(table, ""), now.lines());
    assertAgree("the route now", routeLines(name, null), now.lines());
    JsonNode counted = ServiceApi.query("SELECT count(*) FROM " + name, null);
    assertThat(counted.path("rows").get(0).get(0).asLong())
        .isEqualTo(spark.sql("SELECT count(*) FROM " + table).first().getLong(0))
        .isEqualTo(now.lines().size());

    // every snapshot by its id
    for (Version version : versions) {
      assertAgree("Spark at snapshot " + version.snapshotId(),
          sparkLines(table, " VERSION AS OF " + version.snapshotId()), version.lines());
      assertAgree("the route at snapshot " + version.snapshotId(),
          routeLines(name, Map.of("snapshotId", version.snapshotId())), version.lines());
    }

    // a tag named over REST (on the NDJSON insert) and one Spark created (on the update)
    Version tagged = versions.get(1);
    ServiceApi.post("/tables/" + namespace + "/" + tableName + "/snapshots", "application/json",
        "{\"name\": \"rest_tag\", \"snapshotId\": " + tagged.snapshotId() + "}", 201);
    assertAgree("Spark at rest_tag", sparkLines(table, " VERSION AS OF 'rest_tag'"), tagged.lines());
    assertAgree("the route at rest_tag", routeLines(name, Map.of("tag", "rest_tag")), tagged.lines());
    Version sparkTagged = versions.get(2);
    spark.sql("ALTER TABLE " + table + " CREATE TAG spark_tag AS OF VERSION " + sparkTagged.snapshotId());
    assertAgree("Spark at spark_tag", sparkLines(table, " VERSION AS OF 'spark_tag'"), sparkTagged.lines());
    assertAgree("the route at spark_tag", routeLines(name, Map.of("tag", "spark_tag")), sparkTagged.lines());

    // a time between two commits reads the earlier one; a commit's own time reads that commit
    for (int i = 0; i + 1 < versions.size(); i++) {
      Version before = versions.get(i);
      long between = (before.committedAtMs() + versions.get(i + 1).committedAtMs()) / 2;
      assertThat(between).isGreaterThan(before.committedAtMs()).isLessThan(versions.get(i + 1).committedAtMs());
      for (long at : new long[] {between, before.committedAtMs()}) {
        String instant = Instant.ofEpochMilli(at).toString();
        assertAgree("Spark as of " + instant,
            sparkLines(table, " TIMESTAMP AS OF '" + SPARK_TIMESTAMP.format(Instant.ofEpochMilli(at)) + "'"),
            before.lines());
        JsonNode route = ServiceApi.query("SELECT " + COLUMNS + " FROM " + name, Map.of("timestamp", instant));
        assertThat(route.path("snapshots").path(name).asLong()).as("the route as of %s", instant)
            .isEqualTo(before.snapshotId());
        assertAgree("the route as of " + instant, lines(route), before.lines());
      }
    }
  }

  /** The snapshot a row route answered, its commit time (after a pause, so commits are ms apart), the rows. */
  private Version version(String name, JsonNode answer, Map<Long, Sent> expected) throws Exception {
    long snapshotId = answer.path("snapshotId").asLong();
    long committedAt = spark.sql("SELECT unix_millis(committed_at) FROM lake." + name + ".snapshots"
        + " WHERE snapshot_id = " + snapshotId).first().getLong(0);
    Thread.sleep(20);
    return new Version(snapshotId, committedAt, expected.values().stream().map(Sent::line).toList());
  }

  private List<String> sparkLines(String table, String asOf) {
    List<String> lines = new ArrayList<>();
    for (Row row : spark.sql("SELECT " + COLUMNS + " FROM " + table + asOf + " ORDER BY id").collectAsList()) {
      Row address = row.getStruct(8);
      lines.add(canonical(row.getLong(0), row.getString(1), row.getDecimal(2), row.getDouble(3), row.getBoolean(4),
          row.<LocalDate>getAs(5), row.<Instant>getAs(6), row.<LocalDateTime>getAs(7),
          address == null ? null : address.getString(0),
          address == null ? null : address.getString(1)));
    }
    return lines;
  }

  private static List<String> routeLines(String name, Map<String, Object> asOf) throws Exception {
    return lines(ServiceApi.query("SELECT " + COLUMNS + " FROM " + name + " ORDER BY id", asOf));
  }

  private static List<String> lines(JsonNode answer) {
    assertThat(answer.path("truncated").asBoolean()).isFalse();
    List<String> lines = new ArrayList<>();
    for (JsonNode row : answer.path("rows")) {
      JsonNode address = row.get(8);
      lines.add(canonical(row.get(0).asLong(), text(row.get(1)), row.get(2).isNull() ? null : row.get(2).decimalValue(),
          row.get(3).asDouble(), row.get(4).asBoolean(), LocalDate.parse(row.get(5).asText()), instant(row.get(6)),
          row.get(7).isNull() ? null : LocalDateTime.parse(row.get(7).asText()),
          address.isNull() ? null : text(address.get("city")), address.isNull() ? null : text(address.get("zip"))));
    }
    lines.sort(null);
    return lines;
  }

  /** The route writes a timestamptz as ISO-8601 with an offset (seconds left out when zero). */
  private static Instant instant(JsonNode value) {
    return OffsetDateTime.parse(value.asText()).toInstant();
  }

  private static String text(JsonNode value) {
    return value == null || value.isNull() ? null : value.asText();
  }

  /** One row's values as text, each in one spelling whoever read it (a decimal with its scale of 2). */
  private static String canonical(long id, String category, BigDecimal amount, double ratio, boolean flag,
      LocalDate day, Instant ts, LocalDateTime logged, String city, String zip) {
    return String.join("|", Long.toString(id), category, amount == null ? "null" : amount.setScale(2).toPlainString(),
        Double.toString(ratio), Boolean.toString(flag), day.toString(), ts.toString(), String.valueOf(logged), city,
        String.valueOf(zip));
  }
}
