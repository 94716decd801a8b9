package io.ailake.statistics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.ailake.iceberg.Warehouse;
import io.ailake.testing.Eventually;
import io.ailake.testing.IcebergClients;
import io.ailake.testing.Warehouses;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;
import org.apache.datasketches.common.Family;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.theta.CompactSketch;
import org.apache.datasketches.theta.UpdateSketch;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StatisticsFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.encryption.EncryptedFiles;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.puffin.BlobMetadata;
import org.apache.iceberg.puffin.Puffin;
import org.apache.iceberg.puffin.PuffinReader;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.ByteBuffers;
import org.apache.iceberg.util.DateTimeUtil;
import org.apache.iceberg.util.Pair;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AnalyzeStatisticsTest {

  static final String BASE = "/api/v1/ailake/database/instances";

  static final Schema ORDERS =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "category", Types.StringType.get()),
          Types.NestedField.optional(3, "amount", Types.DoubleType.get()),
          Types.NestedField.optional(4, "day", Types.DateType.get()));

  @TestHTTPResource("/iceberg")
  URL catalog;

  /**
   * 100 orders in two data files, then an equality delete of ids 0 and 1. What stays: 98 rows; category
   * is null for ids 10, 20 .. 90 (9 rows) and otherwise one of c0..c6; amount is null for ids 4, 8 .. 96
   * (24 rows) and otherwise one of 5 values; day is one of 3 dates.
   */
  static Table createOrders(RESTCatalog client, TableIdentifier identifier) throws IOException {
    Table table = client.createTable(identifier, ORDERS);
    IntFunction<Record> order = i -> {
      Record row = GenericRecord.create(ORDERS);
      row.setField("id", (long) i);
      row.setField("category", i % 10 == 0 ? null : "c" + (i % 7));
      row.setField("amount", i % 4 == 0 ? null : (i % 5) * 1.5);
      row.setField("day", LocalDate.of(2024, 1, 1).plusDays(i % 3));
      return row;
    };
    GenericFileWriterFactory writers =
        new GenericFileWriterFactory.Builder(table)
            .dataFileFormat(FileFormat.PARQUET)
            .deleteFileFormat(FileFormat.PARQUET)
            .equalityFieldIds(new int[] {1})
            .equalityDeleteRowSchema(ORDERS.select("id"))
            .build();
    var append = table.newAppend();
    for (int file = 0; file < 2; file++) {
      DataWriter<Record> writer = writers.newDataWriter(
          EncryptedFiles.plainAsEncryptedOutput(
              table.io().newOutputFile(table.locationProvider().newDataLocation("part-" + file + ".parquet"))),
          PartitionSpec.unpartitioned(), null);
      try (writer) {
        for (int i = file * 50; i < file * 50 + 50; i++) {
          writer.write(order.apply(i));
        }
      }
      append.appendFile(writer.toDataFile());
    }
    append.commit();

    EqualityDeleteWriter<Record> deletes = writers.newEqualityDeleteWriter(
        EncryptedFiles.plainAsEncryptedOutput(
            table.io().newOutputFile(table.locationProvider().newDataLocation("delete-0.parquet"))),
        PartitionSpec.unpartitioned(), null);
    try (deletes) {
      for (long id = 0; id < 2; id++) {
        Record key = GenericRecord.create(ORDERS.select("id"));
        key.setField("id", id);
        deletes.write(key);
      }
    }
    table.newRowDelta().addDeletes(deletes.toDeleteFile()).commit();
    return table;
  }

  /** A new local warehouse holding {@link #createOrders} as {@code orders} (its namespace created too). */
  Warehouse warehouseWith(TableIdentifier orders) throws IOException {
    Warehouse warehouse = Warehouses.local("stats");
    try (RESTCatalog client = IcebergClients.connect(catalog, warehouse)) {
      client.createNamespace(orders.namespace());
      createOrders(client, orders);
    }
    return warehouse;
  }

  @Test
  void analyzingATableAttachesAPuffinFileWithATrueThetaSketchPerColumn() throws Exception {
    Warehouse warehouse = Warehouses.s3("stats");
    TableIdentifier orders = TableIdentifier.of("sales", "orders");
    long snapshotId;
    try (RESTCatalog client = IcebergClients.connect(catalog, warehouse)) {
      client.createNamespace(Namespace.of("sales"));
      snapshotId = createOrders(client, orders).currentSnapshot().snapshotId();
    }
    String operationId = UUID.randomUUID().toString();

    given().contentType(ContentType.JSON).header("operation-id", operationId)
        .body("{\"tableNames\":[\"sales.orders\"]}")
        .post(BASE + "/" + warehouse.name + "/analyzeStatistics")
        .then().statusCode(202).header("operation-id", operationId).body(equalTo("{}"));
    JsonPath operation = awaitSucceeded(operationId);

    assertThat(operation.getString("kind")).isEqualTo("analyze-statistics");
    assertThat(operation.getList("result.tables")).hasSize(1);
    Map<String, Object> result = operation.getMap("result.tables[0]");
    assertThat(result).containsEntry("name", "sales.orders").containsEntry("rowCount", 98)
        .containsEntry("snapshotId", snapshotId);
    assertThat(operation.getList("result.tables[0].columns", Map.class)).containsExactly(
        column("id", 0, 98), column("category", 9, 7), column("amount", 24, 5), column("day", 0, 3));

    try (RESTCatalog client = IcebergClients.connect(catalog, warehouse)) {
      Table table = client.loadTable(orders);
      assertThat(table.statisticsFiles()).hasSize(1);
      StatisticsFile statistics = table.statisticsFiles().get(0);
      assertThat(statistics.snapshotId()).isEqualTo(table.currentSnapshot().snapshotId());
      assertThat(statistics.path()).isEqualTo(result.get("statisticsFile"))
          .startsWith(table.location() + "/metadata/" + snapshotId + "-").endsWith(".stats");
      assertThat(statistics.blobMetadata()).extracting(b -> b.fields().get(0), b -> b.properties().get("ndv"))
          .containsExactly(
              tuple(1, "98"), tuple(2, "7"), tuple(3, "5"), tuple(4, "3"));

      Map<Integer, ByteBuffer> sketches = new HashMap<>();
      try (PuffinReader reader = Puffin.read(table.io().newInputFile(statistics.path()))
          .withFileSize(statistics.fileSizeInBytes()).withFooterSize(statistics.fileFooterSizeInBytes()).build()) {
        List<BlobMetadata> blobs = reader.fileMetadata().blobs();
        assertThat(blobs).hasSize(4).allSatisfy(blob -> {
          assertThat(blob.type()).isEqualTo("apache-datasketches-theta-v1");
          assertThat(blob.snapshotId()).isEqualTo(snapshotId);
          assertThat(blob.sequenceNumber()).isEqualTo(table.snapshot(snapshotId).sequenceNumber());
          assertThat(blob.properties()).containsOnlyKeys("ndv");
        });
        for (Pair<BlobMetadata, ByteBuffer> blob : reader.readAll(blobs)) {
          sketches.put(blob.first().inputFields().get(0), blob.second());
        }
      }
      // every blob is a compact theta sketch whose estimate is the real distinct count
      assertThat(estimate(sketches.get(1))).isEqualTo(98.0);
      assertThat(estimate(sketches.get(4))).isEqualTo(3.0);
      // and it is the sketch any engine builds from the values' single-value serialization, so sketches
      // of different writers can be merged
      UpdateSketch categories = UpdateSketch.builder().setFamily(Family.ALPHA).build();
      for (int i = 0; i < 7; i++) {
        categories.update(ByteBuffers.toByteArray(Conversions.toByteBuffer(Types.StringType.get(), "c" + i)));
      }
      assertThat(ByteBuffers.toByteArray(sketches.get(2))).isEqualTo(categories.compact().toByteArray());
      UpdateSketch days = UpdateSketch.builder().setFamily(Family.ALPHA).build();
      for (int i = 0; i < 3; i++) {
        int day = DateTimeUtil.daysFromDate(LocalDate.of(2024, 1, 1).plusDays(i)); // a date is its day number
        days.update(ByteBuffers.toByteArray(Conversions.toByteBuffer(Types.DateType.get(), day)));
      }
      assertThat(ByteBuffers.toByteArray(sketches.get(4))).isEqualTo(days.compact().toByteArray());
    }
  }

  @Test
  void analyzingAgainReplacesTheSnapshotsStatisticsFileAndDeletesTheOldOne() throws Exception {
    TableIdentifier orders = TableIdentifier.of("default", "orders");
    Warehouse warehouse = warehouseWith(orders);
    String first = awaitSucceeded(analyze(warehouse.name, "{\"tableNames\":[\"orders\"]}"))
        .getString("result.tables[0].statisticsFile");
    String second = awaitSucceeded(analyze(warehouse.name, "{\"tableNames\":[\"orders\"]}"))
        .getString("result.tables[0].statisticsFile");

    assertThat(second).isNotEqualTo(first);
    try (RESTCatalog client = IcebergClients.connect(catalog, warehouse)) {
      Table table = client.loadTable(orders);
      assertThat(table.statisticsFiles()).extracting(StatisticsFile::path).containsExactly(second);
      assertThat(table.io().newInputFile(first).exists()).as("the replaced file is deleted").isFalse();
      assertThat(table.io().newInputFile(second).exists()).isTrue();
    }
  }

  @Test
  void aJobWhoseWorkerDiedMidwayIsFinishedByTheNextAttempt() throws Exception {
    TableIdentifier orders = TableIdentifier.of("default", "orders");
    Warehouse warehouse = warehouseWith(orders);
    String body = "{\"tableNames\":[\"orders\"]}";

    // died after writing its file, before attaching it: the file is there, the table does not know it
    String first = analyze(warehouse.name, body);
    JsonPath firstDone = awaitSucceeded(first);
    String firstFile = firstDone.getString("result.tables[0].statisticsFile");
    byte[] firstBytes;
    try (RESTCatalog client = IcebergClients.connect(catalog, warehouse)) {
      Table table = client.loadTable(orders);
      firstBytes = table.io().newInputFile(firstFile).newStream().readAllBytes();
      table.updateStatistics().removeStatistics(table.currentSnapshot().snapshotId()).commit();
    }
    runAgain(first);
    assertThat(awaitSucceeded(first).getMap("result")).isEqualTo(firstDone.getMap("result"));
    try (RESTCatalog client = IcebergClients.connect(catalog, warehouse)) {
      Table table = client.loadTable(orders);
      assertThat(table.statisticsFiles()).extracting(StatisticsFile::path).containsExactly(firstFile);
      assertThat(blobs(table, table.statisticsFiles().get(0))).hasSize(4);
    }

    // died after attaching a new file, before deleting the one it replaced
    String second = analyze(warehouse.name, body);
    JsonPath secondDone = awaitSucceeded(second);
    try (RESTCatalog client = IcebergClients.connect(catalog, warehouse)) {
      Table table = client.loadTable(orders);
      try (var out = table.io().newOutputFile(firstFile).create()) {
        out.write(firstBytes);
      }
    }
    runAgain(second);
    assertThat(awaitSucceeded(second).getMap("result")).isEqualTo(secondDone.getMap("result"));
    try (RESTCatalog client = IcebergClients.connect(catalog, warehouse)) {
      Table table = client.loadTable(orders);
      assertThat(table.statisticsFiles()).extracting(StatisticsFile::path)
          .containsExactly(secondDone.getString("result.tables[0].statisticsFile"));
      assertThat(table.io().newInputFile(firstFile).exists()).as("the replaced file is deleted").isFalse();
    }
  }

  @Test
  void withoutTableNamesEveryTableOfEveryNamespaceIsAnalyzed() throws Exception {
    Warehouse warehouse = Warehouses.local("stats");
    try (RESTCatalog client = IcebergClients.connect(catalog, warehouse)) {
      client.createNamespace(Namespace.of("default"));
      client.createNamespace(Namespace.of("sales"));
      client.createNamespace(Namespace.of("sales", "eu"));
      createOrders(client, TableIdentifier.of("default", "orders"));
      createOrders(client, TableIdentifier.of(Namespace.of("sales", "eu"), "orders"));
      client.createTable(TableIdentifier.of("sales", "empty"), ORDERS);
    }

    for (String body : new String[] {"{}", "{\"tableNames\":[]}", null}) {
      JsonPath operation = awaitSucceeded(analyze(warehouse.name, body));
      assertThat(operation.getList("result.tables.name"))
          .containsExactlyInAnyOrder("orders", "sales.eu.orders", "sales.empty");
      assertThat(operation.getString("result.tables.find { it.name == 'sales.empty' }.skipped"))
          .contains("no snapshot");
      assertThat(operation.getList("result.tables.findAll { it.rowCount == 98 }")).hasSize(2);
    }
    try (RESTCatalog client = IcebergClients.connect(catalog, warehouse)) {
      assertThat(client.loadTable(TableIdentifier.of(Namespace.of("sales", "eu"), "orders")).statisticsFiles())
          .hasSize(1);
      assertThat(client.loadTable(TableIdentifier.of("sales", "empty")).statisticsFiles()).isEmpty();
    }
  }

  @Test
  void wrongRequestsAreAnsweredAtOnceAsProblems() throws Exception {
    Warehouse warehouse = Warehouses.local("stats");
    try (RESTCatalog client = IcebergClients.connect(catalog, warehouse)) {
      client.createNamespace(Namespace.of("default"));
      client.createTable(TableIdentifier.of("default", "orders"), ORDERS);
    }
    String path = BASE + "/" + warehouse.name + "/analyzeStatistics";

    given().contentType(ContentType.JSON).body("{}").post(BASE + "/no-such-db/analyzeStatistics")
        .then().statusCode(404).contentType("application/problem+json")
        .body("detail", equalTo("Database instance no-such-db does not exist"));
    given().contentType(ContentType.JSON).body("{\"tableNames\":[\"orders\",\"sales.missing\"]}").post(path)
        .then().statusCode(404).contentType("application/problem+json")
        .body("detail", equalTo("Table sales.missing does not exist in database " + warehouse.name));
    given().contentType(ContentType.JSON).body("{\"tableNames\":[\"missing\"]}").post(path)
        .then().statusCode(404).body("detail", containsString("Table missing does not exist"));
    given().contentType(ContentType.JSON).body("{\"tableNames\":[\"sales.\"]}").post(path)
        .then().statusCode(400).contentType("application/problem+json")
        .body("detail", containsString("Invalid table name 'sales.'"));
    given().contentType(ContentType.JSON).body("{\"tableNames\":\"orders\"}").post(path)
        .then().statusCode(400).contentType("application/problem+json")
        .body("detail", containsString("tableNames"));
    given().contentType(ContentType.JSON).body("{\"tableNames\":[").post(path)
        .then().statusCode(400).contentType("application/problem+json");

    QuarkusTransaction.requiringNew().run(() ->
        Warehouse.update("state = ?1 where id = ?2", Warehouse.DELETING, warehouse.id));
    given().contentType(ContentType.JSON).body("{}").post(BASE + "/" + warehouse.id + "/analyzeStatistics")
        .then().statusCode(409).contentType("application/problem+json")
        .body("detail", containsString("is deleting"));
    assertThat(QuarkusTransaction.requiringNew().<Number>call(() -> (Number) io.ailake.operations.Job.getEntityManager()
            .createNativeQuery("SELECT count(*) FROM job WHERE kind = 'analyze-statistics'"
                + " AND payload->>'warehouseId' = ?1", Long.class)
            .setParameter(1, warehouse.id.toString())
            .getSingleResult()).longValue())
        .as("a refused request queues nothing").isZero();
  }

  static String analyze(String database, String body) {
    RequestSpecification request = given();
    if (body != null) { // without one: no body, no content type, as a bare `curl -X POST` sends
      request.contentType(ContentType.JSON).body(body);
    }
    return request.post(BASE + "/" + database + "/analyzeStatistics")
        .then().statusCode(202).extract().header("operation-id");
  }

  static JsonPath awaitSucceeded(String operationId) {
    Eventually.within(Duration.ofSeconds(60), () ->
        assertThat(given().get("/api/v1/ailake/operations/" + operationId).jsonPath().getString("status"))
            .isIn("succeeded", "failed"));
    JsonPath operation = given().get("/api/v1/ailake/operations/" + operationId).then().statusCode(200)
        .extract().jsonPath();
    assertThat(operation.getString("status")).as("operation %s: %s", operationId, operation.prettify())
        .isEqualTo("succeeded");
    return operation;
  }

  private static Map<String, Object> column(String name, int nullCount, int distinctCount) {
    Map<String, Object> column = new HashMap<>();
    column.put("name", name);
    column.put("nullCount", nullCount);
    column.put("distinctCount", distinctCount);
    return column;
  }

  private static double estimate(ByteBuffer blob) {
    return CompactSketch.wrap(Memory.wrap(ByteBuffers.toByteArray(blob))).getEstimate();
  }

  /** Marks a finished operation pending again, as if its worker died before recording the outcome. */
  private static void runAgain(String operationId) {
    QuarkusTransaction.requiringNew().run(() ->
        io.ailake.operations.Job.getEntityManager()
            .createNativeQuery("UPDATE job SET state = 'PENDING', result = NULL WHERE operation_id = ?1")
            .setParameter(1, operationId)
            .executeUpdate());
  }

  private static List<BlobMetadata> blobs(Table table, StatisticsFile statistics) throws IOException {
    try (PuffinReader reader = Puffin.read(table.io().newInputFile(statistics.path()))
        .withFileSize(statistics.fileSizeInBytes()).withFooterSize(statistics.fileFooterSizeInBytes()).build()) {
      return reader.fileMetadata().blobs();
    }
  }
}
