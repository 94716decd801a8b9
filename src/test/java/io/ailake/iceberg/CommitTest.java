package io.ailake.iceberg;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.ailake.testing.IcebergClients;
import io.ailake.testing.Warehouses;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.StreamSupport;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.MetadataUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.UpdateRequirement;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.rest.requests.CommitTransactionRequest;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Commits never lose an update: real concurrency, server-side retry, all-or-nothing transactions. */
@QuarkusTest
class CommitTest {

  @TestHTTPResource("/iceberg")
  URL catalog;

  private Warehouse warehouse;
  private String base;

  @BeforeEach
  void freshWarehouse() {
    warehouse = Warehouses.local("commits");
    base = "/iceberg/v1/" + warehouse.name;
    given().contentType(ContentType.JSON).body("{\"namespace\":[\"ns\"]}").post(base + "/namespaces")
        .then().statusCode(200);
  }

  @Test
  void eightWritersAppendingFiveTimesEachLeaveExactlyFortyFiles() throws Exception {
    TableIdentifier id = TableIdentifier.of("ns", "contended");
    try (RESTCatalog setup = IcebergClients.connect(catalog, warehouse)) {
      setup.buildTable(id, TableRoutesTest.ICEBERG_SCHEMA)
          // the clients retry their own 409s (a lost assert-ref-snapshot-id race) until they win
          .withProperty(TableProperties.COMMIT_NUM_RETRIES, "100")
          .withProperty(TableProperties.COMMIT_MIN_RETRY_WAIT_MS, "5")
          .withProperty(TableProperties.COMMIT_MAX_RETRY_WAIT_MS, "200")
          .create();
    }

    int writers = 8;
    int appends = 5;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<String>>> results = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      Callable<List<String>> task = () -> {
        List<String> appended = new ArrayList<>();
        try (RESTCatalog client = IcebergClients.connect(catalog, warehouse)) {
          start.await();
          for (int i = 0; i < appends; i++) {
            Table table = client.loadTable(id);
            var file = TableRoutesTest.dataFile(table, "w" + writer + "-" + i);
            table.newFastAppend().appendFile(file).commit();
            appended.add(file.location());
          }
        }
        return appended;
      };
      results.add(pool.submit(task));
    }
    start.countDown();
    List<String> acknowledged = new ArrayList<>();
    for (Future<List<String>> result : results) {
      acknowledged.addAll(result.get());
    }
    pool.shutdown();

