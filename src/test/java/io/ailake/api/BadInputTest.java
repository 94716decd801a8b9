package io.ailake.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.ailake.testing.RawHttp;
import io.ailake.testing.Warehouses;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each class of bad input on each API family: the exact 4xx, in the family's error format (Iceberg's
 * error model under /iceberg, problem+json under /api), with a message that says what is wrong.
 */
@QuarkusTest
class BadInputTest {

  static final String SCHEMA =
      "{\"type\":\"struct\",\"schema-id\":0,\"fields\":[{\"id\":1,\"name\":\"id\",\"required\":false,\"type\":\"int\"}]}";
  static final String DATABASES = "/api/v1/ailake/database/instances";

  private String namespaces;
  private String database;

  @BeforeEach
  void freshWarehouse() {
    database = Warehouses.local("bad_input").name;
    namespaces = "/iceberg/v1/" + database + "/namespaces";
    json().body("{\"namespace\":[\"ns\"]}").post(namespaces).then().statusCode(200);
  }

  // ---- Iceberg -------------------------------------------------------------------------------

  @Test
  void icebergNulInAJsonStringIs400AndStoresNothing() {
    iceberg(json().body("{\"namespace\":[\"n\"],\"properties\":{\"owner\":\"a\\u0000b\"}}").post(namespaces), 400)
        .body("error.message", containsString("\\u0000"));
    iceberg(json().body("{\"updates\":{\"owner\":\"\\u0000\"}}").post(namespaces + "/ns/properties"), 400);
    iceberg(json().body("{\"name\":\"t\\u0000\",\"schema\":" + SCHEMA + "}").post(namespaces + "/ns/tables"), 400);
    given().get(namespaces + "/n").then().statusCode(404);
  }

  @Test
  void icebergNulInThePathOrQueryIs400() {
    iceberg(given().urlEncodingEnabled(false).get(namespaces + "/ns/tables/a%00b"), 400)
        .body("error.message", containsString("%00"));
    iceberg(given().urlEncodingEnabled(false).get("/iceberg/v1/a%00b/namespaces"), 400);
    iceberg(given().urlEncodingEnabled(false).get(namespaces + "?parent=%00"), 400);
    // a URI that does not parse is refused by the HTTP server itself, before any route (with no body)
    assertThat(RawHttp.get(namespaces + "?pageToken=%ZZ").status()).isEqualTo(400);
    assertThat(RawHttp.get(namespaces + "/a%ZZ/tables").status()).isEqualTo(400);
  }

  @Test
  void icebergUnpairedSurrogateOrNonUtf8BodyIs400() {
    iceberg(json().body("{\"namespace\":[\"\\ud800\"]}").post(namespaces), 400)
        .body("error.message", containsString("surrogate"));
    iceberg(json().body("{\"namespace\":[\"x\\udc00\"]}").post(namespaces), 400);
    byte[] latin1 = "{\"namespace\":[\"caf\u00e9\"]}".getBytes(StandardCharsets.ISO_8859_1);
    iceberg(json().body(latin1).post(namespaces), 400).body("error.message", containsString("UTF-8"));
    // a pair is a character: accepted
    json().body("{\"namespace\":[\"smile\\ud83d\\ude00\"]}").post(namespaces).then().statusCode(200);
  }

  @Test
  void icebergNamesOverTheLimitOrThatArePathsAre400() {
    String tables = namespaces + "/ns/tables";
    for (String name : List.of("x".repeat(256), "é".repeat(128), "..", ".", "../x", "a/b", "a\u001fb", "")) {
      iceberg(json().body("{\"name\":\"" + name.replace("\u001f", "\\u001f") + "\",\"schema\":" + SCHEMA + "}")
          .post(tables), 400).body("error.message", containsString("table name"));
      iceberg(json().body("{\"namespace\":[\"" + name.replace("\u001f", "\\u001f") + "\"]}").post(namespaces), 400)
          .body("error.message", containsString("namespace"));
    }
    iceberg(json().body("{\"namespace\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"]}").post(namespaces), 400)
        .body("error.message", containsString("levels"));
    json().body("{\"name\":\"" + "x".repeat(255) + "\",\"schema\":" + SCHEMA + "}").post(tables).then().statusCode(200);
    json().body("{\"source\":{\"namespace\":[\"ns\"],\"name\":\"" + "x".repeat(255) + "\"},"
        + "\"destination\":{\"namespace\":[\"ns\"],\"name\":\"../escape\"}}")
        .post("/iceberg/v1/" + database + "/tables/rename").then().statusCode(400)
        .body("error.message", containsString("table name"));
    iceberg(json().body(view("..")).post(namespaces + "/ns/views"), 400).body("error.message", containsString("view name"));
  }

