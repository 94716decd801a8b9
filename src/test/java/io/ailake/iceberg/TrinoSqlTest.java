package io.ailake.iceberg;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ailake.organization.Organizations;
import io.ailake.storage.FileIOs;
import io.ailake.testing.Eventually;
import io.ailake.testing.TestTokens;
import io.ailake.testing.TrinoServer;
import io.ailake.testing.Warehouses;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Trino 476 (its own process, see {@link TrinoServer}) through the catalog on an S3 warehouse, with the
 * catalog properties the README gives: a partitioned v2 table, DML, schema changes, the $snapshots table,
 * time travel, a view, optimize, expire_snapshots and the drops, each step checked by its rows and, where
 * the catalog's side matters, through our REST API.
 */
@QuarkusTest
class TrinoSqlTest {

  private static final Logger LOG = Logger.getLogger(TrinoSqlTest.class);
  private static final String EVENTS = "lake.s.events";

  @TestHTTPResource("/iceberg")
  URL catalog;

  @Inject FileIOs fileIOs;

  private TrinoServer trino;
  private Statement sql;

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void trinoRunsTheIcebergSqlLifecycleThroughTheCatalog() throws Exception {
    Warehouse warehouse = Warehouses.s3("trino");
    String rest = "/iceberg/v1/" + warehouse.name;
    long started = System.nanoTime();
    Map<String, Map<String, String>> catalogs = Map.of(
        "lake", lakeCatalog(warehouse, Map.of("iceberg.rest-catalog.oauth2.token", TestTokens.defaultAdmin())),
        "lake_reader", lakeCatalog(warehouse, Map.of("iceberg.rest-catalog.oauth2.credential", readCredential())));
    try (TrinoServer server = TrinoServer.start(Path.of("target", "trino"), catalogs);
        Connection connection = server.connect("lake");
        Statement statement = connection.createStatement()) {
      trino = server;
      sql = statement;
      sql.setQueryTimeout(300);
      LOG.infof("Trino %s runs queries after %d s; its log: %s", TrinoServer.VERSION,
          seconds(started), server.log());

      String schemaLocation = warehouse.location + "/s";
      step("CREATE SCHEMA", () -> {
        sql.execute("CREATE SCHEMA lake.s");
        assertThat(given().get(rest + "/namespaces/s").then().statusCode(200).extract().jsonPath()
            .getString("properties.location")).as("the namespace's location").isEqualTo(schemaLocation);
        assertThat(single("SHOW CREATE SCHEMA lake.s")).as("Trino's view of the schema")
            .contains("location = '" + schemaLocation + "'");
      });

      step("CREATE TABLE partitioned by category and day(ts), format v2", () -> {
        sql.execute("CREATE TABLE " + EVENTS + " (id BIGINT, category VARCHAR, amount DOUBLE, ts TIMESTAMP(6))"
            + " WITH (partitioning = ARRAY['category', 'day(ts)'], format_version = 2)");
        JsonPath table = table(rest);
        assertThat(table.getInt("metadata.format-version")).isEqualTo(2);
        assertThat(table.getList("metadata.partition-specs[0].fields.transform", String.class))
            .containsExactly("identity", "day");
        assertThat(table.getString("metadata.location")).as("the table lives under its schema's location")
            .startsWith(schemaLocation + "/events");
      });

      step("INSERT", () -> assertThat(sql.executeLargeUpdate("INSERT INTO " + EVENTS + " VALUES"
          + " (1, 'books', 10.5, TIMESTAMP '2024-03-01 09:00:00.000001'),"
          + " (2, 'games', 20.0, TIMESTAMP '2024-03-01 18:30:00'),"
          + " (3, 'books', 30.0, TIMESTAMP '2024-03-02 12:00:00')")).isEqualTo(3));
      List<String> inserted = List.of(
          "1|books|10.5|2024-03-01 09:00:00.000001",
          "2|games|20.0|2024-03-01 18:30:00.000000",
          "3|books|30.0|2024-03-02 12:00:00.000000");
      String[] insertSnapshot = new String[2]; // snapshot id, committed_at

      step("SELECT", () -> {
        assertThat(rows("SELECT id, category, amount, ts FROM " + EVENTS + " ORDER BY id")).isEqualTo(inserted);
        assertThat(rows("SELECT category, sum(amount) FROM " + EVENTS + " GROUP BY category ORDER BY 1"))
            .containsExactly("books|40.5", "games|20.0");
        assertThat(rows("SELECT id FROM " + EVENTS + " WHERE ts >= TIMESTAMP '2024-03-02 00:00:00'"))
            .as("a filter on the day partition").containsExactly("3");
        List<String> last = rows("SELECT snapshot_id, committed_at FROM \"lake\".\"s\".\"events$snapshots\""
            + " ORDER BY committed_at DESC LIMIT 1");
        assertThat(last).hasSize(1);
        String[] parts = last.get(0).split("\\|");
        insertSnapshot[0] = parts[0];
        insertSnapshot[1] = parts[1];
      });

      step("UPDATE", () -> {
        assertThat(sql.executeLargeUpdate("UPDATE " + EVENTS + " SET amount = amount * 2 WHERE category = 'books'"))
            .isEqualTo(2);
        assertThat(amounts()).containsExactly("1|21.0", "2|20.0", "3|60.0");
      });

      step("DELETE", () -> {
        assertThat(sql.executeLargeUpdate("DELETE FROM " + EVENTS + " WHERE id = 2")).isEqualTo(1);
        assertThat(amounts()).containsExactly("1|21.0", "3|60.0");
      });

      step("MERGE", () -> {
        assertThat(sql.executeLargeUpdate("MERGE INTO " + EVENTS + " t USING (VALUES"
            + " (1, 'books', 5.0, TIMESTAMP '2024-03-01 09:00:00.000001'),"
            + " (4, 'music', 40.0, TIMESTAMP '2024-03-03 08:00:00')) AS u (id, category, amount, ts)"
            + " ON t.id = u.id"
            + " WHEN MATCHED THEN UPDATE SET amount = t.amount + u.amount"
            + " WHEN NOT MATCHED THEN INSERT (id, category, amount, ts) VALUES (u.id, u.category, u.amount, u.ts)"))
            .isEqualTo(2);
        assertThat(amounts()).containsExactly("1|26.0", "3|60.0", "4|40.0");
      });

      step("ALTER TABLE ADD COLUMN", () -> {
        sql.execute("ALTER TABLE " + EVENTS + " ADD COLUMN note VARCHAR");
        assertThat(sql.executeLargeUpdate("INSERT INTO " + EVENTS + " (id, category, amount, ts, note)"
            + " VALUES (5, 'music', 50.0, TIMESTAMP '2024-03-03 20:00:00', 'gift')")).isEqualTo(1);
        assertThat(rows("SELECT id, note FROM " + EVENTS + " ORDER BY id"))
            .containsExactly("1|null", "3|null", "4|null", "5|gift");
      });

      step("ALTER TABLE RENAME COLUMN", () -> {
        sql.execute("ALTER TABLE " + EVENTS + " RENAME COLUMN note TO remark");
        assertThat(rows("SELECT remark FROM " + EVENTS + " WHERE id = 5")).containsExactly("gift");
        assertThat(currentColumns(rest))
            .as("the catalog's current schema").containsExactly("id", "category", "amount", "ts", "remark");
      });

      step("ALTER TABLE DROP COLUMN", () -> {
        sql.execute("ALTER TABLE " + EVENTS + " DROP COLUMN remark");
        assertThat(rows("SELECT column_name FROM lake.information_schema.columns"
            + " WHERE table_schema = 's' AND table_name = 'events' ORDER BY ordinal_position"))
            .containsExactly("id", "category", "amount", "ts");
      });

      step("SELECT FROM \"events$snapshots\"", () -> {
        List<String> snapshots = rows("SELECT snapshot_id, coalesce(CAST(parent_id AS varchar), 'none'), operation"
            + " FROM \"lake\".\"s\".\"events$snapshots\" ORDER BY committed_at");
        List<String[]> columns = snapshots.stream().map(row -> row.split("\\|")).toList();
        // Trino's CREATE TABLE commits an empty append; then INSERT, UPDATE, DELETE, MERGE, INSERT
        assertThat(columns).as(String.join("\n", snapshots)).extracting(c -> c[2])
            .containsExactly("append", "append", "overwrite", "delete", "overwrite", "append");
        for (int i = 0; i < columns.size(); i++) {
          assertThat(columns.get(i)[1]).as("the parent of snapshot " + i)
              .isEqualTo(i == 0 ? "none" : columns.get(i - 1)[0]);
        }
        List<String> ids = columns.stream().map(c -> c[0]).toList();
        assertThat(ids.get(1)).as("the INSERT's snapshot").isEqualTo(insertSnapshot[0]);
        JsonPath table = table(rest);
        assertThat(table.getList("metadata.snapshots.snapshot-id", Long.class))
            .as("the snapshots the catalog holds").map(String::valueOf).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(String.valueOf(table.getLong("metadata.current-snapshot-id"))).isEqualTo(ids.get(ids.size() - 1));
      });

      step("FOR VERSION AS OF the INSERT's snapshot", () -> assertThat(
          rows("SELECT id, category, amount, ts FROM " + EVENTS + " FOR VERSION AS OF " + insertSnapshot[0]
              + " ORDER BY id")).isEqualTo(inserted));

      step("FOR TIMESTAMP AS OF the INSERT's commit time", () -> assertThat(
          rows("SELECT id, category, amount, ts FROM " + EVENTS + " FOR TIMESTAMP AS OF TIMESTAMP '"
              + insertSnapshot[1] + "' ORDER BY id")).isEqualTo(inserted));

      step("a catalog with a read token's credential reads, and its ALTER TABLE is refused", () -> {
        assertThat(rows("SELECT id, amount FROM lake_reader.s.events ORDER BY id"))
            .containsExactly("1|26.0", "3|60.0", "4|40.0", "5|50.0");
        assertThatThrownBy(() -> sql.execute("ALTER TABLE lake_reader.s.events ADD COLUMN stray VARCHAR"))
            .isInstanceOf(SQLException.class).hasMessageContaining("Forbidden");
        assertThat(currentColumns(rest))
            .containsExactly("id", "category", "amount", "ts");
      });

      step("CREATE VIEW and SELECT from it", () -> {
        sql.execute("CREATE VIEW lake.s.big_events AS SELECT id, category, amount FROM " + EVENTS
            + " WHERE amount >= 40");
        assertThat(rows("SELECT * FROM lake.s.big_events ORDER BY id"))
            .containsExactly("3|books|60.0", "4|music|40.0", "5|music|50.0");
        JsonPath view = given().get(rest + "/namespaces/s/views/big_events").then().statusCode(200)
            .extract().jsonPath();
        assertThat(view.getString("metadata.versions[-1].representations[0].dialect"))
            .as("an Iceberg view in the catalog, in Trino's dialect").isEqualTo("trino");
      });

      List<String> beforeOptimize = List.of("1|26.0", "3|60.0", "4|40.0", "5|50.0");
      step("ALTER TABLE EXECUTE optimize", () -> {
        sql.execute("ALTER TABLE " + EVENTS + " EXECUTE optimize");
        assertThat(amounts()).isEqualTo(beforeOptimize);
        assertThat(single("SELECT operation FROM \"lake\".\"s\".\"events$snapshots\""
            + " ORDER BY committed_at DESC LIMIT 1")).as("the last commit").isEqualTo("replace");
        // one data file per partition left (books/03-01, books/03-02, music/03-03), and no delete files
        assertThat(rows("SELECT content FROM \"lake\".\"s\".\"events$files\""))
            .containsExactly("0", "0", "0");
      });

      step("ALTER TABLE EXECUTE expire_snapshots(retention_threshold => '0s')", () -> {
        sql.execute("ALTER TABLE " + EVENTS + " EXECUTE expire_snapshots(retention_threshold => '0s')");
        List<String> left = rows("SELECT snapshot_id FROM \"lake\".\"s\".\"events$snapshots\"");
        assertThat(left).as("only the current snapshot").hasSize(1);
        JsonPath table = table(rest);
        assertThat(table.getList("metadata.snapshots.snapshot-id", Long.class)).map(String::valueOf)
            .as("the catalog's snapshots").containsExactlyElementsOf(left);
        assertThat(String.valueOf(table.getLong("metadata.current-snapshot-id"))).isEqualTo(left.get(0));
        assertThat(amounts()).isEqualTo(beforeOptimize);
      });

      step("CREATE SCHEMA WITH (location) and CREATE TABLE AS SELECT into it", () -> {
        String custom = warehouse.location + "/elsewhere/custom";
        sql.execute("CREATE SCHEMA lake.custom WITH (location = '" + custom + "')");
        assertThat(given().get(rest + "/namespaces/custom").then().statusCode(200).extract().jsonPath()
            .getString("properties.location")).isEqualTo(custom);
        assertThat(sql.executeLargeUpdate("CREATE TABLE lake.custom.totals AS"
            + " SELECT category, sum(amount) AS total FROM " + EVENTS + " GROUP BY category")).isEqualTo(2);
        assertThat(rows("SELECT category, total FROM lake.custom.totals ORDER BY category"))
            .containsExactly("books|86.0", "music|90.0");
        assertThat(given().get(rest + "/namespaces/custom/tables/totals").then().statusCode(200).extract()
            .jsonPath().getString("metadata.location")).startsWith(custom + "/totals");
        sql.execute("DROP TABLE lake.custom.totals");
        sql.execute("DROP SCHEMA lake.custom");
        given().get(rest + "/namespaces/custom").then().statusCode(404);
      });

      step("DROP VIEW", () -> {
        sql.execute("DROP VIEW lake.s.big_events");
        given().get(rest + "/namespaces/s/views/big_events").then().statusCode(404);
      });

      step("DROP TABLE", () -> {
        String location = table(rest).getString("metadata.location");
        sql.execute("DROP TABLE " + EVENTS);
        given().get(rest + "/namespaces/s/tables/events").then().statusCode(404);
        Eventually.within(Duration.ofSeconds(60), () ->
            assertThat(filesUnder(warehouse, location)).as("the table's files, purged").isEmpty());
      });

      step("DROP SCHEMA", () -> {
        sql.execute("DROP SCHEMA lake.s");
        given().get(rest + "/namespaces/s").then().statusCode(404);
        assertThat(rows("SHOW SCHEMAS FROM lake")).doesNotContain("s");
      });
      LOG.infof("Trino's steps all passed, %d s in all", seconds(started));
    }
  }

