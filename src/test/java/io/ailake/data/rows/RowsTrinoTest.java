package io.ailake.data.rows;

import static org.assertj.core.api.Assertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.ailake.iceberg.Warehouse;
import io.ailake.testing.TestTokens;
import io.ailake.testing.TrinoServer;
import io.ailake.testing.Warehouses;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.HexFormat;
import java.net.URL;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rows inserted, updated and deleted over REST read by Trino 476 through the catalog with the same count
 * and checksums as Iceberg's generic reader gives, in copy-on-write and merge-on-read (position deletes);
 * rows Trino inserts are changed over REST; and a table Trino wrote, updated, deleted from and evolved
 * (an added and a renamed column) reads through the query route as Trino's own SELECT reads it; a sync's
 * NDJSON rows read by Trino right after the sync's end as by the query route. One Trino serves the tests.
 */
@QuarkusTest
class RowsTrinoTest {

  private static Warehouse warehouse;
  private static TrinoServer server;
  private static Connection connection;
  private static Statement statement;

  @TestHTTPResource("/iceberg")
  URL catalog;

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void trinoReadsWhatTheRowRoutesCommitted() throws Exception {
    Warehouse warehouse = warehouse();
    List<String> tables = List.of("cow", "mor");
    for (String table : tables) {
      Map<String, String> properties = table.equals("cow") ? Map.of(TableProperties.FORMAT_VERSION, "2")
          : Map.of(TableProperties.FORMAT_VERSION, "2", TableProperties.UPDATE_MODE, "merge-on-read",
              TableProperties.DELETE_MODE, "merge-on-read");
      RowTables.create(catalog, warehouse, "s", table, RowChangesTest.ORDERS,
          PartitionSpec.builderFor(RowChangesTest.ORDERS).identity("day").build(), properties);
      String rows = IntStream.rangeClosed(1, 500).mapToObj(id -> String.format(
              "{\"id\": %d, \"status\": \"%s\", \"amount\": \"%d.%02d\", \"day\": \"2024-01-%02d\","
                  + " \"customer\": {\"country\": \"%s\"}}",
              id, id % 3 == 0 ? "open" : "closed", id, id % 100, id % 5 + 1, id % 2 == 0 ? "CZ" : "DE"))
          .collect(Collectors.joining("\n"));
      RowTables.insert(warehouse, "s", table, "application/x-ndjson", rows).then().statusCode(201);
      RowTables.update(warehouse, "s", table, Map.of("where", "status = 'open' AND customer.country = 'CZ'",
          "set", Map.of("status", "done", "amount", 1))).then().statusCode(200).body("rowsUpdated", equalTo(83));
      RowTables.delete(warehouse, "s", table, Map.of("where", "id BETWEEN 100 AND 199 OR day = DATE '2024-01-05'"))
          .then().statusCode(200);
    }

    Statement sql = trino();
    for (String table : tables) {
      assertThat(TrinoServer.scheduled(() -> trino(sql, table))).as(table).isEqualTo(iceberg(warehouse, table));
    }

    // Trino's own insert, then a delete over REST, seen by both
    TrinoServer.scheduled(() -> sql.executeUpdate(
        "INSERT INTO lake.s.mor (id, status, amount, day) VALUES (1000, 'trino', 2.50, DATE '2024-02-01')"));
    RowTables.delete(warehouse, "s", "mor", Map.of("where", "status = 'trino' OR id < 10"))
        .then().statusCode(200).body("rowsDeleted", equalTo(8));
    assertThat(trino(sql, "mor")).isEqualTo(iceberg(warehouse, "mor"));
  }

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void theQueryRouteReadsWhatTrinoWroteUpdatedDeletedAndEvolved() throws Exception {
    Warehouse warehouse = warehouse();
    Statement sql = trino();
    String table = "lake.t.evolved";
    TrinoServer.scheduled(() -> sql.executeUpdate("CREATE SCHEMA IF NOT EXISTS lake.t"));
    sql.executeUpdate("CREATE TABLE " + table + " (id bigint, name varchar, amount decimal(12, 2), day date,"
        + " ts timestamp(6)) WITH (format_version = 2, partitioning = ARRAY['day'])");
    sql.executeUpdate("INSERT INTO " + table + " SELECT i, 'n' || CAST(i AS varchar),"
        + " CAST(i * 1.25 AS decimal(12, 2)), DATE '2024-01-01' + i % 6 * INTERVAL '1' DAY,"
        + " TIMESTAMP '2024-03-01 00:00:00' + i * INTERVAL '61' MINUTE + i * INTERVAL '0.001' SECOND"
        + " FROM UNNEST(sequence(1, 300)) AS r(i)");
    // row-level changes by position deletes (Trino's merge-on-read), one across every partition
    sql.executeUpdate("UPDATE " + table + " SET amount = amount + 100, name = 'u' || name WHERE id % 4 = 0");
    sql.executeUpdate("DELETE FROM " + table + " WHERE id % 7 = 0");
    sql.executeUpdate("ALTER TABLE " + table + " ADD COLUMN note varchar");
    sql.executeUpdate("ALTER TABLE " + table + " RENAME COLUMN name TO label");
    sql.executeUpdate("INSERT INTO " + table + " VALUES (1001, 'late', 7.50, DATE '2024-02-01',"
        + " TIMESTAMP '2024-02-01 12:34:56.789', 'noted'), (1002, NULL, NULL, DATE '2024-01-02', NULL, NULL)");
    sql.executeUpdate("UPDATE " + table + " SET note = 'changed' WHERE id % 5 = 0 OR id = 1002");
    sql.executeUpdate("DELETE FROM " + table + " WHERE label LIKE 'un1%'");

    String select = "SELECT id, label, amount, day, ts, note FROM ";
    List<String> trino = new ArrayList<>();
    try (ResultSet rs = sql.executeQuery(select + table)) {
      while (rs.next()) {
        trino.add(line(rs.getLong(1), rs.getString(2), rs.getBigDecimal(3), rs.getObject(4, LocalDate.class),
            rs.getObject(5, LocalDateTime.class), rs.getString(6)));
      }
    }
    List<String> route = new ArrayList<>();
    List<List<Object>> answered = given().contentType(ContentType.JSON)
        .body(Map.of("sql", select + "t.evolved", "maxRows", 10_000))
        .post("/api/v1/ailake/database/instances/" + warehouse.name + "/query")
        .then().statusCode(200).body("truncated", equalTo(false)).extract().path("rows");
    for (List<Object> row : answered) {
      route.add(line(((Number) row.get(0)).longValue(), (String) row.get(1),
          row.get(2) == null ? null : new BigDecimal(row.get(2).toString()),
          LocalDate.parse((String) row.get(3)),
          row.get(4) == null ? null : LocalDateTime.parse(((String) row.get(4)).replace(' ', 'T')),
          (String) row.get(5)));
    }

    assertThat(trino).hasSizeGreaterThan(200);
    assertThat(figures(route)).isEqualTo(figures(trino));
    assertThat(route).containsExactlyInAnyOrderElementsOf(trino);
  }

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void trinoReadsASyncRightAfterItsEndAsTheQueryRouteDoes() throws Exception {
    Warehouse warehouse = warehouse();
    RowTables.create(catalog, warehouse, "s", "synced", RowChangesTest.ORDERS, RowChangesTest.BY_DAY,
        Map.of(TableProperties.FORMAT_VERSION, "2"));
    List<String> sent = new ArrayList<>();
    StringBuilder ndjson = new StringBuilder();
    for (int id = 1; id <= 300; id++) {
      String status = id % 3 == 0 ? "open" : "closed";
      BigDecimal amount = id % 11 == 0 ? null : new BigDecimal(id).movePointLeft(1).setScale(2);
      LocalDate day = LocalDate.of(2024, 1, id % 6 + 1);
      String country = id % 2 == 0 ? "CZ" : "DE";
      ndjson.append(String.format("{\"id\": %d, \"status\": \"%s\", \"amount\": %s, \"day\": \"%s\","
          + " \"customer\": {\"country\": \"%s\"}}%n", id, status, amount, day, country));
      sent.add(synced(id, status, amount, day, country));
    }
    String syncs = RowTables.BASE + "/" + warehouse.name + "/syncs";
    int sync = given().contentType(ContentType.JSON)
        .body(Map.of("name", "trino", "table", "s.synced", "syncType", "INCREMENTAL", "format", "ndjson"))
        .post(syncs).then().statusCode(201).extract().path("syncId");
    given().multiPart("file", "orders.ndjson", ndjson.toString().getBytes(StandardCharsets.UTF_8),
            "application/x-ndjson")
        .post(syncs + "/" + sync + "/files").then().statusCode(200).body("files[0].status", equalTo("FINISHED"));
    given().post(syncs + "/" + sync + "/end").then().statusCode(200).body("status", equalTo("FINISHED"));

    String select = "SELECT id, status, amount, day, customer.country FROM ";
    Statement sql = trino();
    List<String> trino = TrinoServer.scheduled(() -> {
      List<String> lines = new ArrayList<>();
      try (ResultSet rs = sql.executeQuery(select + "lake.s.synced")) {
        while (rs.next()) {
          lines.add(synced(rs.getLong(1), rs.getString(2), rs.getBigDecimal(3), rs.getObject(4, LocalDate.class),
              rs.getString(5)));
        }
      }
      return lines;
    });
    List<String> route = new ArrayList<>();
    List<List<Object>> answered = given().contentType(ContentType.JSON)
        .body(Map.of("sql", select + "s.synced", "maxRows", 10_000))
        .post("/api/v1/ailake/database/instances/" + warehouse.name + "/query")
        .then().statusCode(200).body("truncated", equalTo(false)).extract().path("rows");
    for (List<Object> row : answered) {
      route.add(synced(((Number) row.get(0)).longValue(), (String) row.get(1),
          row.get(2) == null ? null : new BigDecimal(row.get(2).toString()), LocalDate.parse((String) row.get(3)),
          (String) row.get(4)));
    }

    assertThat(figures(trino)).isEqualTo(figures(route)).isEqualTo(figures(sent));
  }

