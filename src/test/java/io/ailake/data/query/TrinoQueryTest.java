package io.ailake.data.query;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anEmptyMap;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.ailake.iceberg.Warehouse;
import io.ailake.testing.IcebergClients;
import io.ailake.testing.TestTokens;
import io.ailake.testing.TrinoServer;
import io.ailake.testing.Warehouses;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With ailake.query.trino.url set, the query route runs queries of current data on Trino (its own
 * process, see TrinoServer) in the catalog under which Trino sees the database, after the same check;
 * time travel stays on DuckDB.
 */
@QuarkusTest
@TestProfile(TrinoQueryTest.OnTrino.class)
class TrinoQueryTest {

  static final int PORT = freePort();

  public static class OnTrino implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("ailake.query.trino.url", "http://127.0.0.1:" + PORT, "ailake.query.trino.catalog", "lake_{database}");
    }
  }

  @TestHTTPResource("/iceberg")
  URL catalog;

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void currentDataIsQueriedOnTrinoAndTimeTravelOnDuckDb() throws Exception {
    Warehouse database = Warehouses.s3("trinoq");
    long first;
    try (RESTCatalog client = IcebergClients.connect(catalog, database)) {
      client.createNamespace(Namespace.of("shop"));
      Table table = client.createTable(TableIdentifier.of("shop", "orders"), QueryTest.ORDERS);
      DataFile file = TableWrites.append(table, QueryTest.orders(QueryTest.ORDERS, 0, 10));
      first = table.currentSnapshot().snapshotId();
      TableWrites.deletePositions(table, file, 0);
    }
    try (TrinoServer trino = TrinoServer.start(Path.of("target", "trino-query"),
        Map.of("lake_" + database.name, lakeCatalog(database), "other", lakeCatalog(database)), PORT)) {
      String sql = "SELECT count(*), sum(id) FROM shop.orders";
      // a fresh Trino refuses queries until it knows its node's catalogs; wait for that as its own client
      TrinoServer.scheduled(() -> {
        try (java.sql.Connection connection = trino.connect("lake_" + database.name);
            java.sql.Statement statement = connection.createStatement();
            java.sql.ResultSet count = statement.executeQuery("SELECT count(*) FROM shop.orders")) {
          return count.next() ? count.getLong(1) : null;
        }
      });

      query(database, Map.of("sql", sql)).then().statusCode(200)
          .body("rows[0][0]", equalTo(9)).body("rows[0][1]", equalTo(45))
          .body("filesScanned", anEmptyMap()); // Trino planned the files
      query(database, Map.of("sql", sql, "asOf", Map.of("snapshotId", first))).then().statusCode(200)
          .body("rows[0][0]", equalTo(10)).body("filesScanned.'shop.orders'", equalTo(1));
      query(database, Map.of("sql", "SELECT id FROM shop.orders ORDER BY id", "maxRows", 2)).then().statusCode(200)
          .body("rows", equalTo(List.of(List.of(1), List.of(2)))).body("truncated", equalTo(true));
      query(database, Map.of("sql", "SELECT nope FROM shop.orders")).then().statusCode(400)
          .body("detail", containsString("nope"));
      query(database, Map.of("sql", "SELECT * FROM other.shop.orders")).then().statusCode(400);
      query(database, Map.of("sql", "SELECT * FROM read_csv('/etc/passwd')")).then().statusCode(400);
      // DuckDB nests block comments and Trino does not: what DuckDB's check reads as a comment, Trino would run
      query(database, Map.of("sql", "SELECT count(*) FROM shop.orders /* /* */ UNION ALL SELECT count(*)"
          + " FROM other.shop.orders -- */")).then().statusCode(400).body("detail", containsString("block comments"));
      query(database, Map.of("sql", "SELECT 'a\\' AS s FROM shop.orders")).then().statusCode(400);
    }
  }

  private static io.restassured.response.Response query(Warehouse database, Map<String, Object> body) {
    return given().contentType(ContentType.JSON).body(body)
        .post("/api/v1/ailake/database/instances/" + database.name + "/query");
  }

  /** The catalog file an operator writes for Trino (the README's Trino configuration). */
  private Map<String, String> lakeCatalog(Warehouse warehouse) {
    return TrinoServer.restCatalogOnS3(catalog.toString(), warehouse.name,
        Map.of("iceberg.rest-catalog.oauth2.token", TestTokens.defaultAdmin()));
  }

  private static int freePort() {
    try {
      return TrinoServer.freePort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
