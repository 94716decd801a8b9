package io.ailake.data.envelope;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import io.ailake.iceberg.Warehouse;
import io.ailake.storage.ObjectStorage;
import io.ailake.testing.AuthenticatedRestAssured;
import io.ailake.testing.ObjectStorages;
import io.ailake.testing.Operations;
import io.ailake.testing.TestTokens;
import io.ailake.testing.Warehouses;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The seed's envelope at POST /api/v1/datalake: each operation does what its REST route does (one
 * service behind both), and each refusal answers the envelope's error with its code and the real status.
 */
@QuarkusTest
class DatalakeEnvelopeTest {

  private static final String ENVELOPE = "/api/v1/datalake";
  private static final String DATABASES = "/api/v1/ailake/database/instances";
  private static final List<Map<String, Object>> COLUMNS = List.of(
      Map.of("name", "id", "type", "long", "nullable", false),
      Map.of("name", "name", "type", "string", "nullable", true));

  private static Response call(String operation, Map<String, Object> parameters) {
    return given().contentType(ContentType.JSON).body(Map.of("operation", operation, "parameters", parameters))
        .post(ENVELOPE);
  }

  private static String tables(Warehouse database) {
    return DATABASES + "/" + database.name + "/tables";
  }

  private static void createTable(Warehouse database, String table) {
    given().contentType(ContentType.JSON).body(Map.of("namespace", "shop", "name", table, "columns", COLUMNS))
        .post(tables(database)).then().statusCode(201);
  }

  private static Map<String, Object> table(Warehouse database, String table, Map<String, Object> more) {
    Map<String, Object> parameters = new java.util.HashMap<>(more);
    parameters.put("database", database.name);
    parameters.put("namespace", "shop");
    parameters.put("table", table);
    return parameters;
  }

  @Test
  void aTableCreatedThroughTheEnvelopeIsTheOneTheRestRouteDescribes() {
    Warehouse database = Warehouses.local("envelope");
    Response created = call("createTable", Map.of("database", database.name, "namespace", "shop", "table", "orders",
        "columns", COLUMNS, "partitionBy", List.of("name")));
    created.then().statusCode(201).contentType(ContentType.JSON)
        .body("success", equalTo(true))
        .body("data.name", equalTo("orders"))
        .body("meta.requestId", equalTo(created.header("X-Request-ID")))
        .body("meta.duration", notNullValue());
    assertThat(Instant.parse(created.path("meta.timestamp"))).isNotNull();

    Map<String, Object> rest = given().get(tables(database) + "/shop/orders").then().statusCode(200)
        .extract().as(Map.class);
    assertThat(rest.get("partitionBy")).isEqualTo(List.of("name"));
    Map<String, Object> described = call("getSchema", Map.of("database", database.name, "table", "shop.orders"))
        .then().statusCode(200).body("success", equalTo(true)).extract().path("data");
    assertThat(described).isEqualTo(rest);
    assertThat((Map<String, Object>) created.path("data")).isEqualTo(rest);
  }

  @Test
  void rowsInsertedThroughRestAreListedAndCountedThroughTheEnvelope() {
    Warehouse database = Warehouses.local("envelope");
    createTable(database, "t");
    given().contentType(ContentType.JSON).body("[{\"id\": 1}, {\"id\": 2}]").post(tables(database) + "/shop/t/rows")
        .then().statusCode(201);

    Map<String, Object> restList = given().queryParam("metaInclude", "page").get(tables(database)).then()
        .statusCode(200).extract().as(Map.class);
    call("listTables", Map.of("database", database.name)).then().statusCode(200)
        .body("data.tables", equalTo(restList.get("tables")))
        .body("data.totalCount", equalTo(1));
    call("getSchema", table(database, "t", Map.of())).then().statusCode(200).body("data.rowCount", equalTo(2));
  }

  @Test
  void rowsChangeThroughTheEnvelopeAsThroughTheRowRoutes() {
    Warehouse database = Warehouses.local("envelope");
    createTable(database, "t");
    call("insert", table(database, "t", Map.of("rows", List.of(Map.of("id", 1, "name", "a"), Map.of("id", 2),
        Map.of("id", 3))))).then().statusCode(201).body("data.rowsInserted", equalTo(3));
    call("update", table(database, "t", Map.of("where", "id = 1", "set", Map.of("name", "b"))))
        .then().statusCode(200).body("data.rowsUpdated", equalTo(1));
    call("deleteRecords", table(database, "t", Map.of("where", "id >= 2")))
        .then().statusCode(200).body("data.rowsDeleted", equalTo(2));
    given().get(tables(database) + "/shop/t").then().statusCode(200).body("rowCount", equalTo(1));
  }