  /**
   * The catalog file an operator writes for Trino (the README's Trino configuration), with a token or a
   * credential ({@code <token id>:<token secret>}) that Trino exchanges at our token endpoint.
   */
  private Map<String, String> lakeCatalog(Warehouse warehouse, Map<String, String> secret) {
    Map<String, String> more = new LinkedHashMap<>(secret);
    more.put("iceberg.rest-catalog.oauth2.server-uri", catalog + "/v1/oauth/tokens");
    // the test expires every snapshot but the current one; Trino's floor is 7 days otherwise
    more.put("iceberg.expire-snapshots.min-retention", "0s");
    return TrinoServer.restCatalogOnS3(catalog.toString(), warehouse.name, more);
  }

  /** A read token of the default organization, as {@code <token id>:<token secret>}. */
  private static String readCredential() {
    JsonPath token = given().contentType(ContentType.JSON)
        .body(Map.of("name", "trino-reader-" + UUID.randomUUID(), "role", "read"))
        .post("/api/v1/admin/organizations/" + Organizations.DEFAULT_ID + "/tokens")
        .then().statusCode(201).extract().jsonPath();
    return token.getString("id") + ":" + token.getString("token");
  }

  private interface Body {
    void run() throws Exception;
  }

  /** One step of the lifecycle: a failure names the step and where Trino's log is. */
  private void step(String name, Body body) {
    long started = System.nanoTime();
    try {
      TrinoServer.scheduled(() -> {
        body.run();
        return null;
      });
    } catch (AssertionError | Exception e) {
      throw new AssertionError("Trino step '" + name + "' failed: " + e.getMessage()
          + "\nTrino's log: " + trino.log().toAbsolutePath(), e);
    }
    LOG.infof("Trino step '%s' passed in %d ms", name, (System.nanoTime() - started) / 1_000_000);
  }

