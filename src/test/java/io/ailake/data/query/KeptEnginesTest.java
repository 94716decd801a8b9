package io.ailake.data.query;

import static io.ailake.data.query.QueryTest.ORDERS;
import static io.ailake.data.query.QueryTest.orders;
import static io.ailake.data.query.QueryTest.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.hamcrest.Matchers.equalTo;

import io.ailake.api.ApiException;
import io.ailake.iceberg.ServerTables;
import io.ailake.iceberg.Warehouse;
import io.ailake.testing.IcebergClients;
import io.ailake.testing.Warehouses;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.junit.jupiter.api.Test;

/**
 * A query's locked-down DuckDB database kept for the next query of the same table versions shows that
 * query what a new one would, and nothing more.
 */
@QuarkusTest
class KeptEnginesTest {

  @TestHTTPResource("/iceberg")
  URL catalog;

  @Inject QueryEngine engine;
  @Inject ServerTables serverTables;

  @Test
  void aQueryReadsTheCurrentRowsOfItsOwnDatabaseWhateverRanBefore() throws Exception {
    Warehouse first = Warehouses.local("kept");
    Warehouse second = Warehouses.local("kept");
    try (RESTCatalog client = IcebergClients.connect(catalog, first);
        RESTCatalog otherClient = IcebergClients.connect(catalog, second)) {
      client.createNamespace(Namespace.of("shop"));
      TableWrites.append(client.createTable(TableIdentifier.of("shop", "orders"), ORDERS), orders(ORDERS, 0, 4));
      otherClient.createNamespace(Namespace.of("shop"));
      TableWrites.append(otherClient.createTable(TableIdentifier.of("shop", "orders"), ORDERS), orders(ORDERS, 0, 7));
    }
    Map<String, String> sql = Map.of("sql", "SELECT count(*) FROM shop.orders");

    query(first, sql).then().statusCode(200).body("rows[0][0]", equalTo(4));
    query(first, sql).then().statusCode(200).body("rows[0][0]", equalTo(4));
    query(second, sql).then().statusCode(200).body("rows[0][0]", equalTo(7));
    try (RESTCatalog client = IcebergClients.connect(catalog, first)) {
      TableWrites.append(client.loadTable(TableIdentifier.of("shop", "orders")), orders(ORDERS, 4, 6));
    }
    query(first, sql).then().statusCode(200).body("rows[0][0]", equalTo(6));
    query(second, sql).then().statusCode(200).body("rows[0][0]", equalTo(7));
    // a query of other columns of the same table version reads them, not the answer of the last one
    query(first, Map.of("sql", "SELECT sum(id) FROM shop.orders")).then().statusCode(200)
        .body("rows[0][0]", equalTo((int) QueryTest.sum(0, 6)));
  }

  @Test
  void aKeptDatabaseReadsNoFileButItsTablesOnesWhatTheSqlSays() throws Exception {
    Warehouse database = Warehouses.local("kept");
    Warehouse other = Warehouses.local("kept");
    DataFile otherFile;
    try (RESTCatalog client = IcebergClients.connect(catalog, database);
        RESTCatalog otherClient = IcebergClients.connect(catalog, other)) {
      client.createNamespace(Namespace.of("shop"));
      TableWrites.append(client.createTable(TableIdentifier.of("shop", "orders"), ORDERS), orders(ORDERS, 0, 3));
      otherClient.createNamespace(Namespace.of("shop"));
      otherFile = TableWrites.append(otherClient.createTable(TableIdentifier.of("shop", "orders"), ORDERS),
          orders(ORDERS, 0, 5));
    }
    QueryTables.Name name = new QueryTables.Name("shop", "orders");
    Table table = serverTables.load(database, TableIdentifier.of("shop", "orders"));
    List<QueryTables.Planned> planned = List.of(QueryTables.plan(name, table, null, List.of()));
    String otherPath = otherFile.location().replaceFirst("^file:(//)?", "");
    // run without the route's SQL check: the kept database's own lock-down is what stops these
    List<String> hostile = List.of(
        "SELECT * FROM read_parquet('" + otherPath + "')",
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT count(*) FROM glob('/*')",
        "SELECT * FROM shop.orders, read_text('/etc/hostname')");
    for (String sql : hostile) {
      assertThat(count(database, planned)).isEqualTo(3); // its database is now kept
      ApiException refused = catchThrowableOfType(ApiException.class,
          () -> engine.run(database.id, sql, planned, 10, Duration.ofSeconds(30)));
      assertThat(refused).as(sql).isNotNull();
      assertThat(refused.status()).as(sql).isEqualTo(400);
      assertThat(refused.getMessage()).as(sql).contains("Permission Error");
    }
    assertThat(count(database, planned)).isEqualTo(3);
  }

  private long count(Warehouse database, List<QueryTables.Planned> planned) {
    QueryEngine.Rows rows = engine.run(database.id, "SELECT count(*) FROM shop.orders", planned, 10,
        Duration.ofSeconds(30));
    return ((Number) rows.rows().get(0).get(0)).longValue();
  }
}
