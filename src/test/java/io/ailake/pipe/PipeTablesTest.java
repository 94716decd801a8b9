package io.ailake.pipe;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.not;

import io.ailake.iceberg.Warehouse;
import io.ailake.organization.Organizations;
import io.ailake.storage.FileIOs;
import io.ailake.storage.ObjectStorage;
import io.ailake.testing.Eventually;
import io.ailake.testing.IcebergClients;
import io.ailake.testing.ObjectStorages;
import io.ailake.testing.Operations;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

@QuarkusTest
class PipeTablesTest {

  static final String DATABASES = "/api/v1/ailake/database/instances";

  /** A producer's schema: its own field ids, which the pipe must map by name, not by id. */
  static final Schema SOURCE = new Schema(
      Types.NestedField.optional(11, "id", Types.LongType.get()),
      Types.NestedField.optional(12, "customer", Types.StringType.get()),
      Types.NestedField.optional(13, "amount", Types.DoubleType.get()));

  @TestHTTPResource("/iceberg")
  URL catalog;

  @Inject FileIOs fileIOs;
  @Inject PipeLoader loader;

  @Test
  void aPipeTableLoadsItsFilesKeepsLoadingNewOnesRefreshesAPartitionAndLeavesNothingBehind() throws Exception {
    ObjectStorage landing = ObjectStorages.s3("landing");
    ObjectStorage lake = ObjectStorages.s3("lake");
    FileIO source = fileIOs.forStorage(landing.storage());
    String database = "pipes_" + UUID.randomUUID().toString().substring(0, 8);
    Operations.awaitSucceeded(given().contentType(ContentType.JSON)
        .body(Map.of("name", database, "storageIds", List.of(lake.id.toString()))).post(DATABASES)
        .then().statusCode(202).extract().header("operation-id"));
    Warehouse warehouse = QuarkusTransaction.requiringNew().call(() ->
        Warehouse.findByName(Organizations.DEFAULT_ID, database).orElseThrow());

    try (RESTCatalog client = IcebergClients.connect(catalog, warehouse)) {
      // a table made by an engine lives beside the pipe tables
      client.createNamespace(Namespace.of("engines"));
      client.createTable(TableIdentifier.of("engines", "notes"),
          new Schema(Types.NestedField.required(1, "note", Types.StringType.get())));

      writeParquet(source, landing.root + "/orders/year=2024/month=01/part-0.parquet", 1, 3);
      writeParquet(source, landing.root + "/orders/year=2024/month=01/part-1.parquet", 4, 2);
      writeParquet(source, landing.root + "/orders/year=2023/month=12/part-0.parquet", 100, 4);
      source.newOutputFile(landing.root + "/orders/year=2024/month=01/_SUCCESS").create().close();

      String created = given().contentType(ContentType.JSON).body(Map.of(
              "tableName", "orders",
              "sourceStorageName", landing.name,
              "pathPrefix", "orders/",
              "pollingIntervalSeconds", 1,
              "columnOverrides", Map.of("amount", "DECIMAL(12,2)", "customer", "VARCHAR(4)"),
              "keyConfig", Map.of("type", "primary", "columns", List.of("id"))))
          .post(DATABASES + "/" + database + "/pipeTables")
          .then().statusCode(202).extract().header("operation-id");
      Operations.awaitSucceeded(created)
          .body("kind", equalTo("create-pipe-table"))
          .body("result.filesLoaded", equalTo(3))
          .body("result.recordsLoaded", equalTo(9));

      given().get(DATABASES + "/" + database + "/pipeTables/orders").then().statusCode(200)
          .body("state", equalTo("active"))
          .body("databaseName", equalTo(database))
          .body("sourceStorageName", equalTo(landing.name))
          .body("partitionColumns", equalTo(List.of("year", "month")))
          .body("columns.find { it.name == 'amount' }.type", equalTo("DECIMAL(12,2)"))
          .body("columns.find { it.name == 'customer' }.type", equalTo("VARCHAR(4)"))
          .body("columns.find { it.name == 'year' }.type", equalTo("INT"))
          .body("keyConfig.type", equalTo("primary"));
      given().get(DATABASES + "/" + database + "/pipeTables").then().statusCode(200)
          .body("pipeTables.tableName", hasItem("orders"));

      TableIdentifier orders = TableIdentifier.of("default", "orders");
      Table table = client.loadTable(orders);
      assertThat(table.schema().identifierFieldNames()).containsExactly("id");
      assertThat(table.spec().fields()).extracting(f -> f.name()).containsExactly("year", "month");
      List<Record> rows = rows(table);
      assertThat(rows).hasSize(9);
      Record first = rows.stream().filter(r -> r.getField("id").equals(1L)).findFirst().orElseThrow();
      assertThat(first.getField("amount")).isEqualTo(new BigDecimal("1.50"));
      assertThat(first.getField("customer")).as("cut to VARCHAR(4)").isEqualTo("cust");
      assertThat(first.getField("year")).isEqualTo(2024);
      assertThat(first.getField("month")).isEqualTo(1);

      // new files are picked up by the poller
      writeParquet(source, landing.root + "/orders/year=2024/month=02/part-0.parquet", 200, 5);
      Eventually.within(Duration.ofSeconds(30), () -> assertThat(rows(client.loadTable(orders))).hasSize(14));

      // with a primary key, a new file replaces the rows of the keys it holds (the last row of a key wins)
      writeRows(source, landing.root + "/orders/year=2024/month=01/part-2.parquet",
          List.of(new Object[] {1L, "changed", 9.25}, new Object[] {6L, "new", 1.0}, new Object[] {6L, "newer", 2.0}));
      Eventually.within(Duration.ofSeconds(30), () -> assertThat(rows(client.loadTable(orders))).hasSize(15));
      Map<Object, Object> amounts = rows(client.loadTable(orders)).stream()
          .collect(Collectors.toMap(r -> r.getField("id"), r -> r.getField("amount")));
      assertThat(amounts.get(1L)).isEqualTo(new BigDecimal("9.25"));
      assertThat(amounts.get(6L)).isEqualTo(new BigDecimal("2.00"));

      // a file that is not parquet fails alone, visibly, and is not retried on every poll
      try (var out = source.newOutputFile(landing.root + "/orders/year=2024/month=02/broken.parquet").create()) {
        out.write("not parquet".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      Eventually.within(Duration.ofSeconds(30), () ->
          given().get(DATABASES + "/" + database + "/pipeTables/orders").then()
              .body("filesFailed", equalTo(1))
              .body("lastError", containsString("year=2024/month=02/broken.parquet")));

      // the loader's per-file history, in load order: the broken file FAILED with why, the others FINISHED
      String history = DATABASES + "/" + database + "/pipeTables/orders/files";
      given().get(history).then().statusCode(200)
          .body("totalCount", equalTo(6))
          .body("files.fileName", hasItem("year=2023/month=12/part-0.parquet"))
          .body("files.findAll { it.status == 'FINISHED' }.size()", equalTo(5))
          .body("files.find { it.fileName == 'year=2023/month=12/part-0.parquet' }.rows", equalTo(4))
          .body("files.find { it.fileName == 'year=2023/month=12/part-0.parquet' }.bytes", greaterThan(0))
          .body("files.every { it.startTime != null && it.endTime != null }", equalTo(true));
      given().get(history + "?status=FAILED").then().statusCode(200)
          .body("totalCount", equalTo(1))
          .body("files[0].fileName", equalTo("year=2024/month=02/broken.parquet"))
          .body("files[0].rows", equalTo(0))
          .body("files[0].message", not(emptyOrNullString()));
      List<Integer> ids = given().get(history).jsonPath().getList("files.historyId", Integer.class);
      assertThat(ids).isSorted().doesNotHaveDuplicates();
      given().get(history + "?from=4&size=5").then().statusCode(200)
          .body("totalCount", equalTo(6)).body("files.historyId", equalTo(ids.subList(4, 6)));
      given().get(history + "?status=SYNCING").then().statusCode(200).body("totalCount", equalTo(0));
      given().get(history + "?status=LOADED").then().statusCode(400).body("detail", containsString("status"));
      given().get(history + "?from=-1").then().statusCode(400).body("detail", containsString("from"));
      given().get(DATABASES + "/" + database + "/pipeTables/nope/files").then().statusCode(404);
      source.deleteFile(landing.root + "/orders/year=2024/month=02/broken.parquet");

      // two loaders racing for the same new file (two replicas): it is loaded once
      writeParquet(source, landing.root + "/orders/year=2024/month=03/part-0.parquet", 300, 2);
      given().contentType(ContentType.JSON).body("{}").post("/api/v1/ailake/services/pipe-loader/commands/pause/run").then().statusCode(202);
      try {
        UUID pipeId = UUID.fromString(given().get(DATABASES + "/" + database + "/pipeTables/orders")
            .jsonPath().getString("pipeTableId"));
        CompletableFuture<?> a = CompletableFuture.runAsync(() -> loader.loadNew(pipeId));
        CompletableFuture<?> b = CompletableFuture.runAsync(() -> loader.loadNew(pipeId));
        List<Throwable> failures = new ArrayList<>();
        for (CompletableFuture<?> f : List.of(a, b)) {
          try {
            f.join();
          } catch (RuntimeException e) {
            failures.add(e);
          }
        }
        assertThat(failures.size()).isLessThanOrEqualTo(1);
        assertThat(rows(client.loadTable(orders))).hasSize(17);
        assertThat(ids(client.loadTable(orders))).hasSize(17);
      } finally {
        given().contentType(ContentType.JSON).body("{}").post("/api/v1/ailake/services/pipe-loader/commands/resume/run").then().statusCode(202);
      }

      // a producer rewrites a partition: refresh replaces exactly that partition's rows
      source.deleteFile(landing.root + "/orders/year=2024/month=01/part-1.parquet");
      source.deleteFile(landing.root + "/orders/year=2024/month=01/part-2.parquet");
      writeParquet(source, landing.root + "/orders/year=2024/month=01/part-0.parquet", 50, 1);
      String refreshed = given().contentType(ContentType.JSON)
          .body(Map.of("partitionSpec", Map.of("month", "01", "year", "2024")))
          .post(DATABASES + "/" + database + "/pipeTables/orders/refresh")
          .then().statusCode(202).extract().header("operation-id");
      Operations.awaitSucceeded(refreshed).body("kind", equalTo("refresh-partition"))
          .body("result.filesLoaded", equalTo(1));
      Table afterRefresh = client.loadTable(orders);
      assertThat(rows(afterRefresh).stream().filter(r -> r.getField("month").equals(1)).map(r -> r.getField("id")))
          .containsExactly(50L);
      assertThat(rows(afterRefresh)).hasSize(12);
      given().get(DATABASES + "/" + database + "/pipeTables/orders").then()
          .body("filesLoaded", equalTo(4)).body("recordsLoaded", equalTo(12));

      // bad refreshes are refused before anything runs
      given().contentType(ContentType.JSON).body(Map.of("partitionSpec", Map.of("year", "2024")))
          .post(DATABASES + "/" + database + "/pipeTables/orders/refresh")
          .then().statusCode(400).body("detail", containsString("[year, month]"));

      // deleting the pipe drops its table; the source files stay
      Operations.awaitSucceeded(given().delete(DATABASES + "/" + database + "/pipeTables/orders")
          .then().statusCode(202).extract().header("operation-id"));
      assertThat(client.tableExists(orders)).isFalse();
      given().get(DATABASES + "/" + database + "/pipeTables/orders").then().statusCode(404);
      assertThat(files(landing)).hasSize(5);
    }

    Operations.awaitSucceeded(given().delete(DATABASES + "/" + database)
        .then().statusCode(202).extract().header("operation-id"));
    Eventually.within(Duration.ofSeconds(30), () -> assertThat(files(lake)).isEmpty());
  }

  @Test
  void filesDirectlyUnderThePrefixLoadIntoAnUnpartitionedTableOnLocalDisk() throws Exception {
    filesDirectlyUnderThePrefixLoad(ObjectStorages.local("flat-landing"), ObjectStorages.local("flat-lake"));
  }

  @Test
  void filesDirectlyUnderThePrefixLoadIntoAnUnpartitionedTableOnS3() throws Exception {
    filesDirectlyUnderThePrefixLoad(ObjectStorages.s3("flat-landing"), ObjectStorages.s3("flat-lake"));
  }

  /**
   * No key=value directories: the table is unpartitioned, and its data and key-delete files are written
   * under the table's data location with no empty path segment (which the storage boundary refuses).
   */
  private void filesDirectlyUnderThePrefixLoad(ObjectStorage landing, ObjectStorage lake) throws Exception {
    FileIO source = fileIOs.forStorage(landing.storage());
    String database = "flat_" + UUID.randomUUID().toString().substring(0, 8);
    Operations.awaitSucceeded(given().contentType(ContentType.JSON)
        .body(Map.of("name", database, "storageIds", List.of(lake.id.toString()))).post(DATABASES)
        .then().statusCode(202).extract().header("operation-id"));
    Warehouse warehouse = QuarkusTransaction.requiringNew().call(() ->
        Warehouse.findByName(Organizations.DEFAULT_ID, database).orElseThrow());
    writeParquet(source, landing.root + "/events/part-0.parquet", 1, 3);
    writeParquet(source, landing.root + "/events/part-1.parquet", 4, 2);

    Operations.awaitSucceeded(given().contentType(ContentType.JSON).body(Map.of(
                "tableName", "events",
                "sourceStorageName", landing.name,
                "pathPrefix", "events/",
                "pollingIntervalSeconds", 1,
                "keyConfig", Map.of("type", "primary", "columns", List.of("id"))))
            .post(DATABASES + "/" + database + "/pipeTables")
            .then().statusCode(202).extract().header("operation-id"))
        .body("result.filesLoaded", equalTo(2))
        .body("result.filesFailed", equalTo(0))
        .body("result.recordsLoaded", equalTo(5));
    String pipe = DATABASES + "/" + database + "/pipeTables/events";
    given().get(pipe).then().statusCode(200)
        .body("partitionColumns", equalTo(List.of()))
        .body("filesLoaded", equalTo(2)).body("filesFailed", equalTo(0)).body("recordsLoaded", equalTo(5));
    given().get(pipe + "/files").then().statusCode(200)
        .body("totalCount", equalTo(2))
        .body("files.status", equalTo(List.of("FINISHED", "FINISHED")))
        .body("files.find { it.fileName == 'part-0.parquet' }.rows", equalTo(3))
        .body("files.find { it.fileName == 'part-1.parquet' }.rows", equalTo(2));

    try (RESTCatalog client = IcebergClients.connect(catalog, warehouse)) {
      TableIdentifier events = TableIdentifier.of("default", "events");
      Table table = client.loadTable(events);
      assertThat(table.spec().isUnpartitioned()).isTrue();
      assertThat(ids(table)).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L);
      assertThat(fileLocations(table)).isNotEmpty().allSatisfy(PipeTablesTest::hasNoEmptySegment);

      // a new file replaces the row of its key: an equality delete of an unpartitioned table
      writeRows(source, landing.root + "/events/part-2.parquet", List.<Object[]>of(new Object[] {2L, "changed", 7.0}));
      Eventually.within(Duration.ofSeconds(30), () -> given().get(pipe).then().body("filesLoaded", equalTo(3)));
      Table updated = client.loadTable(events);
      Map<Object, Object> amounts = rows(updated).stream()
          .collect(Collectors.toMap(r -> r.getField("id"), r -> r.getField("amount")));
      assertThat(amounts).hasSize(5).containsEntry(2L, 7.0).containsEntry(1L, 1.5);
      assertThat(fileLocations(updated)).isNotEmpty().allSatisfy(PipeTablesTest::hasNoEmptySegment);

      Operations.awaitSucceeded(given().delete(pipe).then().statusCode(202).extract().header("operation-id"));
    }
    Operations.awaitSucceeded(given().delete(DATABASES + "/" + database)
        .then().statusCode(202).extract().header("operation-id"));
  }

  /** The data and delete files of the table's current snapshot. */
  private static List<String> fileLocations(Table table) {
    List<String> locations = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        locations.add(task.file().location());
        task.deletes().forEach(d -> locations.add(d.location()));
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return locations;
  }

  private static void hasNoEmptySegment(String location) {
    assertThat(location.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://", "")).as(location).doesNotContain("//");
  }

  @Test
  void requestsIcebergCannotExpressAreRefusedWithTheReason() {
    ObjectStorage landing = ObjectStorages.local("bad-landing");
    String base = DATABASES + "/lake/pipeTables";
    Map<String, Object> good = Map.of("tableName", "t1", "sourceStorageName", landing.name, "pathPrefix", "x/");

    refused(base, with(good, "partitionConfig", Map.of("type", "dateTrunc", "column", "ts", "unit", "quarter")),
        400, "no Iceberg partition transform");
    refused(base, with(good, "keyConfig", Map.of("type", "aggregate")), 400, "aggregate");
    refused(base, with(good, "tableName", "Bad Name"), 400, "Invalid tableName");
    refused(base, with(good, "columnOverrides", Map.of("a", "GEOMETRY")), 400, "unknown type");
    refused(base, with(good, "sourceStorageName", "nope"), 404, "nope");
    refused(DATABASES + "/missing/pipeTables", good, 404, "missing");
    given().contentType(ContentType.JSON).body("{\"tableName\": 5,").post(base).then().statusCode(400);
    given().get(base + "/nothing").then().statusCode(404);
    given().delete(base + "/nothing").then().statusCode(404);
  }

  @Test
  void aPrefixWithoutParquetFilesFailsTheOperationWithAClearDetail() {
    ObjectStorage landing = ObjectStorages.local("empty-landing");
    String operation = given().contentType(ContentType.JSON)
        .body(Map.of("tableName", "empty_" + UUID.randomUUID().toString().substring(0, 6),
            "sourceStorageName", landing.name, "pathPrefix", "nothing-here/"))
        .post(DATABASES + "/lake/pipeTables").then().statusCode(202).extract().header("operation-id");
    Operations.awaitFinished(operation).body("status", equalTo("failed"))
        .body("error.status", equalTo(400))
        .body("error.detail", containsString("No parquet files under 'nothing-here/'"));
  }

  private static void refused(String path, Map<String, Object> body, int status, String detail) {
    given().contentType(ContentType.JSON).body(body).post(path).then().statusCode(status)
        .contentType("application/problem+json").body("detail", containsString(detail));
  }

  private static Map<String, Object> with(Map<String, Object> body, String key, Object value) {
    Map<String, Object> copy = new java.util.HashMap<>(body);
    copy.put(key, value);
    return copy;
  }

  private static void writeParquet(FileIO io, String location, long firstId, int count) throws IOException {
    try (FileAppender<Record> out = Parquet.write(io.newOutputFile(location))
        .schema(SOURCE).createWriterFunc(GenericParquetWriter::create).overwrite().build()) {
      for (long id = firstId; id < firstId + count; id++) {
        Record row = GenericRecord.create(SOURCE);
        row.setField("id", id);
        row.setField("customer", "customer-" + id);
        row.setField("amount", id + 0.5);
        out.add(row);
      }
    }
  }

  private static void writeRows(FileIO io, String location, List<Object[]> rows) throws IOException {
    try (FileAppender<Record> out = Parquet.write(io.newOutputFile(location))
        .schema(SOURCE).createWriterFunc(GenericParquetWriter::create).overwrite().build()) {
      for (Object[] values : rows) {
        Record row = GenericRecord.create(SOURCE);
        row.setField("id", values[0]);
        row.setField("customer", values[1]);
        row.setField("amount", values[2]);
        out.add(row);
      }
    }
  }

  private static List<Record> rows(Table table) {
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
      List<Record> all = new ArrayList<>();
      rows.forEach(r -> all.add(r.copy()));
      return all;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Set<Object> ids(Table table) {
    return rows(table).stream().map(r -> r.getField("id")).collect(Collectors.toSet());
  }

  private List<String> files(ObjectStorage storage) {
    SupportsPrefixOperations io = (SupportsPrefixOperations) fileIOs.forStorage(storage.storage());
    return StreamSupport.stream(io.listPrefix(storage.root + "/").spliterator(), false)
        .map(f -> f.location()).toList();
  }
}
