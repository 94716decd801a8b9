package io.ailake.data.query;

import static io.ailake.data.query.TableWrites.row;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.ailake.iceberg.Warehouse;
import io.ailake.testing.IcebergClients;
import io.ailake.testing.TestTokens;
import io.ailake.testing.Warehouses;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.net.URL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/** The SQL query route over tables that Iceberg's Java client wrote, with every kind of delete and change. */
@QuarkusTest
class QueryTest {

  static final Schema ORDERS = new Schema(
      Types.NestedField.required(1, "id", Types.LongType.get()),
      Types.NestedField.optional(2, "name", Types.StringType.get()),
      Types.NestedField.optional(3, "amount", Types.DoubleType.get()));

  @TestHTTPResource("/iceberg")
  URL catalog;

  static Response query(Warehouse database, Object body) {
    return given().contentType(ContentType.JSON).body(body)
        .post("/api/v1/ailake/database/instances/" + database.name + "/query");
  }

  static List<Record> orders(Schema schema, long from, long to) {
    List<Record> rows = new ArrayList<>();
    for (long id = from; id < to; id++) {
      rows.add(row(schema, "id", id, "name", "n" + id, "amount", id * 1.5));
    }
    return rows;
  }

  static long sum(long from, long to) {
    return LongStream.range(from, to).sum();
  }

  @Test
  void positionAndEqualityDeletesApplyAndColumnsAreReadByFieldId() throws Exception {
    Warehouse database = Warehouses.local("query");
    try (RESTCatalog client = IcebergClients.connect(catalog, database)) {
      client.createNamespace(Namespace.of("shop"));
      Table table = client.createTable(TableIdentifier.of("shop", "orders"), ORDERS, PartitionSpec.unpartitioned(),
          Map.of("format-version", "2"));
      DataFile first = TableWrites.append(table, orders(ORDERS, 0, 10));
      TableWrites.append(table, orders(ORDERS, 10, 20));
      TableWrites.deletePositions(table, first, 0, 1);
      Schema key = ORDERS.select("id");
      TableWrites.deleteEqual(table, key, List.of(row(key, "id", 15L), row(key, "id", 16L)));
      table.updateSchema().renameColumn("name", "label").deleteColumn("amount")
          .addColumn("note", Types.StringType.get()).commit();
      table.refresh();
      TableWrites.append(table, List.of(row(table.schema(), "id", 20L, "label", "late", "note", "added later")));
    }

    query(database, Map.of("sql", "SELECT count(*) AS n, sum(id) AS total FROM shop.orders"))
        .then().statusCode(200)
        .body("columns[0].name", equalTo("n"))
        .body("columns[0].type", equalTo("BIGINT"))
        .body("rows[0][0]", equalTo(17))
        .body("rows[0][1]", equalTo((int) (sum(0, 21) - 0 - 1 - 15 - 16)))
        .body("rowCount", equalTo(1))
        .body("truncated", equalTo(false));

    Response rows = query(database, Map.of("sql", "SELECT * FROM shop.orders WHERE id IN (2, 20) ORDER BY id"));
    rows.then().statusCode(200);
    assertThat(rows.jsonPath().getList("columns.name")).containsExactly("id", "label", "note");
    assertThat(rows.jsonPath().getList("rows")).containsExactly(java.util.Arrays.asList(2, "n2", null), List.of(20, "late", "added later"));
    assertThat(rows.jsonPath().getMap("snapshots")).containsOnlyKeys("shop.orders");
  }