  @Test
  void snapshotsSchemaChangesAndDropsThroughTheEnvelopeAreWhatTheRestRoutesSee() {
    Warehouse database = Warehouses.local("envelope");
    createTable(database, "t");
    call("insert", table(database, "t", Map.of("rows", List.of(Map.of("id", 1))))).then().statusCode(201);
    call("snapshot", table(database, "t", Map.of("tag", "first"))).then().statusCode(201)
        .body("success", equalTo(true));
    given().get(tables(database) + "/shop/t/snapshots").then().statusCode(200)
        .body("snapshots[0].tags", hasItem("first"));
    call("evolveSchema", table(database, "t", Map.of("changes",
        List.of(Map.of("action", "add", "name", "region", "type", "string"))))).then().statusCode(200);
    given().get(tables(database) + "/shop/t").then().statusCode(200).body("columns.name", hasItem("region"));
    call("dropTable", table(database, "t", Map.of())).then().statusCode(200).body("data.dropped", equalTo(true));
    given().get(tables(database) + "/shop/t").then().statusCode(404);
  }

  @Test
  void aDatabaseIsProvisionedAndDeprovisionedAsAnOperationToPoll() {
    ObjectStorage storage = ObjectStorages.local("envelope");
    String name = "env_" + UUID.randomUUID().toString().substring(0, 8);
    Response created = call("create", Map.of("name", name, "storageIds", List.of(storage.id.toString())));
    created.then().statusCode(202).body("success", equalTo(true)).body("data.kind", equalTo("provision-database"));
    String operation = created.path("data.id");
    assertThat(created.header("operation-id")).isEqualTo(operation);
    Operations.awaitSucceeded(operation);
    given().get(DATABASES + "/" + name).then().statusCode(200).body("state", equalTo("ready"));

    Response deleted = call("delete", Map.of("database", name));
    deleted.then().statusCode(202).body("data.kind", equalTo("deprovision-database"));
    Operations.awaitSucceeded(deleted.path("data.id"));
    given().get(DATABASES + "/" + name).then().statusCode(404);
  }

  @Test
  void eachRefusalIsTheEnvelopesErrorWithItsCodeAndTheRealStatus() {
    Warehouse database = Warehouses.local("envelope");
    createTable(database, "t");
    call("dropEverything", Map.of()).then().statusCode(400).contentType(ContentType.JSON)
        .body("success", equalTo(false)).body("error.code", equalTo("VALIDATION_ERROR"))
        .body("meta.requestId", notNullValue());
    call("getSchema", Map.of("table", "shop.t")).then().statusCode(400)
        .body("error.code", equalTo("VALIDATION_ERROR")).body("error.message", equalTo("Parameter 'database' is required"));
    call("getSchema", table(database, "missing", Map.of())).then().statusCode(404)
        .body("error.code", equalTo("NOT_FOUND"));
    call("getSchema", Map.of("database", "no_such_database", "table", "shop.t")).then().statusCode(404)
        .body("error.code", equalTo("NOT_FOUND"));
    call("query", Map.of("database", database.name, "sql", "DROP TABLE shop.t")).then().statusCode(400)
        .body("error.code", equalTo("VALIDATION_ERROR"));
    call("timeTravel", Map.of("database", database.name, "sql", "SELECT * FROM shop.t")).then().statusCode(400)
        .body("error.code", equalTo("VALIDATION_ERROR"));
    given().contentType(ContentType.JSON).body("{\"operation\": ").post(ENVELOPE).then().statusCode(400)
        .body("success", equalTo(false)).body("error.code", equalTo("VALIDATION_ERROR"));
    given().contentType(ContentType.JSON).body("{\"operation\": \"listTables\", \"parameters\": [1]}").post(ENVELOPE)
        .then().statusCode(400).body("error.code", equalTo("VALIDATION_ERROR"));
    Response anonymous = given().header(AuthenticatedRestAssured.ANONYMOUS, "true").contentType(ContentType.JSON)
        .body(Map.of("operation", "listTables", "parameters", Map.of("database", database.name))).post(ENVELOPE);
    anonymous.then().statusCode(401).contentType(ContentType.JSON).body("success", equalTo(false))
        .body("error.code", equalTo("AUTHENTICATION_ERROR"))
        .body("meta.requestId", equalTo(anonymous.header("X-Request-ID")));
  }

