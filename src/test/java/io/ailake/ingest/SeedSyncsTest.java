package io.ailake.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.ailake.testing.AuthenticatedRestAssured;
import io.ailake.testing.Eventually;
import io.ailake.testing.ObjectStorages;
import io.ailake.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The seed's sync paths, called as the DataInsider document shows them, in an organization of their own. */
@QuarkusTest
class SeedSyncsTest {

  static final String START = "/api/ingestion/file/sync/start";
  static final String UPLOAD = "/api/lake/file/upload";
  static final String END = "/api/ingestion/file/sync/end";
  static final String BOUNDARY = "---011000010111000001101001";

  /** An organization with a token of each role and, when asked, the seed's database "data". */
  record Org(String id, String admin, String manage, String read) {
    String bearer() {
      return TestTokens.bearer(manage);
    }
  }

  @Test
  void theSeedsFlowStartsWithTheBodysApiKeyUploadsEndsAndListsInTheSeedsWords() throws Exception {
    Org org = organizationWithDatabase();
    long before = System.currentTimeMillis();
    // the seed's start: its body holds the api_key; no Authorization header
    Response started = given().header(AuthenticatedRestAssured.ANONYMOUS, "yes")
        .header("Content-Type", "application/json")
        .body("""
            {
            "name" : "transactions incremental sync 06/12/21",
            "path" : "/data/db/transactions",
            "api_key" : "%s",
            "sync_type" : "IncrementalSync"
            }""".formatted(org.manage()))
        .post(START);
    started.then().statusCode(200).contentType(ContentType.JSON);
    long syncId = started.jsonPath().getLong("sync_id");
    assertThat(started.asString()).isEqualTo("{\"sync_id\":" + syncId + "}");

    Path file = SyncsTest.parquet("SELECT i::BIGINT AS id, (i * 2.5)::DOUBLE AS amount FROM range(0, 4) t(i)");
    upload(org, "?sync_id=" + syncId, "sales_transaction.parquet", Files.readAllBytes(file)).then().statusCode(200)
        .body("code", equalTo(0)).body("msg", nullValue()).body(containsString("\"msg\":null"));
    upload(org, "?path=/data/db/transactions&sync_id=" + syncId, "more.parquet",
        Files.readAllBytes(SyncsTest.parquet("SELECT 10::BIGINT AS id, 1.0::DOUBLE AS amount"))).then().statusCode(200)
        .body("code", equalTo(0));

    // the seed's end: sync_id and api_key, no header
    given().header(AuthenticatedRestAssured.ANONYMOUS, "yes").header("Content-Type", "application/json")
        .body("""
            {
            "sync_id" : %d,
            "api_key" : "%s"
            }
            """.formatted(syncId, org.manage()))
        .post(END).then().statusCode(200).body("success", equalTo(true));
    given().header("Authorization", org.bearer()).contentType(ContentType.JSON)
        .body(Map.of("sql", "SELECT count(*), sum(amount) FROM db.transactions"))
        .post("/api/v1/ailake/database/instances/data/query").then().statusCode(200)
        .body("rows[0][0]", equalTo(5)).body("rows[0][1]", equalTo(16.0f));

    // a second sync stays open, and one of its files fails: code 1 with why
    long open = start(org, "/data/db/transactions", "IncrementalSync");
    upload(org, "?sync_id=" + open, "broken.parquet", "not parquet".getBytes()).then().statusCode(200)
        .body("code", equalTo(1)).body("msg", containsString("broken.parquet"));
    long after = System.currentTimeMillis();

    JsonPath list = given().header("Authorization", org.bearer()).header("Content-Type", "application/json")
        .get("/api/ingestion/file/sync/list?from=0&size=10").then().statusCode(200).extract().jsonPath();
    assertThat(list.getList("$")).hasSize(2);
    assertThat(list.getMap("[0]")).containsOnlyKeys("org_id", "sync_id", "name", "path", "sync_type",
        "sync_status", "start_time", "end_time", "total_files", "num_failed");
    assertThat(list.getString("[0].org_id")).isEqualTo(org.id());
    assertThat(list.getLong("[0].sync_id")).isEqualTo(syncId);
    assertThat(list.getString("[0].name")).isEqualTo("transactions incremental sync 06/12/21");
    assertThat(list.getString("[0].path")).isEqualTo("/data/db/transactions");
    assertThat(list.getString("[0].sync_type")).isEqualTo("IncrementalSync");
    assertThat(list.getString("[0].sync_status")).isEqualTo("Finished");
    assertThat(list.getLong("[0].start_time")).isBetween(before - 1000, after + 1000);
    assertThat(list.getLong("[0].end_time")).isBetween(list.getLong("[0].start_time"), after + 1000);
    assertThat(list.getInt("[0].total_files")).isEqualTo(2);
    assertThat(list.getInt("[0].num_failed")).isZero();
    assertThat(list.getLong("[1].sync_id")).isEqualTo(open);
    assertThat(list.getString("[1].sync_status")).isEqualTo("Syncing");
    assertThat(list.getLong("[1].end_time")).isZero();
    assertThat(list.getInt("[1].total_files")).isEqualTo(1);
    assertThat(list.getInt("[1].num_failed")).isEqualTo(1);
    given().header("Authorization", org.bearer()).get("/api/ingestion/file/sync/list?from=1&size=10").then()
        .statusCode(200).body("sync_id", contains((int) open));

    JsonPath history = given().header("Authorization", org.bearer()).header("Content-Type", "application/json")
        .get("/api/ingestion/file/sync/history?from=0&size=10").then().statusCode(200).extract().jsonPath();
    assertThat(history.getList("$")).hasSize(3);
    assertThat(history.getMap("[0]")).containsOnlyKeys("org_id", "history_id", "sync_id", "file_name",
        "start_time", "end_time", "sync_status", "message");
    assertThat(history.getString("[0].org_id")).isEqualTo(org.id());
    assertThat(history.getList("file_name")).containsExactly("sales_transaction.parquet", "more.parquet",
        "broken.parquet");
    assertThat(history.getList("sync_status")).containsExactly("Finished", "Finished", "Failed");
    assertThat(history.getString("[0].message")).isEmpty();
    assertThat(history.getString("[2].message")).isNotEmpty();
    assertThat(history.getLong("[0].sync_id")).isEqualTo(syncId);
    assertThat(history.getLong("[0].start_time")).isBetween(before - 1000, after + 1000);
    assertThat(history.getLong("[0].end_time")).isBetween(history.getLong("[0].start_time"), after + 1000);
    given().header("Authorization", org.bearer()).get("/api/ingestion/file/sync/history?from=0&size=1").then()
        .statusCode(200).body("size()", equalTo(1));
    given().header("Authorization", org.bearer()).get("/api/ingestion/file/sync/list?size=0").then()
        .statusCode(400).contentType("application/problem+json");
  }