  @Test
  void aFileWithoutFieldIdsIsReadThroughTheTablesNameMapping() throws Exception {
    Warehouse database = Warehouses.local("query");
    try (RESTCatalog client = IcebergClients.connect(catalog, database)) {
      client.createNamespace(Namespace.of("shop"));
      Table table = client.createTable(TableIdentifier.of("shop", "orders"), ORDERS);
      TableWrites.append(table, orders(ORDERS, 0, 2));
      // a file another tool wrote, without field ids, whose name column was still called old_name
      String location = table.location() + "/data/legacy.parquet";
      java.nio.file.Path file = io.ailake.storage.LocalFileIO.parse(location);
      java.nio.file.Files.createDirectories(file.getParent());
      try (java.sql.Connection duck = java.sql.DriverManager.getConnection("jdbc:duckdb:")) {
        duck.createStatement().execute("COPY (SELECT 100::BIGINT AS id, 'legacy' AS old_name) TO '" + file + "'");
      }
      table.updateProperties().set("schema.name-mapping.default", org.apache.iceberg.mapping.NameMappingParser.toJson(
          org.apache.iceberg.mapping.NameMapping.of(
              org.apache.iceberg.mapping.MappedField.of(1, "id"),
              org.apache.iceberg.mapping.MappedField.of(2, List.of("name", "old_name")),
              org.apache.iceberg.mapping.MappedField.of(3, "amount")))).commit();
      table.newAppend().appendFile(org.apache.iceberg.DataFiles.builder(PartitionSpec.unpartitioned())
          .withPath(location).withFileSizeInBytes(java.nio.file.Files.size(file)).withRecordCount(1)
          .withFormat(org.apache.iceberg.FileFormat.PARQUET).build()).commit();
      // an equality delete applies to both files: both are read with their row positions then
      Schema key = ORDERS.select("id");
      TableWrites.deleteEqual(table, key, List.of(row(key, "id", 1L)));
    }

    Response rows = query(database, Map.of("sql", "SELECT id, name, amount FROM shop.orders ORDER BY id"));
    rows.then().statusCode(200);
    assertThat(rows.jsonPath().getList("rows")).containsExactly(List.of(0, "n0", 0.0f),
        java.util.Arrays.asList(100, "legacy", null));
  }

  @Test
  void aTableWhoseDataFileIsNoParquetIsAConflictThatShowsNoServerPath() {
    Warehouse database = Warehouses.local("query");
    IcebergClients.tableWithOneDataFile(catalog, database); // ns.orders: 64 zero bytes as its data file

    query(database, Map.of("sql", "SELECT * FROM ns.orders")).then().statusCode(409)
        .body("detail", containsString("cannot be read"))
        .body("detail", org.hamcrest.Matchers.not(containsString("test-warehouses")));
  }

  @Test
  void deletionVectorsOfAFormatV3TableApply() throws Exception {
    Warehouse database = Warehouses.local("query");
    try (RESTCatalog client = IcebergClients.connect(catalog, database)) {
      client.createNamespace(Namespace.of("shop"));
      Table table = client.createTable(TableIdentifier.of("shop", "orders"), ORDERS, PartitionSpec.unpartitioned(),
          Map.of("format-version", "3"));
      DataFile file = TableWrites.append(table, orders(ORDERS, 0, 10));
      TableWrites.deletionVector(table, file, 3, 4, 9);
    }

    query(database, Map.of("sql", "SELECT count(*), sum(id) FROM shop.orders"))
        .then().statusCode(200)
        .body("rows[0][0]", equalTo(7))
        .body("rows[0][1]", equalTo((int) (sum(0, 10) - 3 - 4 - 9)));
  }

  @Test
  void aSingleTableQueryReadsOnlyTheFilesItsPredicatesCanMatch() throws Exception {
    Schema sales = new Schema(
        Types.NestedField.required(1, "id", Types.LongType.get()),
        Types.NestedField.required(2, "region", Types.StringType.get()));
    Warehouse database = Warehouses.s3("query");
    try (RESTCatalog client = IcebergClients.connect(catalog, database)) {
      client.createNamespace(Namespace.of("shop"));
      Table table = client.createTable(TableIdentifier.of("shop", "sales"), sales,
          PartitionSpec.builderFor(sales).identity("region").build());
      long id = 0;
      for (String region : List.of("eu", "us", "apac")) {
        List<Record> rows = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          rows.add(row(sales, "id", id++, "region", region));
        }
        TableWrites.append(table, rows);
      }
    }