  @Test
  void icebergWrongJsonTypesAreRefusedNotCoerced() {
    iceberg(json().body("{\"name\":5,\"schema\":" + SCHEMA + "}").post(namespaces + "/ns/tables"), 400)
        .body("error.type", equalTo("BadRequestException"));
    iceberg(json().body("{\"namespace\":[true]}").post(namespaces), 400);
    iceberg(json().body("{\"removals\":[null],\"updates\":{}}").post(namespaces + "/ns/properties"), 400);
    iceberg(json().body("{\"namespace\":[\"n\"],\"properties\":{\"k\":null}}").post(namespaces), 400);
    given().get(namespaces + "/ns/tables/5").then().statusCode(404);
  }

  @Test
  void icebergMalformedJsonIs400() {
    iceberg(json().body("{\"name\":").post(namespaces + "/ns/tables"), 400)
        .body("error.message", startsWith("Malformed request"));
    iceberg(json().body("[".repeat(5000)).post(namespaces), 400);
  }

  @Test
  void icebergBodyOfAnotherMediaTypeIs415() {
    iceberg(given().contentType("text/plain").body("{\"namespace\":[\"t\"]}").post(namespaces), 415)
        .body("error.message", containsString("application/json"));
    iceberg(given().contentType("application/xml").body("<namespace/>").post(namespaces), 415);
    RawHttp.Answer notAMediaType = RawHttp.post(namespaces, "json", "{\"namespace\":[\"t\"]}");
    assertIceberg(notAMediaType, 400);
    assertThat(notAMediaType.json().getString("error.message")).contains("Content-Type");
    given().get(namespaces + "/t").then().statusCode(404);
  }

  @Test
  void icebergConcurrentDuplicateCreatesAre409() throws Exception {
    String body = "{\"name\":\"raced\",\"schema\":" + SCHEMA + "}";
    List<Integer> statuses = race(() -> json().body(body).post(namespaces + "/ns/tables").statusCode());
    assertThat(statuses).containsOnly(200, 409).containsOnlyOnce(200);
  }

  @Test
  void icebergViewReplacementThatDropsADialectIs400() {
    json().body(view("v")).post(namespaces + "/ns/views").then().statusCode(200);
    String replace = "{\"requirements\":[],\"updates\":[{\"action\":\"add-view-version\",\"view-version\":{"
        + "\"version-id\":2,\"schema-id\":0,\"timestamp-ms\":1764374400001,\"summary\":{},\"default-namespace\":[\"ns\"],"
        + "\"representations\":[{\"type\":\"sql\",\"sql\":\"select 2 as id\",\"dialect\":\"trino\"}]}},"
        + "{\"action\":\"set-current-view-version\",\"view-version-id\":-1}]}";
    iceberg(json().body(replace).post(namespaces + "/ns/views/v"), 400)
        .body("error.message", containsString("replace.drop-dialect.allowed"));
    given().get(namespaces + "/ns/views/v").then().statusCode(200)
        .body("metadata.current-version-id", equalTo(1));
  }

  // ---- AI Lake -------------------------------------------------------------------------------

  @Test
  void lakeNulInAJsonStringIs400() {
    problem(json().body("{\"dataSourceId\":\"a\\u0000b\",\"dataSourceName\":\"x\"}")
        .post(DATABASES + "/" + database + "/dataSources"), 400).body("detail", containsString("\\u0000"));
    problem(json().body("{\"name\":\"ok\",\"storageIds\":[\"\\u0000\"]}").post(DATABASES), 400);
  }

  @Test
  void lakeNulInThePathOrQueryIs400() {
    problem(given().urlEncodingEnabled(false).get(DATABASES + "/a%00b"), 400).body("detail", containsString("%00"));
    problem(given().urlEncodingEnabled(false).get("/api/v1/ailake/operations/%00"), 400);
    assertThat(RawHttp.get(DATABASES + "?size=%ZZ").status()).isEqualTo(400);
    assertThat(RawHttp.get(DATABASES + "/a%Z").status()).isEqualTo(400);
  }

  @Test
  void aRefusedPathWithNulIsStillInTheAuditLog() {
    String requestId = "nul-" + UUID.randomUUID();
    given().urlEncodingEnabled(false).header("X-Request-ID", requestId).contentType(ContentType.JSON).body("{}")
        .post(DATABASES + "/a%00b/dataSources").then().statusCode(400);
    given().header("Authorization", io.ailake.testing.TestTokens.bearer(io.ailake.testing.TestTokens.serverAdmin()))
        .get("/api/v1/admin/audit?size=50").then().statusCode(200)
        .body("events.find { it.requestId == '" + requestId + "' }.path", equalTo(DATABASES + "/a\\0b/dataSources"))
        .body("events.find { it.requestId == '" + requestId + "' }.status", equalTo(400));
  }

  @Test
  void lakeUnpairedSurrogateOrNonUtf8BodyIs400() {
    problem(json().body("{\"dataSourceId\":\"\\udfff\",\"dataSourceName\":\"x\"}")
        .post(DATABASES + "/" + database + "/dataSources"), 400).body("detail", containsString("surrogate"));
    problem(json().body(new byte[] {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xff, '"', '}'})
        .post(DATABASES), 400).body("detail", containsString("UTF-8"));
  }