  @Test
  void aFullSyncReplacesTheTablesRowsAFailedOneCommitsNothingAndMoreSegmentsNestNamespaces() throws Exception {
    Org org = organizationWithDatabase();
    long first = start(org, "/data/shop/orders", "IncrementalSync");
    upload(org, "?sync_id=" + first, "a.parquet",
        Files.readAllBytes(SyncsTest.parquet("SELECT i::BIGINT AS id FROM range(0, 3) t(i)"))).then().statusCode(200)
        .body("code", equalTo(0));
    end(org, first).then().statusCode(200).body("success", equalTo(true));
    long full = start(org, "/data/shop/orders", "FullSync");
    upload(org, "?path=/data/shop/orders&sync_id=" + full, "b.parquet",
        Files.readAllBytes(SyncsTest.parquet("SELECT 7::BIGINT AS id"))).then().statusCode(200).body("code", equalTo(0));
    assertThat(ids(org, "shop.orders")).containsExactly(0, 1, 2);
    end(org, full).then().statusCode(200).body("success", equalTo(true));
    assertThat(ids(org, "shop.orders")).containsExactly(7);
    given().header("Authorization", org.bearer()).get("/api/ingestion/file/sync/list").then().statusCode(200)
        .body("path", everyItem(equalTo("/data/shop/orders")))
        .body("sync_type", contains("IncrementalSync", "FullSync"));

    // a sync whose file failed ends with success false and why; nothing is committed
    long failing = start(org, "/data/shop/orders", "FullSync");
    upload(org, "?sync_id=" + failing, "bad.parquet", "PAR1".getBytes()).then().statusCode(200).body("code", equalTo(1));
    end(org, failing).then().statusCode(200).body("success", equalTo(false))
        .body("message", containsString("bad.parquet"));
    assertThat(ids(org, "shop.orders")).containsExactly(7);
    given().header("Authorization", org.bearer()).get("/api/ingestion/file/sync/list?from=2").then()
        .statusCode(200).body("[0].sync_status", equalTo("Failed"));

    // more middle segments are nested namespace levels
    long nested = start(org, "/data/shop/eu/orders", "IncrementalSync");
    upload(org, "?path=/data/shop/eu/orders&sync_id=" + nested, "n.parquet",
        Files.readAllBytes(SyncsTest.parquet("SELECT 1::BIGINT AS id"))).then().statusCode(200).body("code", equalTo(0));
    end(org, nested).then().statusCode(200).body("success", equalTo(true));
    given().urlEncodingEnabled(false).header("Authorization", org.bearer())
        .get("/iceberg/v1/data/namespaces/shop%1Feu/tables/orders").then()
        .statusCode(200);
    given().header("Authorization", org.bearer()).get("/api/ingestion/file/sync/list?from=3").then()
        .statusCode(200).body("[0].path", equalTo("/data/shop/eu/orders"));
  }

