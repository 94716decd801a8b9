package io.ailake.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.ailake.iceberg.Warehouse;
import io.ailake.organization.Organizations;
import io.ailake.storage.FileIOs;
import io.ailake.storage.ObjectStorage;
import io.ailake.testing.AuthenticatedRestAssured;
import io.ailake.testing.IcebergClients;
import io.ailake.testing.ObjectStorages;
import io.ailake.testing.Operations;
import io.ailake.testing.TestOrganizations;
import io.ailake.testing.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.net.URL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.rest.Endpoint;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/** Organizations, tokens and roles, on both APIs: what a token of one organization sees of another. */
@QuarkusTest
class IsolationTest {

  static final String ORGANIZATIONS = "/api/v1/admin/organizations";

  @TestHTTPResource("/iceberg")
  URL catalog;

  @Inject javax.sql.DataSource dataSource;

  /** A new organization with one token of each role, made by the server admin. */
  static TestOrganizations.Org newOrganization() {
    return TestOrganizations.create();
  }

  @Test
  void withoutAValidTokenBothApisAnswer401InTheirOwnFormat() {
    given().header(AuthenticatedRestAssured.ANONYMOUS, "yes").get("/api/v1/ailake/database/instances")
        .then().statusCode(401).header("WWW-Authenticate", containsString("Bearer"))
        .contentType("application/problem+json").body("status", equalTo(401));
    given().header(AuthenticatedRestAssured.ANONYMOUS, "yes").get("/iceberg/v1/config")
        .then().statusCode(401).header("WWW-Authenticate", containsString("Bearer"))
        .body("error.code", equalTo(401)).body("error.type", equalTo("NotAuthorizedException"));
    given().header("Authorization", "Bearer not-a-token").get("/iceberg/v1/config")
        .then().statusCode(401);
    given().header(AuthenticatedRestAssured.ANONYMOUS, "yes").get("/q/health/ready").then().statusCode(200);
  }

  @Inject FileIOs fileIOs;
  @Inject EntityManager entityManager;