    try (RESTCatalog reader = IcebergClients.connect(catalog, warehouse)) {
      Table table = reader.loadTable(id);
      List<String> inSnapshot;
      try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
        inSnapshot = StreamSupport.stream(tasks.spliterator(), false).map(t -> t.file().location()).toList();
      }
      assertThat(acknowledged).hasSize(writers * appends);
      assertThat(inSnapshot).containsExactlyInAnyOrderElementsOf(acknowledged);
      assertThat(table.snapshots()).hasSize(writers * appends);
    }
  }

  @Test
  void concurrentCommitsWhoseRequirementsStillHoldAreAllAppliedByServerSideRetry() throws Exception {
    createTable("retry");
    String uuid = tableUuid("retry");
    int writers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> statuses = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      String body = "{\"requirements\":[{\"type\":\"assert-table-uuid\",\"uuid\":\"" + uuid + "\"}],"
          + "\"updates\":[{\"action\":\"set-properties\",\"updates\":{\"writer-" + w + "\":\"done\"}}]}";
      statuses.add(pool.submit(() -> {
        start.await();
        return given().contentType(ContentType.JSON).body(body).post(base + "/namespaces/ns/tables/retry")
            .statusCode();
      }));
    }
    start.countDown();
    for (Future<Integer> status : statuses) {
      assertThat(status.get()).isEqualTo(200);
    }
    pool.shutdown();

    Map<String, String> properties =
        given().get(base + "/namespaces/ns/tables/retry").jsonPath().getMap("metadata.properties");
    for (int w = 0; w < writers; w++) {
      assertThat(properties).containsEntry("writer-" + w, "done");
    }
  }

  @Test
  void aFailedRequirementIsACleanConflictAndANullSnapshotIdMeansTheRefMustNotExist() {
    createTable("guarded");
    try (RESTCatalog client = IcebergClients.connect(catalog, warehouse)) {
      Table table = client.loadTable(TableIdentifier.of("ns", "guarded"));
      table.newFastAppend().appendFile(TableRoutesTest.dataFile(table, "first")).commit();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    String before = metadataLocation("guarded");

    given().contentType(ContentType.JSON)
        .body("{\"requirements\":[{\"type\":\"assert-ref-snapshot-id\",\"ref\":\"main\",\"snapshot-id\":null}],"
            + "\"updates\":[{\"action\":\"set-properties\",\"updates\":{\"x\":\"y\"}}]}")
        .post(base + "/namespaces/ns/tables/guarded")
        .then().statusCode(409).body("error.type", equalTo("CommitFailedException"));
    given().contentType(ContentType.JSON)
        .body("{\"requirements\":[{\"type\":\"assert-table-uuid\",\"uuid\":\"" + java.util.UUID.randomUUID()
            + "\"}],\"updates\":[{\"action\":\"set-properties\",\"updates\":{\"x\":\"y\"}}]}")
        .post(base + "/namespaces/ns/tables/guarded")
        .then().statusCode(409);
    given().contentType(ContentType.JSON)
        .body("{\"requirements\":[{\"type\":\"assert-current-schema-id\",\"current-schema-id\":7}],"
            + "\"updates\":[{\"action\":\"set-properties\",\"updates\":{\"x\":\"y\"}}]}")
        .post(base + "/namespaces/ns/tables/guarded")
        .then().statusCode(409);

    assertThat(metadataLocation("guarded")).isEqualTo(before);
  }

  @Test
  void aMultiTableCommitWithOneFailingRequirementChangesNoTable() {
    createTable("a");
    createTable("b");
    String locationA = metadataLocation("a");
    String locationB = metadataLocation("b");

    CommitTransactionRequest request = new CommitTransactionRequest(List.of(
        setBatch("a", new UpdateRequirement.AssertTableUUID(tableUuid("a")), "1"),
        setBatch("b", new UpdateRequirement.AssertCurrentSchemaID(42), "1")));
    given().contentType(ContentType.JSON).body(IcebergJson.write(request))
        .post(base + "/transactions/commit")
        .then().statusCode(409).body("error.type", equalTo("CommitFailedException"));

    assertThat(metadataLocation("a")).isEqualTo(locationA);
    assertThat(metadataLocation("b")).isEqualTo(locationB);
  }

  @Test
  void aMultiTableCommitAppliesEveryChange() {
    createTable("c");
    createTable("d");
    CommitTransactionRequest request = new CommitTransactionRequest(List.of(
        setBatch("c", new UpdateRequirement.AssertTableUUID(tableUuid("c")), "2"),
        setBatch("d", new UpdateRequirement.AssertTableUUID(tableUuid("d")), "2")));

    given().contentType(ContentType.JSON).body(IcebergJson.write(request))
        .post(base + "/transactions/commit").then().statusCode(204);

    for (String table : List.of("c", "d")) {
      given().get(base + "/namespaces/ns/tables/" + table).then().statusCode(200)
          .body("metadata.properties.batch", equalTo("2"));
    }
  }

  @Test
  void aMultiTableCommitNamingAMissingTableIs404AndChangesNothing() {
    createTable("e");
    String before = metadataLocation("e");
    CommitTransactionRequest request = new CommitTransactionRequest(List.of(
        UpdateTableRequest.create(
            TableIdentifier.of("ns", "e"), List.of(), List.of(new MetadataUpdate.SetProperties(Map.of("k", "v")))),
        UpdateTableRequest.create(
            TableIdentifier.of("ns", "missing"), List.of(), List.of(new MetadataUpdate.SetProperties(Map.of("k", "v"))))));

    given().contentType(ContentType.JSON).body(IcebergJson.write(request))
        .post(base + "/transactions/commit").then().statusCode(404);
    assertThat(metadataLocation("e")).isEqualTo(before);
  }

  private static UpdateTableRequest setBatch(String table, UpdateRequirement requirement, String batch) {
    return UpdateTableRequest.create(
        TableIdentifier.of("ns", table),
        List.of(requirement),
        List.of(new MetadataUpdate.SetProperties(Map.of("batch", batch))));
  }

  private void createTable(String name) {
    given().contentType(ContentType.JSON)
        .body("{\"name\":\"" + name + "\",\"schema\":" + TableRoutesTest.SCHEMA + "}")
        .post(base + "/namespaces/ns/tables").then().statusCode(200);
  }

  private String tableUuid(String name) {
    return given().get(base + "/namespaces/ns/tables/" + name).jsonPath().getString("metadata.table-uuid");
  }

  private String metadataLocation(String name) {
    return given().get(base + "/namespaces/ns/tables/" + name).jsonPath().getString("metadata-location");
  }
}