  /** A synced row's values in one spelling whoever read them. */
  private static String synced(long id, String status, BigDecimal amount, LocalDate day, String country) {
    return String.join("|", Long.toString(id), status, amount == null ? "null" : amount.setScale(2).toPlainString(),
        day.toString(), country);
  }

  /** One row's values in one spelling whoever read them (a decimal with its scale of 2). */
  private static String line(long id, String label, BigDecimal amount, LocalDate day, LocalDateTime ts, String note) {
    return String.join("|", Long.toString(id), String.valueOf(label),
        amount == null ? "null" : amount.setScale(2).toPlainString(), day.toString(), String.valueOf(ts),
        String.valueOf(note));
  }

  /** The count and a SHA-256 of the sorted lines. */
  private static String figures(List<String> lines) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    lines.stream().sorted().forEach(line -> digest.update((line + "\n").getBytes(StandardCharsets.UTF_8)));
    return lines.size() + " rows, sha256 " + HexFormat.of().formatHex(digest.digest());
  }

  /** The test's S3 warehouse, made once for the tests. */
  private static synchronized Warehouse warehouse() {
    if (warehouse == null) {
      warehouse = Warehouses.s3("rows_trino");
    }
    return warehouse;
  }

  /** One Trino for the tests, with this service's catalog as {@code lake}. */
  private synchronized Statement trino() throws Exception {
    if (statement == null) {
      Map<String, String> lake = TrinoServer.restCatalogOnS3(catalog.toString(), warehouse().name,
          Map.of("iceberg.rest-catalog.oauth2.token", TestTokens.defaultAdmin()));
      server = TrinoServer.start(Path.of("target", "trino-rows"), Map.of("lake", lake));
      connection = server.connect("lake");
      statement = connection.createStatement();
      statement.setQueryTimeout(300);
    }
    return statement;
  }

  @AfterAll
  static void stopTrino() throws Exception {
    try (TrinoServer stopped = server; Connection closed = connection; Statement done = statement) {
      server = null;
      connection = null;
      statement = null;
    }
  }

  /** count, sum(id), sum(amount), rows per status, sum of days since the epoch: what Trino reads. */
  private static List<Object> trino(Statement sql, String table) throws SQLException {
    try (ResultSet rs = sql.executeQuery("SELECT count(*), sum(id), sum(amount), count_if(status = 'done'),"
        + " count_if(status = 'open'), sum(day_of_year(day)), count_if(customer.country = 'CZ') FROM lake.s." + table)) {
      rs.next();
      List<Object> values = new ArrayList<>();
      values.add(rs.getLong(1));
      values.add(rs.getLong(2));
      values.add(rs.getBigDecimal(3).stripTrailingZeros());
      values.add(rs.getLong(4));
      values.add(rs.getLong(5));
      values.add(rs.getLong(6));
      values.add(rs.getLong(7));
      return values;
    }
  }

  /** The same figures from Iceberg's generic reader over the catalog. */
  private List<Object> iceberg(Warehouse warehouse, String table) {
    List<Record> rows = RowTables.rows(catalog, warehouse, "s", table);
    return List.of(
        (long) rows.size(),
        rows.stream().mapToLong(r -> (Long) r.getField("id")).sum(),
        rows.stream().map(r -> (BigDecimal) r.getField("amount")).reduce(BigDecimal.ZERO, BigDecimal::add)
            .stripTrailingZeros(),
        rows.stream().filter(r -> "done".equals(r.getField("status"))).count(),
        rows.stream().filter(r -> "open".equals(r.getField("status"))).count(),
        rows.stream().mapToLong(r -> ((LocalDate) r.getField("day")).getDayOfYear()).sum(),
        rows.stream().filter(r -> r.getField("customer") != null
            && "CZ".equals(((Record) r.getField("customer")).getField("country"))).count());
  }
}