  @Test
  void aForeignTokenFindsNothingOfAnotherOrganizationOnEveryRoute() throws Exception {
    // the default organization owns: database lake with a table iso.t and a view iso.v, a database with a
    // pipe table orders, storages, an operation; each is first shown to exist, so a 404 below is isolation
    ObjectStorage landing = ObjectStorages.s3("iso-landing");
    ObjectStorage lakeStorage = ObjectStorages.s3("iso-lake");
    String pipes = "iso_" + UUID.randomUUID().toString().substring(0, 8);
    String operationId = given().contentType(ContentType.JSON)
        .body(Map.of("name", pipes, "storageIds", List.of(lakeStorage.id.toString())))
        .post("/api/v1/ailake/database/instances").then().statusCode(202).extract().header("operation-id");
    Operations.awaitSucceeded(operationId);
    writeParquet(fileIOs.forStorage(landing.storage()), landing.root + "/orders/part-0.parquet");
    Operations.awaitSucceeded(given().contentType(ContentType.JSON)
        .body(Map.of("tableName", "orders", "sourceStorageName", landing.name, "pathPrefix", "orders/",
            "pollingIntervalSeconds", 3600))
        .post("/api/v1/ailake/database/instances/" + pipes + "/pipeTables")
        .then().statusCode(202).extract().header("operation-id"));
    Warehouse lake = QuarkusTransaction.requiringNew().call(() ->
        Warehouse.findByName(Organizations.DEFAULT_ID, "lake").orElseThrow());
    Namespace iso = Namespace.of("iso");
    try (RESTCatalog client = IcebergClients.connect(catalog, lake)) {
      if (!client.namespaceExists(iso)) {
        client.createNamespace(iso);
      }
      if (!client.tableExists(TableIdentifier.of(iso, "t"))) {
        client.createTable(TableIdentifier.of(iso, "t"), new Schema(Types.NestedField.required(1, "id", Types.LongType.get())));
      }
      if (!client.viewExists(TableIdentifier.of(iso, "v"))) {
        client.buildView(TableIdentifier.of(iso, "v"))
            .withSchema(new Schema(Types.NestedField.required(1, "one", Types.IntegerType.get())))
            .withDefaultNamespace(iso).withQuery("spark", "SELECT 1 AS one").create();
      }
    }
    String sync = given().contentType(ContentType.JSON).body(Map.of("name", "iso", "table", "iso.t",
        "syncType", "INCREMENTAL", "format", "ndjson")).post("/api/v1/ailake/database/instances/lake/syncs")
        .then().statusCode(201).extract().jsonPath().getString("syncId");
    String webhook = given().contentType(ContentType.JSON)
        .body(Map.of("url", "http://127.0.0.1:9/iso", "events", List.of("*"), "resources", List.of("databases/none")))
        .post("/api/v1/ailake/webhooks").then().statusCode(201).extract().path("id");
    String delivery = given().post("/api/v1/ailake/webhooks/" + webhook + "/test").then().statusCode(202)
        .extract().jsonPath().getString("deliveryId");
    List<String> owned = List.of("/iceberg/v1/lake/namespaces/iso/tables/t", "/api/v1/ailake/webhooks/" + webhook, "/iceberg/v1/lake/namespaces/iso/views/v",
        "/api/v1/ailake/database/instances/" + pipes + "/pipeTables/orders", "/api/v1/ailake/operations/" + operationId,
        "/api/v1/admin/objectStorages/default", "/api/v1/ailake/database/instances/lake",
        "/api/v1/ailake/database/instances/lake/syncs/" + sync);
    for (String path : owned) {
      given().get(path).then().statusCode(200);
    }

    TestOrganizations.Org other = newOrganization();
    String foreign = TestTokens.bearer(other.admin());
    List<String> leaks = new ArrayList<>();
    int walked = 0;

    // every Iceberg route, on the other organization's warehouse
    for (Endpoint endpoint : io.ailake.iceberg.IcebergCatalogResource.ENDPOINTS) {
      String path = "/iceberg" + endpoint.path()
          .replace("{prefix}", "lake").replace("{namespace}", "iso").replace("{table}", "t").replace("{view}", "v");
      int status = given().header("Authorization", foreign).contentType(ContentType.JSON).body("{}")
          .request(endpoint.httpMethod(), path).statusCode();
      walked++;
      if (status != 404) {
        leaks.add(endpoint + " -> " + status);
      }
    }
    given().header("Authorization", foreign).get("/iceberg/v1/config?warehouse=lake").then().statusCode(404);

    // every AI Lake and admin route with a path parameter, from the OpenAPI document
    Map<String, Map<String, Object>> paths = given().queryParam("format", "json").get("/q/openapi").jsonPath().getMap("paths");
    for (var path : paths.entrySet()) {
      String template = path.getKey();
      if (!template.contains("{") || template.startsWith("/api/v1/ailake/services")
          || template.startsWith(ORGANIZATIONS) || !template.startsWith("/api/")) {
        continue;
      }
      // the pipe table routes on the database that has one, the others on lake
      String concrete = template.replace("{instanceId}", template.contains("{tableName}") ? pipes : "lake")
          .replace("{tableName}", "orders")
          .replace("{dataSourceId}", "lake").replace("{operationId}", operationId)
          .replace("{storageIdOrName}", "default").replace("{namespace}", "iso").replace("{table}", "t")
          .replace("{syncId}", sync).replace("{webhookId}", webhook).replace("{deliveryId}", delivery);
      for (String method : path.getValue().keySet()) {
        int status = given().header("Authorization", foreign).contentType(ContentType.JSON)
            .body("{\"partitionSpec\": {}, \"oldDataSourceId\": \"lake\", \"dataSourceId\": \"x\"}")
            .request(method.toUpperCase(), concrete).statusCode();
        walked++;
        if (status != 404) {
          leaks.add(method.toUpperCase() + " " + concrete + " -> " + status);
        }
      }
    }
    assertThat(walked).as("routes walked").isGreaterThanOrEqualTo(io.ailake.iceberg.IcebergCatalogResource.ENDPOINTS.size() + 15);
    assertThat(leaks).isEmpty();
    // and the foreign writes changed nothing
    for (String path : owned) {
      given().get(path).then().statusCode(200);
    }

    // lists hold only the caller's own
    given().header("Authorization", foreign).get("/api/v1/ailake/database/instances")
        .then().statusCode(200).body("databases.name", not(org.hamcrest.Matchers.hasItem("lake")));
    given().header("Authorization", foreign).get("/api/v1/ailake/objectStorages")
        .then().statusCode(200).body("storages.name", not(org.hamcrest.Matchers.hasItem("default")));
    given().header("Authorization", foreign).get("/api/v1/admin/objectStorages")
        .then().statusCode(200).body("storages.name", not(org.hamcrest.Matchers.hasItem("default")));

    // the background services are the same for everyone, but their state is per organization (the walk
    // above skips them: they exist for every organization): a foreign pause pauses only the foreign
    // organization's work, and a foreign run-now brings forward none of this organization's pipe polls
    String pipeLoader = "/api/v1/ailake/services/pipe-loader";
    given().contentType(ContentType.JSON).body("{}").post(pipeLoader + "/commands/resume/run").then().statusCode(202);
    // once its first poll is done the pipe's next one is an hour away: only a run-now could bring it forward
    io.ailake.testing.Eventually.within(java.time.Duration.ofSeconds(30),
        () -> assertThat(pollsWithinAMinute(pipes)).as("the pipe table's first poll is done").isFalse());
    Object schedule = nextPoll(pipes);
    String paused = given().header("Authorization", foreign).contentType(ContentType.JSON).body("{}")
        .post(pipeLoader + "/commands/pause/run").then().statusCode(202).extract().header("operation-id");
    given().header("Authorization", foreign).get(pipeLoader + "/status").then().statusCode(200)
        .body("status.state", equalTo("paused"));
    given().get(pipeLoader + "/status").then().statusCode(200).body("status.state", equalTo("running"))
        .body("status.activePipeTables", org.hamcrest.Matchers.greaterThanOrEqualTo(1));
    given().get("/api/v1/ailake/operations/" + paused).then().statusCode(404);
    given().header("Authorization", foreign).contentType(ContentType.JSON).body("{}")
        .post(pipeLoader + "/commands/run-now/run").then().statusCode(202);
    assertThat(nextPoll(pipes)).as("next poll of the first organization's pipe table").isEqualTo(schedule);
    given().header("Authorization", TestTokens.bearer(other.read())).contentType(ContentType.JSON).body("{}")
        .post(pipeLoader + "/commands/resume/run").then().statusCode(403);
  }