  @Test
  void aWrongKeyAnotherOrganizationsSyncAReadTokenAndABadPathAreRefused() {
    Org org = organizationWithDatabase();
    long sync = start(org, "/data/db/transactions", "IncrementalSync");

    String wrong = "cccccccc-14a1-4eb1-8964-000000000000";
    Response refused = given().header(AuthenticatedRestAssured.ANONYMOUS, "yes").contentType(ContentType.JSON)
        .body(Map.of("sync_id", sync, "api_key", wrong)).post(END);
    refused.then().statusCode(401).contentType("application/problem+json")
        .header("WWW-Authenticate", containsString("invalid_token"));
    assertThat(refused.asString()).doesNotContain(wrong);
    given().header(AuthenticatedRestAssured.ANONYMOUS, "yes").contentType(ContentType.JSON)
        .body(Map.of("name", "x", "path", "/data/db/t", "api_key", wrong, "sync_type", "FullSync")).post(START)
        .then().statusCode(401);
    given().header(AuthenticatedRestAssured.ANONYMOUS, "yes").contentType(ContentType.JSON)
        .body(Map.of("name", "x", "path", "/data/db/t", "sync_type", "FullSync")).post(START)
        .then().statusCode(401).body("detail", containsString("api_key"));
    // the body's key stands for the header on start and end only
    given().header(AuthenticatedRestAssured.ANONYMOUS, "yes").multiPart("file", "f.parquet", new byte[] {1})
        .post(UPLOAD + "?sync_id=" + sync).then().statusCode(401);
    given().header(AuthenticatedRestAssured.ANONYMOUS, "yes").get("/api/ingestion/file/sync/list").then()
        .statusCode(401);

    Org other = organization();
    given().header(AuthenticatedRestAssured.ANONYMOUS, "yes").contentType(ContentType.JSON)
        .body(Map.of("sync_id", sync, "api_key", other.manage())).post(END)
        .then().statusCode(404).contentType("application/problem+json");
    given().header("Authorization", other.bearer()).multiPart("file", "f.parquet", new byte[] {1})
        .post(UPLOAD + "?sync_id=" + sync).then().statusCode(404);
    given().header("Authorization", other.bearer()).get("/api/ingestion/file/sync/list").then().statusCode(200)
        .body("size()", equalTo(0));

    given().header(AuthenticatedRestAssured.ANONYMOUS, "yes").contentType(ContentType.JSON)
        .body(Map.of("name", "x", "path", "/data/db/t", "api_key", org.read(), "sync_type", "FullSync")).post(START)
        .then().statusCode(403).contentType("application/problem+json");
    given().header(AuthenticatedRestAssured.ANONYMOUS, "yes").contentType(ContentType.JSON)
        .body(Map.of("sync_id", sync, "api_key", org.read())).post(END).then().statusCode(403);
    given().header("Authorization", TestTokens.bearer(org.read())).multiPart("file", "f.parquet", new byte[] {1})
        .post(UPLOAD + "?sync_id=" + sync).then().statusCode(403);
    given().header("Authorization", TestTokens.bearer(org.read())).get("/api/ingestion/file/sync/list").then()
        .statusCode(200).body("size()", equalTo(1));

    for (String path : List.of("/data/transactions", "data/db/t", "/data//t", "/data/db.x/t", "/data/db/t/")) {
      given().header(AuthenticatedRestAssured.ANONYMOUS, "yes").contentType(ContentType.JSON)
          .body(Map.of("name", "x", "path", path, "api_key", org.manage(), "sync_type", "FullSync")).post(START)
          .then().statusCode(400).contentType("application/problem+json").body("detail", containsString("path"));
    }
    given().header(AuthenticatedRestAssured.ANONYMOUS, "yes").contentType(ContentType.JSON)
        .body(Map.of("name", "x", "path", "/data/db/t", "api_key", org.manage(), "sync_type", "Sometimes"))
        .post(START).then().statusCode(400).body("detail", containsString("sync_type"));
    given().header("Authorization", org.bearer()).multiPart("file", "f.parquet", new byte[] {1})
        .post(UPLOAD + "?path=/data/db/other&sync_id=" + sync).then().statusCode(400)
        .body("detail", containsString("/data/db/transactions"));
    given().header("Authorization", org.bearer()).multiPart("file", "f.parquet", new byte[] {1})
        .post(UPLOAD).then().statusCode(400).body("detail", containsString("sync_id"));
    given().header("Authorization", org.bearer()).multiPart("file", "f.parquet", new byte[] {1})
        .post(UPLOAD + "?sync_id=eight").then().statusCode(400);
    given().header(AuthenticatedRestAssured.ANONYMOUS, "yes").contentType(ContentType.JSON)
        .body(Map.of("name", "x", "path", "/nowhere/db/t", "api_key", org.manage(), "sync_type", "FullSync"))
        .post(START).then().statusCode(404);
    // the header wins over a body key: the sync is still open and ends with the header alone
    given().header("Authorization", org.bearer()).contentType(ContentType.JSON)
        .body(Map.of("sync_id", sync, "api_key", wrong)).post(END).then().statusCode(200)
        .body("success", equalTo(true));
  }