  private List<String> amounts() throws SQLException {
    return rows("SELECT id, amount FROM " + EVENTS + " ORDER BY id");
  }

  /** Each row as its columns' text joined by '|'. */
  private List<String> rows(String query) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (ResultSet result = sql.executeQuery(query)) {
      ResultSetMetaData columns = result.getMetaData();
      while (result.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= columns.getColumnCount(); i++) {
          row.add(result.getString(i));
        }
        rows.add(String.join("|", row));
      }
    }
    return rows;
  }

  private String single(String query) throws SQLException {
    List<String> rows = rows(query);
    assertThat(rows).as(query).hasSize(1);
    return rows.get(0);
  }

  private static JsonPath table(String rest) {
    return given().get(rest + "/namespaces/s/tables/events").then().statusCode(200).extract().jsonPath();
  }

  /** The column names of the table's current schema, as the catalog holds it. */
  private static List<String> currentColumns(String rest) {
    JsonPath table = table(rest);
    return table.getList("metadata.schemas.find { it.'schema-id' == "
        + table.getInt("metadata.current-schema-id") + " }.fields.name", String.class);
  }

  private List<String> filesUnder(Warehouse warehouse, String location) {
    SupportsPrefixOperations io = (SupportsPrefixOperations) fileIOs.forStorage(warehouse.storage());
    return StreamSupport.stream(io.listPrefix(location + "/").spliterator(), false)
        .map(file -> file.location())
        .toList();
  }

  private static long seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000_000;
  }
}