  @Test
  void lakeNamesOutsideTheRuleAre400() {
    String storage = UUID.randomUUID().toString(); // the name is checked first
    for (String name : List.of("x".repeat(64), "..", "../x", "a/b", "a b")) {
      problem(json().body("{\"name\":\"" + name + "\",\"storageIds\":[\"" + storage + "\"]}").post(DATABASES), 400)
          .body("detail", containsString("Invalid database name"));
    }
    problem(json().body("{\"dataSourceId\":\"" + "x".repeat(256) + "\",\"dataSourceName\":\"x\"}")
        .post(DATABASES + "/" + database + "/dataSources"), 400).body("detail", containsString("dataSourceId"));
  }

  @Test
  void lakeWrongJsonTypesAreRefusedNotCoerced() {
    problem(json().body("{\"name\":5,\"storageIds\":[\"x\"]}").post(DATABASES), 400)
        .body("detail", containsString("name"));
    problem(json().body("{\"dataSourceId\":true,\"dataSourceName\":\"x\"}")
        .post(DATABASES + "/" + database + "/dataSources"), 400);
    problem(json().body("{\"name\":\"nulls\",\"storageIds\":[null]}").post(DATABASES), 400)
        .body("detail", containsString("storageIds"));
  }

  @Test
  void lakeMalformedJsonIs400() {
    problem(json().body("{\"name\":").post(DATABASES), 400).body("detail", startsWith("Malformed JSON"));
  }

  @Test
  void lakeBodyOfAnotherMediaTypeIs415() {
    problem(given().contentType("text/plain").body("{\"name\":\"x\"}").post(DATABASES), 415)
        .body("detail", containsString("application/json"));
    RawHttp.Answer notAMediaType = RawHttp.post(DATABASES, "json", "{\"name\":\"x\"}");
    assertProblem(notAMediaType, 400);
    assertThat(notAMediaType.json().getString("detail")).contains("Content-Type");
  }

  @Test
  void lakeConcurrentDuplicateCreatesAre409() throws Exception {
    String id = "raced-" + UUID.randomUUID().toString().substring(0, 8);
    List<Integer> statuses = race(() -> json().body("{\"dataSourceId\":\"" + id + "\",\"dataSourceName\":\"x\"}")
        .post(DATABASES + "/" + database + "/dataSources").statusCode());
    assertThat(statuses).containsOnly(200, 409).containsOnlyOnce(200);
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static RequestSpecification json() {
    return given().config(RestAssuredConfig.config().encoderConfig(
            EncoderConfig.encoderConfig().appendDefaultContentCharsetToContentTypeIfUndefined(false)))
        .contentType(ContentType.JSON);
  }

  private static ValidatableResponse iceberg(io.restassured.response.Response response, int status) {
    return response.then().statusCode(status).contentType("application/json")
        .body("error.code", equalTo(status))
        .body("error.type", org.hamcrest.Matchers.not(org.hamcrest.Matchers.emptyOrNullString()))
        .body("error.message", org.hamcrest.Matchers.not(org.hamcrest.Matchers.emptyOrNullString()));
  }

  private static ValidatableResponse problem(io.restassured.response.Response response, int status) {
    return response.then().statusCode(status).contentType(ApiErrors.PROBLEM_JSON)
        .body("status", equalTo(status))
        .body("detail", org.hamcrest.Matchers.not(org.hamcrest.Matchers.emptyOrNullString()));
  }

  private static void assertIceberg(RawHttp.Answer answer, int status) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(status);
    assertThat(answer.contentType()).startsWith("application/json");
    assertThat(answer.json().getInt("error.code")).isEqualTo(status);
    assertThat(answer.json().getString("error.type")).isNotBlank();
    assertThat(answer.json().getString("error.message")).isNotBlank();
  }

  private static void assertProblem(RawHttp.Answer answer, int status) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(status);
    assertThat(answer.contentType()).startsWith(ApiErrors.PROBLEM_JSON);
    assertThat(answer.json().getInt("status")).isEqualTo(status);
    assertThat(answer.json().getString("detail")).isNotBlank();
  }

  /** The same request four times at once; their statuses. */
  private static List<Integer> race(java.util.concurrent.Callable<Integer> request) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CyclicBarrier start = new CyclicBarrier(4);
      List<CompletableFuture<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        answers.add(CompletableFuture.supplyAsync(() -> {
          try {
            start.await();
            return request.call();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, pool));
      }
      List<Integer> statuses = new ArrayList<>();
      for (CompletableFuture<Integer> answer : answers) {
        statuses.add(answer.get());
      }
      return statuses;
    } finally {
      pool.shutdownNow();
    }
  }

  private static String view(String name) {
    return "{\"name\":\"" + name + "\",\"schema\":" + SCHEMA + ",\"view-version\":{\"version-id\":1,\"schema-id\":0,"
        + "\"timestamp-ms\":1764374400000,\"summary\":{},\"default-namespace\":[\"ns\"],\"representations\":["
        + "{\"type\":\"sql\",\"sql\":\"select 1 as id\",\"dialect\":\"spark\"}]},\"properties\":{}}";
  }
}
