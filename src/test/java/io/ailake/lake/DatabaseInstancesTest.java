package io.ailake.lake;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import io.ailake.auth.Caller;
import io.ailake.iceberg.Warehouse;
import io.ailake.iceberg.WarehouseService;
import io.ailake.storage.FileIOs;
import io.ailake.storage.ObjectStorage;
import io.ailake.testing.IcebergClients;
import io.ailake.testing.ObjectStorages;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

@QuarkusTest
class DatabaseInstancesTest {

  static final String BASE = "/api/v1/ailake/database/instances";

  @TestHTTPResource("/iceberg")
  URL catalog;

  @Inject FileIOs fileIOs;
  @Inject WarehouseService warehouses;
  @Inject DatabaseInstances databases;
  @Inject Caller caller;

  @Test
  void aProvisionedDatabaseIsAWarehouseEnginesUseAndDeprovisioningLeavesTheStorageClean() throws Exception {
    ObjectStorage storage = ObjectStorages.s3("lakes");
    String name = uniqueName("sales");

    String operation = provision(name, storage.id.toString()).header("operation-id");
    awaitSucceeded(operation).body("kind", equalTo("provision-database"))
        .body("result.name", equalTo(name));
    given().get(BASE + "/" + name).then().statusCode(200)
        .body("name", equalTo(name))
        .body("state", equalTo("ready"))
        .body("storageIds", org.hamcrest.Matchers.contains(storage.id.toString()))
        .body("dataSources[0].dataSourceId", equalTo(name))
        .body("dataSources[0].dataSourceName", equalTo(name));

    Warehouse warehouse = QuarkusTransaction.requiringNew().call(() -> Warehouse.findByName(
        io.ailake.organization.Organizations.DEFAULT_ID, name).orElseThrow());
    IcebergClients.tableWithOneDataFile(catalog, warehouse);
    assertThat(files(storage)).isNotEmpty();

    String deprovision = given().delete(BASE + "/" + name).then().statusCode(202)
        .header("operation-location", containsString("/api/v1/ailake/operations/"))
        .extract().header("operation-id");
    awaitSucceeded(deprovision).body("kind", equalTo("deprovision-database"));

    given().get(BASE + "/" + name).then().statusCode(404);
    given().queryParam("warehouse", name).get("/iceberg/v1/config").then().statusCode(404);
    assertThat(files(storage)).as("the storage is clean").isEmpty();
    awaitSucceeded(provision(name, storage.name).header("operation-id")); // the name is free again
  }

  @Test
  void theDefaultWarehouseIsADatabaseInTheDefaultStorage() {
    String defaultStorageId = given().get("/api/v1/ailake/objectStorages").then().statusCode(200)
        .extract().path("storages.find { it.name == 'default' }.storageId");

    given().get(BASE + "/lake").then().statusCode(200)
        .body("state", equalTo("ready"))
        .body("storageIds", org.hamcrest.Matchers.contains(defaultStorageId))
        .body("dataSources.dataSourceId", org.hamcrest.Matchers.contains("lake"));
  }

  @Test
  void deprovisioningADatabaseNestedInAnotherWarehouseLeavesTheOtherOnesFiles() throws Exception {
    ObjectStorage storage = ObjectStorages.local("nested");
    String outer = uniqueName("outer");
    awaitSucceeded(provision(outer, storage.id.toString()).header("operation-id"));
    // a second storage rooted inside the first database: its databases nest inside the outer one
    ObjectStorage inner = ObjectStorages.localAt("inner", storage.root + "/" + outer);
    String nested = uniqueName("nested");
    awaitSucceeded(provision(nested, inner.id.toString()).header("operation-id"));
    Warehouse outerWarehouse = QuarkusTransaction.requiringNew().call(() -> Warehouse.findByName(
        io.ailake.organization.Organizations.DEFAULT_ID, outer).orElseThrow());
    Warehouse nestedWarehouse = QuarkusTransaction.requiringNew().call(() -> Warehouse.findByName(
        io.ailake.organization.Organizations.DEFAULT_ID, nested).orElseThrow());
    String nestedTableLocation;
    try (RESTCatalog client = IcebergClients.connect(catalog, nestedWarehouse)) {
      client.createNamespace(Namespace.of("ns"));
      nestedTableLocation = client.createTable(TableIdentifier.of("ns", "kept"),
          new Schema(Types.NestedField.required(1, "id", Types.LongType.get()))).location();
    }

    awaitSucceeded(given().delete(BASE + "/" + outer).then().statusCode(202).extract().header("operation-id"));

    assertThat(nestedTableLocation).startsWith(outerWarehouse.location + "/");
    try (RESTCatalog client = IcebergClients.connect(catalog, nestedWarehouse)) {
      assertThat(client.loadTable(TableIdentifier.of("ns", "kept")).location()).isEqualTo(nestedTableLocation);
    }
  }