    query(database, Map.of("sql", "SELECT count(*), min(id) FROM shop.sales s WHERE s.region = 'us'"))
        .then().statusCode(200)
        .body("rows[0][0]", equalTo(5))
        .body("rows[0][1]", equalTo(5))
        .body("filesScanned.'shop.sales'", equalTo(1));
    query(database, Map.of("sql", "SELECT count(*) FROM shop.sales WHERE id >= 10 AND region <> 'eu'"))
        .then().statusCode(200)
        .body("rows[0][0]", equalTo(5))
        .body("filesScanned.'shop.sales'", equalTo(1));
    query(database, Map.of("sql", "SELECT count(*) FROM shop.sales WHERE region = 'us' OR id = 0"))
        .then().statusCode(200)
        .body("rows[0][0]", equalTo(6))
        .body("filesScanned.'shop.sales'", equalTo(3));
  }

  @Test
  void timeTravelBySnapshotTagAndTimestamp() throws Exception {
    Warehouse database = Warehouses.local("query");
    long first;
    long second;
    long firstAt;
    try (RESTCatalog client = IcebergClients.connect(catalog, database)) {
      client.createNamespace(Namespace.of("shop"));
      Table table = client.createTable(TableIdentifier.of("shop", "orders"), ORDERS);
      TableWrites.append(table, orders(ORDERS, 0, 3));
      first = table.currentSnapshot().snapshotId();
      firstAt = table.currentSnapshot().timestampMillis();
      table.manageSnapshots().createTag("v1", first).commit();
      sleepPast(firstAt);
      TableWrites.append(table, orders(ORDERS, 3, 10));
      second = table.currentSnapshot().snapshotId();
    }
    String sql = "SELECT count(*) FROM shop.orders";

    query(database, Map.of("sql", sql)).then().statusCode(200)
        .body("rows[0][0]", equalTo(10)).body("snapshots.'shop.orders'", equalTo(second));
    query(database, Map.of("sql", sql, "asOf", Map.of("snapshotId", first))).then().statusCode(200)
        .body("rows[0][0]", equalTo(3)).body("snapshots.'shop.orders'", equalTo(first));
    query(database, Map.of("sql", sql, "asOf", Map.of("tag", "v1"))).then().statusCode(200)
        .body("rows[0][0]", equalTo(3));
    query(database, Map.of("sql", sql, "asOf", Map.of("timestamp", Instant.ofEpochMilli(firstAt).toString())))
        .then().statusCode(200).body("rows[0][0]", equalTo(3));
    query(database, Map.of("sql", sql, "asOf", Map.of("timestamp", firstAt))).then().statusCode(200)
        .body("rows[0][0]", equalTo(3));
    query(database, Map.of("sql", sql, "asOf", Map.of("shop.orders", Map.of("snapshotId", first))))
        .then().statusCode(200).body("rows[0][0]", equalTo(3));

    query(database, Map.of("sql", sql, "asOf", Map.of("snapshotId", 12345))).then().statusCode(404)
        .body("detail", containsString("no snapshot 12345"));
    query(database, Map.of("sql", sql, "asOf", Map.of("tag", "nope"))).then().statusCode(404)
        .body("detail", containsString("'nope'"));
    query(database, Map.of("sql", sql, "asOf", Map.of("timestamp", "2001-01-01T00:00:00Z"))).then().statusCode(404);
    query(database, Map.of("sql", sql, "asOf", Map.of("timestamp", "yesterday"))).then().statusCode(400);
    query(database, Map.of("sql", sql, "asOf", Map.of("other.table", Map.of("tag", "v1")))).then().statusCode(400)
        .body("detail", containsString("does not read"));
  }

  private static void sleepPast(long millis) {
    while (System.currentTimeMillis() <= millis + 1) {
      Thread.onSpinWait();
    }
  }

  @Test
  void ndjsonAndCsvAnswersWhenTheAcceptHeaderAsksForThem() throws Exception {
    Warehouse database = Warehouses.local("query");
    try (RESTCatalog client = IcebergClients.connect(catalog, database)) {
      client.createNamespace(Namespace.of("shop"));
      Table table = client.createTable(TableIdentifier.of("shop", "orders"), ORDERS);
      TableWrites.append(table, List.of(row(ORDERS, "id", 1L, "name", "plain", "amount", 2.5),
          row(ORDERS, "id", 2L, "name", "with, \"quotes\"", "amount", null)));
    }
    String sql = "SELECT id, name, amount FROM shop.orders ORDER BY id";

    given().contentType(ContentType.JSON).accept("application/x-ndjson").body(Map.of("sql", sql))
        .post("/api/v1/ailake/database/instances/" + database.name + "/query")
        .then().statusCode(200).contentType(containsString("application/x-ndjson"))
        .header("X-Ailake-Truncated", "false")
        .body(equalTo("{\"id\":1,\"name\":\"plain\",\"amount\":2.5}\n{\"id\":2,\"name\":\"with, \\\"quotes\\\"\",\"amount\":null}\n"));
    given().contentType(ContentType.JSON).accept("text/csv").body(Map.of("sql", sql, "maxRows", 1))
        .post("/api/v1/ailake/database/instances/" + database.name + "/query")
        .then().statusCode(200).contentType(containsString("text/csv"))
        .header("X-Ailake-Truncated", "true")
        .body(equalTo("id,name,amount\r\n1,plain,2.5\r\n"));
    given().contentType(ContentType.JSON).accept("text/csv").body(Map.of("sql", sql))
        .post("/api/v1/ailake/database/instances/" + database.name + "/query")
        .then().statusCode(200).body(containsString("2,\"with, \"\"quotes\"\"\",\r\n"));
  }

  @Test
  void rowsAreCappedAndALongQueryIsCancelledAtItsTimeout() throws Exception {
    Warehouse database = Warehouses.local("query");
    try (RESTCatalog client = IcebergClients.connect(catalog, database)) {
      client.createNamespace(Namespace.of("shop"));
      Table table = client.createTable(TableIdentifier.of("shop", "orders"), ORDERS);
      TableWrites.append(table, orders(ORDERS, 0, 10));
    }

    query(database, Map.of("sql", "SELECT id FROM shop.orders ORDER BY id", "maxRows", 3)).then().statusCode(200)
        .body("rowCount", equalTo(3)).body("truncated", equalTo(true)).body("rows[2][0]", equalTo(2));
    query(database, Map.of("sql", "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 1000000000)"
        + " SELECT count(*) FROM r", "timeoutMs", 300)).then().statusCode(408)
        .body("detail", containsString("300 ms"));
    query(database, "{\"sql\": \"SELECT 1 -- " + "x".repeat(1_100_000) + "\"}").then().statusCode(413);
    query(database, Map.of("sql", "SELECT 1", "maxRows", -1)).then().statusCode(400);
    query(database, Map.of("sql", "SELECT 1", "unknown", 1)).then().statusCode(400);
    query(database, Map.of("sql", "SELEC 1")).then().statusCode(400).body("detail", containsString("syntax error"));
    // an error found while the rows are read, not when the SQL is bound, keeps DuckDB's words too
    query(database, Map.of("sql", "SELECT CAST(name AS INTEGER) FROM shop.orders")).then().statusCode(400)
        .body("detail", containsString("'n0'"));
    query(database, Map.of("sql", "SELECT nope FROM shop.orders")).then().statusCode(400)
        .body("detail", containsString("nope"))
        .body("detail", org.hamcrest.Matchers.not(containsString("/")));
  }

  @Test
  void aReadTokenMayQueryAndAnotherOrganizationSeesNothing() throws Exception {
    Warehouse database = Warehouses.local("query");
    Warehouse other = Warehouses.local("query_other");
    try (RESTCatalog client = IcebergClients.connect(catalog, database);
        RESTCatalog otherClient = IcebergClients.connect(catalog, other)) {
      client.createNamespace(Namespace.of("shop"));
      TableWrites.append(client.createTable(TableIdentifier.of("shop", "orders"), ORDERS), orders(ORDERS, 0, 4));
      otherClient.createNamespace(Namespace.of("hidden"));
      TableWrites.append(otherClient.createTable(TableIdentifier.of("hidden", "t"), ORDERS), orders(ORDERS, 0, 4));
    }
    Map<String, String> tokens = HostileSqlTest.organizationTokens();

    given().header("Authorization", TestTokens.bearer(HostileSqlTest.readToken())).contentType(ContentType.JSON)
        .body(Map.of("sql", "SELECT count(*) FROM shop.orders"))
        .post("/api/v1/ailake/database/instances/" + database.name + "/query")
        .then().statusCode(200).body("rows[0][0]", equalTo(4));
    given().header("Authorization", TestTokens.bearer(tokens.get("admin"))).contentType(ContentType.JSON)
        .body(Map.of("sql", "SELECT count(*) FROM shop.orders"))
        .post("/api/v1/ailake/database/instances/" + database.name + "/query")
        .then().statusCode(404);
    // a table of another database of the same organization is not a table of this one
    query(database, Map.of("sql", "SELECT count(*) FROM hidden.t")).then().statusCode(404);
    query(database, Map.of("sql", "SELECT count(*) FROM " + other.name + ".hidden.t")).then().statusCode(400);
  }
}
