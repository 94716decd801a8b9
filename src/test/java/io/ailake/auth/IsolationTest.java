package io.ailake.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.ailake.testing.AuthenticatedRestAssured;
import io.ailake.testing.ObjectStorages;
import io.ailake.testing.Operations;
import io.ailake.testing.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.net.URL;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.ForbiddenException;
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

  record Org(String id, String admin, String manage, String read, String manageId, String readId) {}

  /** A new organization with one token of each role, made by the server admin. */
  static Org newOrganization() {
    String name = "org_" + UUID.randomUUID().toString().substring(0, 8);
    String id = given().header("Authorization", TestTokens.bearer(TestTokens.serverAdmin()))
        .contentType(ContentType.JSON).body(Map.of("name", name)).post(ORGANIZATIONS)
        .then().statusCode(201).body("name", equalTo(name)).extract().path("id");
    Map<String, String> secrets = new HashMap<>();
    Map<String, String> ids = new HashMap<>();
    for (String role : List.of("admin", "manage", "read")) {
      Response created = given().header("Authorization", TestTokens.bearer(TestTokens.serverAdmin()))
          .contentType(ContentType.JSON).body(Map.of("name", role + "-token", "role", role))
          .post(ORGANIZATIONS + "/" + id + "/tokens");
      created.then().statusCode(201).body("role", equalTo(role));
      secrets.put(role, created.path("token"));
      ids.put(role, created.path("id"));
    }
    return new Org(id, secrets.get("admin"), secrets.get("manage"), secrets.get("read"), ids.get("manage"), ids.get("read"));
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

  @Test
  void aForeignTokenFindsNothingOfAnotherOrganizationOnEveryRoute() {
    // the default organization owns: database lake, storage default, a table, an operation
    String operationId = given().contentType(ContentType.JSON)
        .body(Map.of("name", "iso_" + UUID.randomUUID().toString().substring(0, 8),
            "storageIds", List.of(ObjectStorages.local("iso").id.toString())))
        .post("/api/v1/ailake/database/instances").then().statusCode(202).extract().header("operation-id");
    Operations.awaitSucceeded(operationId);
    given().contentType(ContentType.JSON).body("{\"namespace\": [\"iso\"]}").post("/iceberg/v1/lake/namespaces")
        .then().statusCode(org.hamcrest.Matchers.anyOf(equalTo(200), equalTo(409)));

    Org other = newOrganization();
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
      String concrete = template.replace("{instanceId}", "lake").replace("{tableName}", "orders")
          .replace("{dataSourceId}", "lake").replace("{operationId}", operationId)
          .replace("{storageIdOrName}", "default");
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

    // lists hold only the caller's own
    given().header("Authorization", foreign).get("/api/v1/ailake/database/instances")
        .then().statusCode(200).body("databases.name", not(org.hamcrest.Matchers.hasItem("lake")));
    given().header("Authorization", foreign).get("/api/v1/ailake/objectStorages")
        .then().statusCode(200).body("storages.name", not(org.hamcrest.Matchers.hasItem("default")));
    given().header("Authorization", foreign).get("/api/v1/admin/objectStorages")
        .then().statusCode(200).body("storages.name", not(org.hamcrest.Matchers.hasItem("default")));
  }

  @Test
  void twoOrganizationsEachHaveTheirOwnDatabaseOfTheSameName() {
    Org other = newOrganization();
    String admin = TestTokens.bearer(other.admin());
    String storageName = "own-" + UUID.randomUUID().toString().substring(0, 8);
    given().header("Authorization", admin).contentType(ContentType.JSON)
        .body(Map.of("name", storageName, "storageType", "LOCAL",
            "root", java.nio.file.Path.of("target", "test-storages", storageName).toAbsolutePath().toString()))
        .post("/api/v1/admin/objectStorages").then().statusCode(201);
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
    Org other = newOrganization();
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
    Org other = newOrganization();
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

  private static void Eventually(java.util.function.BooleanSupplier done) {
    io.ailake.testing.Eventually.within(java.time.Duration.ofSeconds(30), () -> assertThat(done.getAsBoolean()).isTrue());
  }
}