  @Test
  void invalidProvisioningRequestsAreClearProblems() {
    ObjectStorage storage = ObjectStorages.local("checks");
    given().contentType(ContentType.JSON).header("X-Request-ID", "req-42")
        .body("{\"name\":\"no spaces allowed\",\"storageIds\":[\"" + storage.id + "\"]}")
        .post(BASE)
        .then().statusCode(400)
        .contentType("application/problem+json")
        .header("X-Request-ID", "req-42")
        .body("title", equalTo("Bad Request"))
        .body("status", equalTo(400))
        .body("detail", containsString("Invalid database name"))
        .body("traceId", equalTo("req-42"));
    given().contentType(ContentType.JSON).body("{\"name\":\"ok\",\"storageIds\":[]}").post(BASE)
        .then().statusCode(400).body("detail", containsString("storageIds"));
    given().contentType(ContentType.JSON).body("{\"name\":\"ok\",\"storageIds\":[\"nope\"]}").post(BASE)
        .then().statusCode(404).body("detail", equalTo("Object storage nope does not exist"));
    given().contentType(ContentType.JSON).body("{\"name\":\"ok\",\"storageIds\":\"x\"}").post(BASE)
        .then().statusCode(400).contentType("application/problem+json");
    given().contentType(ContentType.JSON).body("{\"name\":").post(BASE)
        .then().statusCode(400).contentType("application/problem+json");

    String name = uniqueName("taken");
    awaitSucceeded(provision(name, storage.id.toString()).header("operation-id"));
    given().contentType(ContentType.JSON)
        .body("{\"name\":\"" + name + "\",\"storageIds\":[\"" + storage.id + "\"]}").post(BASE)
        .then().statusCode(409).body("detail", containsString("already exists"));
    given().contentType(ContentType.JSON)
        .body("{\"name\":\"" + uniqueName("other") + "\",\"storageIds\":[\"" + storage.id + "\"],"
            + "\"dataSourceId\":\"" + name + "\"}").post(BASE)
        .then().statusCode(409).body("detail", containsString("Data source id"));
    given().get(BASE + "/missing-db").then().statusCode(404).body("traceId", notNullValue());
    given().get("/api/v1/ailake/operations/" + UUID.randomUUID()).then().statusCode(404);
    given().get(BASE + "?size=0").then().statusCode(400);
  }

  @Test
  void aClientChosenOperationIdIsHonouredAndRepeatsNothing() {
    ObjectStorage storage = ObjectStorages.local("opids");
    String name = uniqueName("opid");
    String id = UUID.randomUUID().toString();
    String body = "{\"name\":\"" + name + "\",\"storageIds\":[\"" + storage.id + "\"]}";

    given().contentType(ContentType.JSON).header("operation-id", id).body(body).post(BASE)
        .then().statusCode(202).header("operation-id", id)
        .header("operation-location", "/api/v1/ailake/operations/" + id);
    given().contentType(ContentType.JSON).header("operation-id", id).body(body).post(BASE)
        .then().statusCode(202).header("operation-id", id);
    given().contentType(ContentType.JSON).header("operation-id", id)
        .body("{\"name\":\"" + uniqueName("else") + "\",\"storageIds\":[\"" + storage.id + "\"]}").post(BASE)
        .then().statusCode(409).body("detail", containsString("different request"));

    awaitSucceeded(id);
    given().get(BASE + "?size=" + io.ailake.api.Paging.MAX_SIZE).then().statusCode(200)
        .body("databases.findAll { it.name == '" + name + "' }.size()", equalTo(1));
  }

  @Test
  void aDatabaseWithAPendingOperationShowsItsStateAndRefusesConflictingOnes() {
    String name = uniqueName("pending");
    Warehouse warehouse = warehouses.create(io.ailake.organization.Organizations.DEFAULT_ID, name, "target/test-warehouses/" + name, io.ailake.storage.Storage.local());
    QuarkusTransaction.requiringNew().run(() ->
        Warehouse.update("state = ?1 where id = ?2", Warehouse.PROVISIONING, warehouse.id));

    given().get(BASE + "/" + warehouse.id).then().statusCode(200).body("state", equalTo("provisioning"));
    given().delete(BASE + "/" + name).then().statusCode(409).body("detail", containsString("pending operation"));
    given().queryParam("warehouse", name).get("/iceberg/v1/config").then().statusCode(404)
        .body("error.message", containsString("not ready"));
  }

  @Test
  void listsPageBySizeAndOffsetAndCountOnRequest() {
    ObjectStorage storage = ObjectStorages.local("pages");
    for (int i = 0; i < 3; i++) {
      awaitSucceeded(provision(uniqueName("page" + i), storage.id.toString()).header("operation-id"));
    }
    int total = given().get(BASE + "?metaInclude=page").then().statusCode(200).extract().path("totalCount");
    assertThat(total).isGreaterThanOrEqualTo(3);

    List<String> first = given().get(BASE + "?size=2&offset=0").then().statusCode(200).extract().path("databases.name");
    List<String> second = given().get(BASE + "?size=2&offset=2").then().statusCode(200).extract().path("databases.name");
    assertThat(first).hasSize(2).doesNotContainAnyElementsOf(second);
    assertThat(first).isSorted();
    given().get(BASE).then().body("totalCount", org.hamcrest.Matchers.nullValue());
  }