  // ---- helpers ------------------------------------------------------------------------------

  static long start(Org org, String path, String syncType) {
    return given().header(AuthenticatedRestAssured.ANONYMOUS, "yes").contentType(ContentType.JSON)
        .body(Map.of("name", "s", "path", path, "api_key", org.manage(), "sync_type", syncType)).post(START)
        .then().statusCode(200).extract().jsonPath().getLong("sync_id");
  }

  /** The seed's upload: a multipart body with its boundary, one part named file. */
  static Response upload(Org org, String query, String fileName, byte[] content) {
    return given().header("Authorization", org.bearer())
        .contentType("multipart/form-data; boundary=" + BOUNDARY)
        .multiPart("file", fileName, content)
        .post(UPLOAD + query);
  }

  static Response end(Org org, long sync) {
    return given().header(AuthenticatedRestAssured.ANONYMOUS, "yes").contentType(ContentType.JSON)
        .body(Map.of("sync_id", sync, "api_key", org.manage())).post(END);
  }

  List<Integer> ids(Org org, String table) {
    return given().header("Authorization", org.bearer()).contentType(ContentType.JSON)
        .body(Map.of("sql", "SELECT id FROM " + table + " ORDER BY id"))
        .post("/api/v1/ailake/database/instances/data/query").then().statusCode(200).extract().jsonPath()
        .getList("rows.collect { it[0] }");
  }

  /** A new organization with one token of each role. */
  static Org organization() {
    String admin = TestTokens.bearer(TestTokens.serverAdmin());
    String id = given().header("Authorization", admin).contentType(ContentType.JSON)
        .body(Map.of("name", "seed_" + UUID.randomUUID().toString().substring(0, 8)))
        .post("/api/v1/admin/organizations").then().statusCode(201).extract().path("id");
    String[] secrets = new String[3];
    List<String> roles = List.of("admin", "manage", "read");
    for (int i = 0; i < roles.size(); i++) {
      secrets[i] = given().header("Authorization", admin).contentType(ContentType.JSON)
          .body(Map.of("name", roles.get(i), "role", roles.get(i)))
          .post("/api/v1/admin/organizations/" + id + "/tokens").then().statusCode(201).extract().path("token");
    }
    return new Org(id, secrets[0], secrets[1], secrets[2]);
  }

  /** A new organization whose database is called data, as the seed's paths name it. */
  static Org organizationWithDatabase() {
    Org org = organization();
    String storage = "seed-" + UUID.randomUUID().toString().substring(0, 8);
    ObjectStorages.localOf(org.id(), storage, Path.of("target", "test-storages", storage).toAbsolutePath().toString());
    String operation = given().header("Authorization", org.bearer()).contentType(ContentType.JSON)
        .body(Map.of("name", "data", "storageIds", List.of(storage)))
        .post("/api/v1/ailake/database/instances").then().statusCode(202).extract().header("operation-id");
    Eventually.within(Duration.ofSeconds(30), () -> assertThat(given().header("Authorization", org.bearer())
        .get("/api/v1/ailake/operations/" + operation).jsonPath().getString("status")).isEqualTo("succeeded"));
    return org;
  }
}
