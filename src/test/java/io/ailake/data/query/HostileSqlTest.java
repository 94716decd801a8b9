package io.ailake.data.query;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ailake.iceberg.Warehouse;
import io.ailake.organization.Organizations;
import io.ailake.testing.IcebergClients;
import io.ailake.testing.TestTokens;
import io.ailake.testing.Warehouses;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.junit.jupiter.api.Test;

/**
 * SQL that tries to reach beyond the caller's tables is refused before it runs, and the engine it
 * would run in could not have done it anyway: nothing is read or written.
 */
@QuarkusTest
class HostileSqlTest {

  static final String ORGANIZATIONS = "/api/v1/admin/organizations";

  @TestHTTPResource("/iceberg")
  URL catalog;

  /** A read token of the default organization. */
  static String readToken() {
    return given().header("Authorization", TestTokens.bearer(TestTokens.serverAdmin())).contentType(ContentType.JSON)
        .body(Map.of("name", "reader-" + UUID.randomUUID().toString().substring(0, 6), "role", "read"))
        .post(ORGANIZATIONS + "/" + Organizations.DEFAULT_ID + "/tokens").then().statusCode(201).extract().path("token");
  }

  /** The admin token of a new organization. */
  static Map<String, String> organizationTokens() {
    String admin = TestTokens.bearer(TestTokens.serverAdmin());
    String id = given().header("Authorization", admin).contentType(ContentType.JSON)
        .body(Map.of("name", "org_" + UUID.randomUUID().toString().substring(0, 8))).post(ORGANIZATIONS)
        .then().statusCode(201).extract().path("id");
    Map<String, String> tokens = new HashMap<>();
    tokens.put("admin", given().header("Authorization", admin).contentType(ContentType.JSON)
        .body(Map.of("name", "admin", "role", "admin")).post(ORGANIZATIONS + "/" + id + "/tokens")
        .then().statusCode(201).extract().path("token"));
    return tokens;
  }

  @Test
  void sqlThatReachesBeyondTheDatabasesTablesIsRefusedAndReadsAndWritesNothing() throws Exception {
    Warehouse database = Warehouses.local("hostile");
    try (RESTCatalog client = IcebergClients.connect(catalog, database)) {
      client.createNamespace(Namespace.of("shop"));
      TableWrites.append(client.createTable(TableIdentifier.of("shop", "orders"), QueryTest.ORDERS),
          QueryTest.orders(QueryTest.ORDERS, 0, 3));
    }
    Path written = Path.of("/tmp", "ailake-hostile-" + UUID.randomUUID());
    String target = written.toString();
    List<String> hostile = List.of(
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_csv_auto('/etc/passwd')",
        "SELECT * FROM '/etc/passwd'",
        "SELECT * FROM read_text('/etc/hostname')",
        "SELECT * FROM read_parquet('s3://other/data.parquet')",
        "SELECT * FROM shop.orders o JOIN read_parquet('https://example.com/x.parquet') x ON true",
        "SELECT * FROM glob('/*')",
        "SELECT (SELECT count(*) FROM glob('/*')) FROM shop.orders",
        "COPY (SELECT * FROM shop.orders) TO '" + target + "'",
        "COPY shop.orders FROM '/etc/passwd'",
        "ATTACH '" + target + "' AS x",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "SET allowed_paths = ['/']",
        "RESET lock_configuration",
        "PRAGMA database_list",
        "CALL pragma_database_list()",
        "SELECT 1; SELECT 2",
        "SELECT 1; COPY (SELECT 1) TO '" + target + "'",
        "SELECT 1 /* ; */ ; /* */ COPY (SELECT 1) TO '" + target + "'",
        "SELECT 1 --\n; COPY (SELECT 1) TO '" + target + "'",
        "CREATE TABLE shop.x AS SELECT 1",
        "CREATE VIEW v AS SELECT 1",
        "CREATE MACRO m() AS 1",
        "DROP VIEW shop.orders",
        "INSERT INTO shop.orders VALUES (1, 'x', 1.0)",
        "DELETE FROM shop.orders",
        "UPDATE shop.orders SET id = 0",
        "EXPORT DATABASE '" + target + "'",
        "DESCRIBE shop.orders",
        "SUMMARIZE shop.orders",
        "EXPLAIN SELECT 1",
        "SELECT * FROM duckdb_settings()",
        "SELECT * FROM duckdb_views",
        "SELECT * FROM system.main.duckdb_settings()",
        "SELECT current_setting('allowed_paths')",
        "SELECT * FROM shop.orders AT (VERSION => 1)",
        "SELECT * FROM __ailake.positions_0",
        "SELECT * FROM information_schema.tables",
        "WITH a AS (SELECT * FROM duckdb_tables) SELECT * FROM a",
        "WITH a AS (SELECT * FROM b), b AS (SELECT 1) SELECT * FROM a",
        "SELECT * FROM query('SELECT 1')",
        "SELECT * FROM lake.shop.orders",
        "SELECT * FROM unknown_ns.orders",
        "SELECT * FROM shop.missing");
    List<String> wrong = new ArrayList<>();
    for (String sql : hostile) {
      Response answer = QueryTest.query(database, Map.of("sql", sql));
      int status = answer.statusCode();
      boolean unknownTable = sql.contains("unknown_ns") || sql.contains("shop.missing");
      if (status != (unknownTable ? 404 : 400) || !answer.contentType().startsWith("application/problem+json")) {
        wrong.add(status + " for " + sql + ": " + answer.asString());
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(Files.exists(written)).isFalse();
  }

  @Test
  void anotherOrganizationsTokenCannotQueryThisOrganizationsDatabase() throws Exception {
    Warehouse database = Warehouses.local("hostile");
    try (RESTCatalog client = IcebergClients.connect(catalog, database)) {
      client.createNamespace(Namespace.of("shop"));
      TableWrites.append(client.createTable(TableIdentifier.of("shop", "orders"), QueryTest.ORDERS),
          QueryTest.orders(QueryTest.ORDERS, 0, 3));
    }
    String stranger = organizationTokens().get("admin");

    given().header("Authorization", TestTokens.bearer(stranger)).contentType(ContentType.JSON)
        .body(Map.of("sql", "SELECT * FROM shop.orders"))
        .post("/api/v1/ailake/database/instances/" + database.name + "/query")
        .then().statusCode(404);
  }
}
