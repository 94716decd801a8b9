package io.ailake.data.rows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.ailake.api.ApiException;
import io.ailake.iceberg.ServerTables;
import io.ailake.iceberg.Warehouse;
import io.ailake.testing.Warehouses;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.net.URL;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RowChangesTest {

  static final Schema ORDERS = new Schema(
      Types.NestedField.required(1, "id", Types.LongType.get()),
      Types.NestedField.optional(2, "status", Types.StringType.get()),
      Types.NestedField.optional(3, "amount", Types.DecimalType.of(10, 2)),
      Types.NestedField.optional(4, "day", Types.DateType.get()),
      Types.NestedField.optional(5, "customer", Types.StructType.of(
          Types.NestedField.optional(6, "country", Types.StringType.get()))));

  static final PartitionSpec BY_DAY = PartitionSpec.builderFor(ORDERS).identity("day").build();

  @TestHTTPResource("/iceberg")
  URL catalog;

  @Inject RowChanges changes;
  @Inject ServerTables serverTables;

  /** Ids 1..20 over two days; status open for even ids, else closed; amount id * 1.5; country CZ below 10. */
  private Warehouse ordersTable(Warehouse warehouse, String table, Map<String, String> properties) {
    RowTables.create(catalog, warehouse, "shop", table, ORDERS, BY_DAY, properties);
    String rows = IntStream.rangeClosed(1, 20).mapToObj(id -> String.format(
            "{\"id\": %d, \"status\": \"%s\", \"amount\": %s, \"day\": \"2024-01-0%d\", \"customer\": {\"country\": \"%s\"}}",
            id, id % 2 == 0 ? "open" : "closed", new BigDecimal(id).multiply(new BigDecimal("1.5")),
            id <= 10 ? 1 : 2, id < 10 ? "CZ" : "DE"))
        .collect(Collectors.joining("\n"));
    RowTables.insert(warehouse, "shop", table, "application/x-ndjson", rows).then().statusCode(201);
    return warehouse;
  }

  private static Map<String, String> modes(String mode, int formatVersion) {
    return Map.of(TableProperties.FORMAT_VERSION, String.valueOf(formatVersion),
        TableProperties.UPDATE_MODE, mode, TableProperties.DELETE_MODE, mode);
  }

  @Test
  void copyOnWriteRewritesTheFilesOfTheMatchedRows() {
    updateAndDelete(Warehouses.local("rows"), Map.of(TableProperties.FORMAT_VERSION, "2"), null);
  }

  @Test
  void mergeOnReadOnFormatV2WritesPositionDeletes() {
    updateAndDelete(Warehouses.local("rows"), modes("merge-on-read", 2), FileFormat.PARQUET);
  }

  @Test
  void mergeOnReadOnFormatV3WritesDeletionVectors() {
    updateAndDelete(Warehouses.local("rows"), modes("merge-on-read", 3), FileFormat.PUFFIN);
  }

  @Test
  void copyOnWriteOnFormatV3() {
    updateAndDelete(Warehouses.local("rows"), modes("copy-on-write", 3), null);
  }

  @Test
  void onAnS3Warehouse() {
    updateAndDelete(Warehouses.s3("rows"), modes("merge-on-read", 2), FileFormat.PARQUET);
  }

  /** Update, update again (over earlier deletes), delete; exact rows after each; the delete files the mode writes. */
  private void updateAndDelete(Warehouse warehouse, Map<String, String> properties, FileFormat deletes) {
    ordersTable(warehouse, "orders", properties);

    RowTables.update(warehouse, "shop", "orders",
            Map.of("where", "status = 'open' AND id <= 6", "set", Map.of("status", "shipped", "amount", "0.5")))
        .then().statusCode(200).body("rowsUpdated", equalTo(3));
    // matched rows moved between partitions: the new day is written under its own partition
    RowTables.update(warehouse, "shop", "orders", Map.of("where", "customer.country = 'DE' AND id BETWEEN 18 AND 19",
            "set", Map.of("day", "2024-01-03")))
        .then().statusCode(200).body("rowsUpdated", equalTo(2));
    RowTables.update(warehouse, "shop", "orders", Map.of("where", "status LIKE 'ship%' AND id <> 2",
            "set", Map.of("status", "done")))
        .then().statusCode(200).body("rowsUpdated", equalTo(2));
    RowTables.delete(warehouse, "shop", "orders", Map.of("where", "id IN (1, 3, 4, 20) OR (day = DATE '2024-01-03'"
            + " AND NOT status = 'open')"))
        .then().statusCode(200).body("rowsDeleted", equalTo(5));
    RowTables.delete(warehouse, "shop", "orders", Map.of("where", "id > 100"))
        .then().statusCode(200).body("rowsDeleted", equalTo(0));

    Map<Long, List<Object>> rows = new LinkedHashMap<>();
    for (Record row : RowTables.rows(catalog, warehouse, "shop", "orders")) {
      rows.put((Long) row.getField("id"), List.of(String.valueOf(row.getField("status")),
          row.getField("amount"), row.getField("day")));
    }
    assertThat(rows.keySet()).containsExactly(2L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L);
    assertThat(rows.get(2L)).containsExactly("shipped", new BigDecimal("0.50"), LocalDate.of(2024, 1, 1));
    assertThat(rows.get(6L)).containsExactly("done", new BigDecimal("0.50"), LocalDate.of(2024, 1, 1));
    assertThat(rows.get(5L)).containsExactly("closed", new BigDecimal("7.50"), LocalDate.of(2024, 1, 1));
    assertThat(rows.get(18L)).containsExactly("open", new BigDecimal("27.00"), LocalDate.of(2024, 1, 3));
    assertThat(rows.get(17L)).containsExactly("closed", new BigDecimal("25.50"), LocalDate.of(2024, 1, 2));

    Table table = RowTables.load(catalog, warehouse, "shop", "orders");
    List<DeleteFile> deleteFiles = deleteFiles(table);
    if (deletes == null) {
      assertThat(deleteFiles).isEmpty();
      assertThat(table.currentSnapshot().operation()).isEqualTo("overwrite");
    } else {
      assertThat(deleteFiles).isNotEmpty().allSatisfy(d -> assertThat(d.format()).isEqualTo(deletes));
    }
  }

  private static List<DeleteFile> deleteFiles(Table table) {
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      return java.util.stream.StreamSupport.stream(tasks.spliterator(), false)
          .flatMap(t -> t.deletes().stream()).toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void predicatesOutsideTheGrammarAndBadSetsAre400s() {
    Warehouse warehouse = ordersTable(Warehouses.local("rows"), "orders", Map.of());
    Map<String, String> refused = new LinkedHashMap<>();
    refused.put("", "where is required");
    refused.put("   ", "where is required");
    refused.put("id = 1; DROP TABLE x", "';' is no part of the supported SQL");
    refused.put("status LIKE '%x'", "LIKE supports 'prefix%' patterns only");
    refused.put("colour = 'red'", "the table has no column colour");
    refused.put("id = 'seven'", "not a value of column id");
    refused.put("id = NULL", "use id IS [NOT] NULL");
    refused.put("id + 1 = 2", "'+' is no part of the supported SQL");
    refused.put("lower(status) = 'x'", "functions such as lower(...) are not supported");
    refused.put("(id = 1", "expected ')'");
    refused.put("customer = 'x'", "a predicate compares primitive columns only");
    refused.put("status = 'open' garbage", "expected AND, OR or the end");
    refused.put("(".repeat(200) + "id = 1" + ")".repeat(200), "nests deeper than");
    refused.forEach((where, why) -> RowTables.delete(warehouse, "shop", "orders", Map.of("where", where))
        .then().statusCode(400).contentType("application/problem+json").body("detail", containsString(why)));
    RowTables.delete(warehouse, "shop", "orders", Map.of()).then().statusCode(400);
    RowTables.update(warehouse, "shop", "orders", Map.of("where", "true"))
        .then().statusCode(400).body("detail", containsString("set is required"));
    RowTables.update(warehouse, "shop", "orders", Map.of("where", "true", "set", Map.of("id", "x")))
        .then().statusCode(400).body("detail", containsString("set, column id"));
    RowTables.update(warehouse, "shop", "orders", Map.of("where", "true", "set", Map.of("customer.country", "x")))
        .then().statusCode(400).body("detail", containsString("set takes top-level columns"));
    RowTables.update(warehouse, "shop", "orders", Map.of("where", "true", "set", java.util.Collections.singletonMap("id", null)))
        .then().statusCode(400).body("detail", containsString("required"));
    assertThat(RowTables.rows(catalog, warehouse, "shop", "orders")).hasSize(20);

    // where "true" is the deliberate way to change every row
    RowTables.update(warehouse, "shop", "orders", Map.of("where", "TRUE", "set", Map.of("status", "all")))
        .then().statusCode(200).body("rowsUpdated", equalTo(20));
    RowTables.delete(warehouse, "shop", "orders", Map.of("where", "true"))
        .then().statusCode(200).body("rowsDeleted", equalTo(20));
    assertThat(RowTables.rows(catalog, warehouse, "shop", "orders")).isEmpty();
  }

  /** Appended rows the predicate cannot match (serializable isolation checks exactly that) commit beside the change. */
  @Test
  void anAppendCommittedBetweenPlanAndCommitIsKeptInBothModes() {
    for (Map<String, String> properties : List.of(Map.<String, String>of(), modes("merge-on-read", 2),
        modes("merge-on-read", 3))) {
      for (boolean update : List.of(false, true)) {
        Warehouse warehouse = ordersTable(Warehouses.local("rows"), "orders", properties);
        Table table = serverTables.load(warehouse, TableIdentifier.of("shop", "orders"));
        RowChanges.Change change = changes.prepare(table, "id <= 5", update ? Map.of("status", "late") : null);
        RowTables.insert(warehouse, "shop", "orders", "application/json",
            "[{\"id\": 100, \"day\": \"2024-01-01\"}, {\"id\": 101, \"day\": \"2024-01-02\"}]").then().statusCode(201);
        changes.commit(change);

        List<Record> rows = RowTables.rows(catalog, warehouse, "shop", "orders");
        List<Long> expected = new java.util.ArrayList<>(update ? List.of(1L, 2L, 3L, 4L, 5L) : List.of());
        expected.addAll(List.of(6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L, 100L, 101L));
        assertThat(rows).extracting(r -> r.getField("id")).as(properties + (update ? " update" : " delete"))
            .containsExactlyElementsOf(expected);
        assertThat(rows.stream().filter(r -> "late".equals(r.getField("status"))).count()).isEqualTo(update ? 5 : 0);
      }
    }
  }

  @Test
  void twoChangesOfTheSameRowsConflictAndTheSecondIs409() {
    for (Map<String, String> properties : List.of(Map.<String, String>of(), modes("merge-on-read", 2),
        modes("merge-on-read", 3))) {
      Warehouse warehouse = ordersTable(Warehouses.local("rows"), "orders", properties);
      RowChanges.Change first = changes.prepare(
          serverTables.load(warehouse, TableIdentifier.of("shop", "orders")), "id = 4", null);
      RowChanges.Change second = changes.prepare(
          serverTables.load(warehouse, TableIdentifier.of("shop", "orders")), "id <= 4", Map.of("status", "x"));
      changes.commit(first);
      assertThatThrownBy(() -> changes.commit(second)).as(properties.toString())
          .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(409));
      List<Record> rows = RowTables.rows(catalog, warehouse, "shop", "orders");
      assertThat(rows).hasSize(19);
      assertThat(rows).noneMatch(r -> "x".equals(r.getField("status")));
    }
  }

  /** Deletes and updates committed while four clients insert: every answer a success, every row accounted for. */
  @Test
  void changesBesideConcurrentInsertsAllCommitAndLoseNothing() throws Exception {
    Warehouse warehouse = ordersTable(Warehouses.local("rows"), "orders", modes("merge-on-read", 2));
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(5);
    try {
      List<java.util.concurrent.Future<List<Integer>>> inserters = new java.util.ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int writer = w;
        inserters.add(pool.submit(() -> {
          List<Integer> statuses = new java.util.ArrayList<>();
          for (int batch = 0; batch < 5; batch++) {
            int first = 1000 + writer * 100 + batch * 10;
            String rows = IntStream.range(first, first + 10)
                .mapToObj(id -> "{\"id\": " + id + ", \"day\": \"2024-01-0" + (id % 2 + 1) + "\"}")
                .collect(Collectors.joining("\n"));
            statuses.add(RowTables.insert(warehouse, "shop", "orders", "application/x-ndjson", rows).statusCode());
          }
          return statuses;
        }));
      }
      java.util.concurrent.Future<List<Integer>> changer = pool.submit(() -> {
        List<Integer> statuses = new java.util.ArrayList<>();
        for (int id = 1; id <= 10; id++) {
          statuses.add(RowTables.delete(warehouse, "shop", "orders", Map.of("where", "id = " + id)).statusCode());
          statuses.add(RowTables.update(warehouse, "shop", "orders",
              Map.of("where", "id = " + (id + 10), "set", Map.of("status", "seen"))).statusCode());
        }
        return statuses;
      });
      for (java.util.concurrent.Future<List<Integer>> inserter : inserters) {
        assertThat(inserter.get()).containsOnly(201);
      }
      assertThat(changer.get()).containsOnly(200);
    } finally {
      pool.shutdownNow();
    }
    List<Record> rows = RowTables.rows(catalog, warehouse, "shop", "orders");
    assertThat(rows).hasSize(10 + 4 * 5 * 10);
    assertThat(rows).filteredOn(r -> "seen".equals(r.getField("status"))).hasSize(10);
    assertThat(rows).noneMatch(r -> (Long) r.getField("id") <= 10);
  }
}