  /** Whether the pipe table orders of a database of the default organization polls within a minute. */
  private boolean pollsWithinAMinute(String database) {
    return QuarkusTransaction.requiringNew().call(() -> (Boolean) entityManager.createNativeQuery(
            "SELECT p.next_poll_at < now() + interval '1 minute' FROM pipe_table p"
                + " JOIN warehouse w ON w.id = p.warehouse_id"
                + " WHERE w.organization_id = ?1 AND w.name = ?2 AND p.table_name = 'orders'")
        .setParameter(1, Organizations.DEFAULT_ID).setParameter(2, database).getSingleResult());
  }

  /** When the pipe table orders of a database of the default organization polls next. */
  private Object nextPoll(String database) {
    return QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery(
            "SELECT p.next_poll_at FROM pipe_table p JOIN warehouse w ON w.id = p.warehouse_id"
                + " WHERE w.organization_id = ?1 AND w.name = ?2 AND p.table_name = 'orders'")
        .setParameter(1, Organizations.DEFAULT_ID).setParameter(2, database).getSingleResult().toString());
  }

  @Test
  void anOrganizationsAdminFindsNoOtherOrganizationsTokens() {
    TestOrganizations.Org first = newOrganization();
    TestOrganizations.Org second = newOrganization();
    String foreignAdmin = TestTokens.bearer(second.admin());
    given().header("Authorization", foreignAdmin).contentType(ContentType.JSON)
        .body(Map.of("name", "intruder", "role", "admin"))
        .post(ORGANIZATIONS + "/" + first.id() + "/tokens").then().statusCode(404);
    given().header("Authorization", foreignAdmin)
        .delete(ORGANIZATIONS + "/" + first.id() + "/tokens/" + first.manageId()).then().statusCode(404);
    given().header("Authorization", foreignAdmin)
        .get(ORGANIZATIONS + "/" + first.id() + "/tokens").then().statusCode(404);
    // the first organization's tokens are as they were, and still work
    given().header("Authorization", TestTokens.bearer(first.admin())).get(ORGANIZATIONS + "/" + first.id() + "/tokens")
        .then().statusCode(200).body("tokens.size()", equalTo(3)).body("tokens.name", not(org.hamcrest.Matchers.hasItem("intruder")));
    given().header("Authorization", TestTokens.bearer(first.manage())).get("/api/v1/ailake/database/instances")
        .then().statusCode(200);
    // and its own token routes take no token id of another organization either
    given().header("Authorization", foreignAdmin)
        .delete(ORGANIZATIONS + "/" + second.id() + "/tokens/" + first.manageId()).then().statusCode(404);
    given().header("Authorization", TestTokens.bearer(first.manage())).get("/api/v1/ailake/database/instances")
        .then().statusCode(200);
  }

  @Test
  void theServerAdminReadsAndDeletesOrganizationsThatOwnNothing() {
    String serverAdmin = TestTokens.bearer(TestTokens.serverAdmin());
    String name = "org_" + UUID.randomUUID().toString().substring(0, 8);
    Instant before = Instant.now().minusSeconds(5);
    Response created = given().header("Authorization", serverAdmin).contentType(ContentType.JSON)
        .body(Map.of("name", name)).post(ORGANIZATIONS);
    created.then().statusCode(201).body("name", equalTo(name)).body("createdAt", org.hamcrest.Matchers.notNullValue());
    String id = created.path("id");
    assertThat(Instant.parse(created.path("createdAt"))).isBetween(before, Instant.now().plusSeconds(5));
    given().header("Authorization", serverAdmin).get(ORGANIZATIONS + "/" + id).then().statusCode(200)
        .body("id", equalTo(id)).body("name", equalTo(name)).body("createdAt", equalTo(created.path("createdAt")));
    given().header("Authorization", serverAdmin).contentType(ContentType.JSON).body(Map.of("name", name))
        .post(ORGANIZATIONS).then().statusCode(409);

    // an organization that owns a database is refused, and keeps working
    String token = given().header("Authorization", serverAdmin).contentType(ContentType.JSON)
        .body(Map.of("name", "admin", "role", "admin")).post(ORGANIZATIONS + "/" + id + "/tokens")
        .then().statusCode(201).extract().path("token");
    String storage = "own-" + UUID.randomUUID().toString().substring(0, 8);
    io.ailake.testing.ObjectStorages.localOf(id, storage,
        java.nio.file.Path.of("target", "test-storages", storage).toAbsolutePath().toString());
    String provision = given().header("Authorization", TestTokens.bearer(token)).contentType(ContentType.JSON)
        .body(Map.of("name", "kept", "storageIds", List.of(storage)))
        .post("/api/v1/ailake/database/instances").then().statusCode(202).extract().header("operation-id");
    Eventually(() -> given().header("Authorization", TestTokens.bearer(token)).get("/api/v1/ailake/operations/" + provision)
        .jsonPath().getString("status").equals("succeeded"));
    given().header("Authorization", serverAdmin).delete(ORGANIZATIONS + "/" + id).then().statusCode(409)
        .contentType("application/problem+json").body("detail", containsString("warehouse"));
    given().header("Authorization", TestTokens.bearer(token)).get("/api/v1/ailake/database/instances/kept")
        .then().statusCode(200);

    // once it owns nothing, it is deleted with its tokens
    String deprovision = given().header("Authorization", TestTokens.bearer(token))
        .delete("/api/v1/ailake/database/instances/kept").then().statusCode(202).extract().header("operation-id");
    Eventually(() -> given().header("Authorization", TestTokens.bearer(token)).get("/api/v1/ailake/operations/" + deprovision)
        .jsonPath().getString("status").equals("succeeded"));
    given().header("Authorization", serverAdmin).delete(ORGANIZATIONS + "/" + id).then().statusCode(409)
        .body("detail", containsString("object storage"));
    given().header("Authorization", TestTokens.bearer(token)).delete("/api/v1/admin/objectStorages/" + storage)
        .then().statusCode(204);
    given().header("Authorization", serverAdmin).delete(ORGANIZATIONS + "/" + id).then().statusCode(204);
    given().header("Authorization", serverAdmin).get(ORGANIZATIONS + "/" + id).then().statusCode(404);
    given().header("Authorization", serverAdmin).delete(ORGANIZATIONS + "/" + id).then().statusCode(404);
    given().header("Authorization", TestTokens.bearer(token)).get("/api/v1/ailake/database/instances")
        .then().statusCode(401);
    // the default organization is never deleted
    given().header("Authorization", serverAdmin).delete(ORGANIZATIONS + "/" + Organizations.DEFAULT_ID)
        .then().statusCode(409);
  }

  @Test
  void twoOrganizationsEachHaveTheirOwnDatabaseOfTheSameName() {
    TestOrganizations.Org other = newOrganization();
    String admin = TestTokens.bearer(other.admin());
    String storageName = "own-" + UUID.randomUUID().toString().substring(0, 8);
    io.ailake.testing.ObjectStorages.localOf(other.id(), storageName,
        java.nio.file.Path.of("target", "test-storages", storageName).toAbsolutePath().toString());
    String operation = given().header("Authorization", TestTokens.bearer(other.manage())).contentType(ContentType.JSON)
        .body(Map.of("name", "lake", "storageIds", List.of(storageName)))
        .post("/api/v1/ailake/database/instances").then().statusCode(202).extract().header("operation-id");
    given().header("Authorization", admin).get("/api/v1/ailake/operations/" + operation).then().statusCode(200);
    given().get("/api/v1/ailake/operations/" + operation).then().statusCode(404);
    Eventually(() -> given().header("Authorization", admin).get("/api/v1/ailake/operations/" + operation)
        .jsonPath().getString("status").equals("succeeded"));

    Map<String, String> props = new HashMap<>();
    props.put("uri", catalog.toString());
    props.put("warehouse", "lake");
    props.put("credential", other.manageId() + ":" + other.manage());
    props.put("io-impl", io.ailake.storage.LocalFileIO.class.getName());
    try (RESTCatalog client = new RESTCatalog()) {
      client.initialize("other", props);
      client.createNamespace(Namespace.of("mine"));
      client.createTable(TableIdentifier.of("mine", "t"), new Schema(Types.NestedField.required(1, "id", Types.LongType.get())));
      assertThat(client.listNamespaces()).containsExactly(Namespace.of("mine"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    // a read token's client loads and lists, and may not write
    props.put("credential", other.readId() + ":" + other.read());
    try (RESTCatalog reader = new RESTCatalog()) {
      reader.initialize("reader", props);
      assertThat(reader.listTables(Namespace.of("mine"))).containsExactly(TableIdentifier.of("mine", "t"));
      assertThat(reader.loadTable(TableIdentifier.of("mine", "t")).schema().columns()).hasSize(1);
      assertThatThrownBy(() -> reader.createNamespace(Namespace.of("nope"))).isInstanceOf(ForbiddenException.class);
      assertThatThrownBy(() -> reader.dropTable(TableIdentifier.of("mine", "t"))).isInstanceOf(ForbiddenException.class);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    // the default organization's lake does not see it
    given().get("/iceberg/v1/lake/namespaces/mine").then().statusCode(404);
  }

  @Test
  void rolesDecideWhatATokenMayDo() {
    TestOrganizations.Org other = newOrganization();
    String read = TestTokens.bearer(other.read());
    given().header("Authorization", read).get("/api/v1/ailake/database/instances").then().statusCode(200);
    given().header("Authorization", read).contentType(ContentType.JSON).body(Map.of("name", "x", "storageIds", List.of("y")))
        .post("/api/v1/ailake/database/instances").then().statusCode(403).contentType("application/problem+json");
    given().header("Authorization", TestTokens.bearer(other.manage())).get("/api/v1/admin/objectStorages")
        .then().statusCode(403);
    given().header("Authorization", TestTokens.bearer(other.admin())).get(ORGANIZATIONS).then().statusCode(403);
    given().header("Authorization", TestTokens.bearer(TestTokens.serverAdmin())).get("/api/v1/ailake/database/instances")
        .then().statusCode(403);
    // an organization's admin manages its own tokens, and finds no other organization's
    given().header("Authorization", TestTokens.bearer(other.admin())).get(ORGANIZATIONS + "/" + other.id() + "/tokens")
        .then().statusCode(200).body("tokens.size()", equalTo(3)).body("tokens[0].token", equalTo(null));
    given().get(ORGANIZATIONS + "/" + other.id() + "/tokens").then().statusCode(404);

    given().header("Authorization", read).contentType(ContentType.JSON).body("{\"namespace\": [\"n\"]}")
        .post("/iceberg/v1/lake/namespaces").then().statusCode(403)
        .body("error.code", equalTo(403)).body("error.type", equalTo("ForbiddenException"));
  }

  @Test
  void aRevokedTokenFailsFromTheNextRequestOnAndSoDoItsAccessTokens() {
    TestOrganizations.Org other = newOrganization();
    String manage = TestTokens.bearer(other.manage());
    String accessToken = given().header(AuthenticatedRestAssured.ANONYMOUS, "yes").contentType(ContentType.URLENC)
        .formParam("grant_type", "client_credentials").formParam("client_id", other.manageId())
        .formParam("client_secret", other.manage()).formParam("scope", "catalog")
        .post("/iceberg/v1/oauth/tokens")
        .then().statusCode(200).body("token_type", equalTo("bearer")).extract().path("access_token");
    String exchanged = given().header(AuthenticatedRestAssured.ANONYMOUS, "yes").contentType(ContentType.URLENC)
        .formParam("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange")
        .formParam("subject_token", accessToken)
        .formParam("subject_token_type", "urn:ietf:params:oauth:token-type:access_token")
        .post("/iceberg/v1/oauth/tokens").then().statusCode(200).extract().path("access_token");
    for (String token : List.of(manage, TestTokens.bearer(accessToken), TestTokens.bearer(exchanged))) {
      given().header("Authorization", token).get("/api/v1/ailake/database/instances").then().statusCode(200);
    }
    given().header(AuthenticatedRestAssured.ANONYMOUS, "yes").contentType(ContentType.URLENC)
        .formParam("grant_type", "client_credentials").formParam("client_id", other.manageId())
        .formParam("client_secret", "wrong").post("/iceberg/v1/oauth/tokens")
        .then().statusCode(401).body("error", equalTo("invalid_client"));

    given().header("Authorization", TestTokens.bearer(other.admin()))
        .delete(ORGANIZATIONS + "/" + other.id() + "/tokens/" + other.manageId()).then().statusCode(204);
    for (String token : List.of(manage, TestTokens.bearer(accessToken), TestTokens.bearer(exchanged))) {
      given().header("Authorization", token).get("/api/v1/ailake/database/instances").then().statusCode(401);
    }
  }

  /** Another replica revokes by writing the row; this replica's cached answer lasts token-cache-ttl (2 s) at most. */
  @Test
  void aTokenRevokedOnAnotherReplicaFailsOnThisOneWithinTheTokenCacheTtl() throws Exception {
    TestOrganizations.Org other = newOrganization();
    String read = TestTokens.bearer(other.read());
    given().header("Authorization", read).get("/api/v1/ailake/database/instances").then().statusCode(200);
    try (java.sql.Connection connection = dataSource.getConnection();
        java.sql.PreparedStatement revoke =
            connection.prepareStatement("UPDATE api_token SET revoked_at = now() WHERE id = ?")) {
      revoke.setObject(1, UUID.fromString(other.readId()));
      assertThat(revoke.executeUpdate()).isEqualTo(1);
    }
    long revokedAt = System.nanoTime();
    int status;
    while ((status = given().header("Authorization", read).get("/api/v1/ailake/database/instances").statusCode())
        == 200) {
      assertThat(java.time.Duration.ofNanos(System.nanoTime() - revokedAt)).isLessThan(java.time.Duration.ofSeconds(3));
      Thread.sleep(50);
    }
    assertThat(status).isEqualTo(401);
    given().header("Authorization", read).get("/iceberg/v1/config").then().statusCode(401);
  }

  private static void writeParquet(FileIO io, String location) throws java.io.IOException {
    Schema schema = new Schema(Types.NestedField.optional(1, "id", Types.LongType.get()));
    try (FileAppender<Record> out = Parquet.write(io.newOutputFile(location))
        .schema(schema).createWriterFunc(GenericParquetWriter::create).overwrite().build()) {
      Record row = GenericRecord.create(schema);
      row.setField("id", 1L);
      out.add(row);
    }
  }

  private static void Eventually(java.util.function.BooleanSupplier done) {
    io.ailake.testing.Eventually.within(java.time.Duration.ofSeconds(30), () -> assertThat(done.getAsBoolean()).isTrue());
  }
}