  @Test
  void aReadTokenReadsButNeverWritesAndAnotherOrganizationSeesNothing() {
    Warehouse database = Warehouses.local("envelope");
    createTable(database, "t");
    String admin = TestTokens.bearer(TestTokens.serverAdmin());
    String ownRead = given().header("Authorization", admin).contentType(ContentType.JSON)
        .body(Map.of("name", "reader", "role", "read"))
        .post("/api/v1/admin/organizations/" + io.ailake.organization.Organizations.DEFAULT_ID + "/tokens")
        .then().statusCode(201).extract().path("token");
    for (String operation : List.of("listTables", "getSchema")) {
      given().header("Authorization", TestTokens.bearer(ownRead)).contentType(ContentType.JSON)
          .body(Map.of("operation", operation, "parameters", table(database, "t", Map.of())))
          .post(ENVELOPE).then().statusCode(200).body("success", equalTo(true));
    }
    for (String operation : List.of("insert", "deleteRecords", "dropTable", "createTable", "delete")) {
      given().header("Authorization", TestTokens.bearer(ownRead)).contentType(ContentType.JSON)
          .body(Map.of("operation", operation, "parameters",
              table(database, "t", Map.of("rows", List.of(Map.of("id", 1)), "where", "true"))))
          .post(ENVELOPE).then().statusCode(403).body("error.code", equalTo("AUTHORIZATION_ERROR"));
    }
    given().get(tables(database) + "/shop/t").then().statusCode(200).body("rowCount", equalTo(0));

    String org = given().header("Authorization", admin).contentType(ContentType.JSON)
        .body(Map.of("name", "env_" + UUID.randomUUID().toString().substring(0, 8)))
        .post("/api/v1/admin/organizations").then().statusCode(201).extract().path("id");
    String foreign = given().header("Authorization", admin).contentType(ContentType.JSON)
        .body(Map.of("name", "other", "role", "admin")).post("/api/v1/admin/organizations/" + org + "/tokens")
        .then().statusCode(201).extract().path("token");
    for (String operation : List.of("getSchema", "insert")) {
      given().header("Authorization", TestTokens.bearer(foreign)).contentType(ContentType.JSON)
          .body(Map.of("operation", operation, "parameters", table(database, "t", Map.of("rows", List.of(Map.of("id", 1))))))
          .post(ENVELOPE).then().statusCode(404).body("error.code", equalTo("NOT_FOUND"));
    }
    given().get(tables(database) + "/shop/t").then().statusCode(200).body("rowCount", equalTo(0));
  }

  @Test
  void aQueryThroughTheEnvelopeAnswersWhatTheQueryRouteAnswersAndTimeTravelReadsAnOlderSnapshot() {
    Warehouse database = Warehouses.local("envelope");
    createTable(database, "t");
    long first = ((Number) call("insert", table(database, "t", Map.of("rows", List.of(Map.of("id", 1)))))
        .then().statusCode(201).extract().path("data.snapshotId")).longValue();
    call("insert", table(database, "t", Map.of("rows", List.of(Map.of("id", 2), Map.of("id", 3)))))
        .then().statusCode(201);
    String sql = "SELECT count(*) AS n, max(id) AS top FROM shop.t";
    Map<String, Object> rest = given().contentType(ContentType.JSON).body(Map.of("sql", sql))
        .post(DATABASES + "/" + database.name + "/query").then().statusCode(200).extract().as(Map.class);
    Response query = call("query", Map.of("database", database.name, "sql", sql));
    query.then().statusCode(200).body("success", equalTo(true));
    assertThat((Object) query.path("data.rows")).isEqualTo(rest.get("rows"));
    assertThat((Object) query.path("data.snapshots")).isEqualTo(rest.get("snapshots"));
    assertThat(query.<List<List<Object>>>path("data.rows").get(0)).containsExactly(3, 3);

    call("timeTravel", Map.of("database", database.name, "sql", sql, "snapshotId", first)).then().statusCode(200)
        .body("data.rows[0]", equalTo(List.of(1, 1)));
    call("timeTravel", Map.of("database", database.name, "sql", sql, "asOf", Map.of("snapshotId", first)))
        .then().statusCode(200).body("data.rows[0]", equalTo(List.of(1, 1)));

    String admin = TestTokens.bearer(TestTokens.serverAdmin());
    String read = given().header("Authorization", admin).contentType(ContentType.JSON)
        .body(Map.of("name", "reader", "role", "read"))
        .post("/api/v1/admin/organizations/" + io.ailake.organization.Organizations.DEFAULT_ID + "/tokens")
        .then().statusCode(201).extract().path("token");
    given().header("Authorization", TestTokens.bearer(read)).contentType(ContentType.JSON)
        .body(Map.of("operation", "query", "parameters", Map.of("database", database.name, "sql", sql)))
        .post(ENVELOPE).then().statusCode(200).body("data.rowCount", equalTo(1));
  }

  @Test
  void anInsertRepeatedWithItsIdempotencyKeyInsertsOnce() {
    Warehouse database = Warehouses.local("envelope");
    createTable(database, "t");
    Map<String, Object> body = Map.of("operation", "insert",
        "parameters", table(database, "t", Map.of("rows", List.of(Map.of("id", 1), Map.of("id", 2)))));
    String key = UUID.randomUUID().toString();
    Response first = given().header("X-Idempotency-Key", key).contentType(ContentType.JSON).body(body).post(ENVELOPE);
    first.then().statusCode(201).body("data.rowsInserted", equalTo(2));
    Response again = given().header("X-Idempotency-Key", key).contentType(ContentType.JSON).body(body).post(ENVELOPE);
    again.then().statusCode(201).header("Idempotent-Replayed", "true")
        .body("data.snapshotId", equalTo(first.<Object>path("data.snapshotId")));
    given().get(tables(database) + "/shop/t").then().statusCode(200).body("rowCount", equalTo(2));
    given().header("X-Idempotency-Key", key).contentType(ContentType.JSON)
        .body(Map.of("operation", "insert", "parameters", table(database, "t", Map.of("rows", List.of(Map.of("id", 3))))))
        .post(ENVELOPE).then().statusCode(422).body("error.code", equalTo("VALIDATION_ERROR"));
  }
}
