package io.ailake.data.rows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.ailake.iceberg.Warehouse;
import io.ailake.testing.TestTokens;
import io.ailake.testing.TrinoServer;
import io.ailake.testing.Warehouses;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.math.BigDecimal;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rows inserted, updated and deleted over REST read by Trino 476 through the catalog with the same count
 * and checksums as Iceberg's generic reader gives, in copy-on-write and merge-on-read (position deletes);
 * and rows Trino inserts are changed over REST.
 */
@QuarkusTest
class RowsTrinoTest {

  @TestHTTPResource("/iceberg")
  URL catalog;

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void trinoReadsWhatTheRowRoutesCommitted() throws Exception {
    Warehouse warehouse = Warehouses.s3("rows_trino");
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

    Map<String, String> lake = TrinoServer.restCatalogOnS3(catalog.toString(), warehouse.name,
        Map.of("iceberg.rest-catalog.oauth2.token", TestTokens.defaultAdmin()));
    try (TrinoServer server = TrinoServer.start(Path.of("target", "trino-rows"), Map.of("lake", lake));
        Connection connection = server.connect("lake");
        Statement sql = connection.createStatement()) {
      sql.setQueryTimeout(300);
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
        rows.stream().mapToLong(r -> ((java.time.LocalDate) r.getField("day")).getDayOfYear()).sum(),
        rows.stream().filter(r -> r.getField("customer") != null
            && "CZ".equals(((Record) r.getField("customer")).getField("country"))).count());
  }
}