  @Test
  void dataSourcesAreAddedRenamedAndRemovedButNeverTheLast() {
    ObjectStorage storage = ObjectStorages.local("ds");
    String name = uniqueName("bi");
    awaitSucceeded(provision(name, storage.id.toString()).header("operation-id"));
    String extra = name + "-extra";

    given().contentType(ContentType.JSON).body("{\"dataSourceId\":\"" + extra + "\"}")
        .post(BASE + "/" + name + "/dataSources")
        .then().statusCode(200)
        .body("dataSource.dataSourceId", equalTo(extra))
        .body("dataSource.dataSourceName", equalTo(extra))
        .body("dataSource.id", notNullValue());
    given().contentType(ContentType.JSON).body("{\"dataSourceId\":\"" + extra + "\"}")
        .post(BASE + "/" + name + "/dataSources").then().statusCode(409);
    given().contentType(ContentType.JSON)
        .body("{\"oldDataSourceId\":\"" + extra + "\",\"dataSourceId\":\"" + extra + "-2\",\"dataSourceName\":\"Sales BI\"}")
        .patch(BASE + "/" + name + "/dataSource")
        .then().statusCode(200)
        .body("dataSourceId", equalTo(extra + "-2"))
        .body("dataSourceName", equalTo("Sales BI"));
    given().contentType(ContentType.JSON)
        .body("{\"oldDataSourceId\":\"ghost\",\"dataSourceId\":\"x\"}")
        .patch(BASE + "/" + name + "/dataSource").then().statusCode(404);
    given().get(BASE + "/" + name + "/dataSources").then().statusCode(200)
        .body("dataSources.dataSourceId", org.hamcrest.Matchers.contains(name, extra + "-2"));

    given().delete(BASE + "/" + name + "/dataSources/" + extra + "-2").then().statusCode(200)
        .body("dataSourceId", equalTo(extra + "-2"));
    given().delete(BASE + "/" + name + "/dataSources/" + name).then().statusCode(409)
        .body("detail", containsString("last one"));
  }

  @Test
  void anOperationWhoseWorkerDiedIsFinishedExactlyOnceByAnother() {
    ObjectStorage storage = ObjectStorages.local("orphan");
    String name = uniqueName("orphan");
    String operationId = UUID.randomUUID().toString();
    // the request is accepted and a worker claims its job, then dies: in one transaction, so no live
    // worker sees the job unclaimed
    caller.authenticated(new Caller.Principal(
        io.ailake.organization.Organizations.DEFAULT_ID, io.ailake.auth.Role.ADMIN, null, false));
    QuarkusTransaction.requiringNew().run(() -> {
      databases.provision(
          new LakeRequests.ProvisionDatabaseInstance(name, List.of(storage.id.toString()), null, null),
          operationId);
      io.ailake.operations.Job.getEntityManager()
          .createNativeQuery("UPDATE job SET attempts = 1, lease_owner = 'worker-killed',"
              + " lease_until = now() - interval '1 second' WHERE operation_id = ?1")
          .setParameter(1, operationId)
          .executeUpdate();
    });

    awaitSucceeded(operationId);
    io.ailake.operations.Job job = QuarkusTransaction.requiringNew().call(() ->
        io.ailake.operations.Job.<io.ailake.operations.Job>find("operationId", operationId).firstResult());
    assertThat(job.attempts).as("claimed once more, by a live worker").isEqualTo(2);
    given().get(BASE + "/" + name).then().body("state", equalTo("ready"));
    given().get(BASE + "?size=" + io.ailake.api.Paging.MAX_SIZE).then().body("databases.name", hasItem(name))
        .body("databases.findAll { it.name == '" + name + "' }.size()", equalTo(1));
  }

  static Response provision(String name, String storage) {
    Response response = given().contentType(ContentType.JSON)
        .body("{\"name\":\"" + name + "\",\"storageIds\":[\"" + storage + "\"]}")
        .post(BASE);
    response.then().statusCode(202).body(equalTo("{}"));
    return response;
  }

  static io.restassured.response.ValidatableResponse awaitSucceeded(String operationId) {
    return io.ailake.testing.Operations.awaitSucceeded(operationId);
  }

  static String uniqueName(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  private List<String> files(ObjectStorage storage) {
    SupportsPrefixOperations io = (SupportsPrefixOperations) fileIOs.forStorage(storage.storage());
    return StreamSupport.stream(io.listPrefix(storage.root + "/").spliterator(), false)
        .map(f -> f.location()).toList();
  }
}
