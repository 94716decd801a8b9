package io.ailake.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import io.ailake.testing.TestOrganizations;
import io.ailake.testing.AuthenticatedRestAssured;
import io.ailake.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.rest.responses.ErrorResponseParser;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RateLimitAndAuditTest {

  static final String ORGANIZATIONS = "/api/v1/admin/organizations";

  @Test
  void everyResponseCarriesTheLimitAndPastItTheAnswerIs429WithRetryAfter() {
    String orgId = given().header("Authorization", TestTokens.bearer(TestTokens.serverAdmin()))
        .contentType(ContentType.JSON).body(Map.of("name", "limited")).post(ORGANIZATIONS)
        .then().statusCode(201).extract().path("id");
    String token = given().header("Authorization", TestTokens.bearer(TestTokens.serverAdmin()))
        .contentType(ContentType.JSON).body(Map.of("name", "busy", "role", "read"))
        .post(ORGANIZATIONS + "/" + orgId + "/tokens").then().statusCode(201).extract().path("token");

    // the bucket of this organization's tokens holds 3 (configuration), refilled every 20 s
    emptiesABucketOfThree(token);

    // other tokens have their own buckets, with the server-wide limits
    given().get("/api/v1/ailake/database/instances").then().statusCode(200).header("X-RateLimit-Limit", "400");
  }

  @jakarta.inject.Inject RateLimiter limiter;

  @Test
  void aBucketInPostgreSqlIsOneBucketForEveryReplica() throws Exception {
    String key = "shared-" + java.util.UUID.randomUUID();
    // 8 workers (as if on several replicas) take 40 times from a bucket of 10 that barely refills
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<Boolean>> takes = new java.util.ArrayList<>();
      for (int i = 0; i < 40; i++) {
        takes.add(pool.submit(() -> limiter.takeShared(key, 10, 0.001).allowed()));
      }
      int allowed = 0;
      for (var take : takes) {
        allowed += take.get() ? 1 : 0;
      }
      assertThat(allowed).isEqualTo(10);
    } finally {
      pool.shutdown();
    }
    RateLimiter.Outcome refused = limiter.takeShared(key, 10, 0.001);
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.remaining()).isZero();
    assertThat(refused.secondsUntilNext()).isGreaterThan(100);
  }

  @Test
  void mutatingCallsAreAuditedAndAdminsListThemByTimeAndActor() {
    Instant before = Instant.now().minusSeconds(1);
    String name = "audited_" + java.util.UUID.randomUUID().toString().substring(0, 8);
    given().contentType(ContentType.JSON).body(Map.of("namespace", List.of(name))).post("/iceberg/v1/lake/namespaces")
        .then().statusCode(200);
    given().contentType(ContentType.JSON).body(Map.of("namespace", List.of(name))).post("/iceberg/v1/lake/namespaces")
        .then().statusCode(409);
    given().header(AuthenticatedRestAssured.ANONYMOUS, "yes").delete("/iceberg/v1/lake/namespaces/" + name)
        .then().statusCode(401);
    given().get("/iceberg/v1/lake/namespaces/" + name).then().statusCode(200); // a read: not audited

    Response events = given().queryParam("from", before.toString()).queryParam("metaInclude", "page")
        .get("/api/v1/admin/audit");
    events.then().statusCode(200)
        .body("events.findAll { it.path == '/iceberg/v1/lake/namespaces' && it.method == 'POST' }.status",
            hasItem(200))
        .body("events.findAll { it.path == '/iceberg/v1/lake/namespaces' && it.method == 'POST' }.status",
            hasItem(409))
        .body("events.findAll { it.path == '/iceberg/v1/lake/namespaces/" + name + "' }.method", not(hasItem("GET")))
        .body("events[0].requestId", notNullValue());
    String actor = events.jsonPath().getString("events.find { it.method == 'POST' }.actor");
    given().queryParam("actor", actor).get("/api/v1/admin/audit").then().statusCode(200)
        .body("events.actor.unique()", equalTo(List.of(actor)))
        .body("events[0].actorName", equalTo("bootstrap"));
    // the refused anonymous call is recorded, but belongs to no organization: the server admin sees it
    given().header("Authorization", TestTokens.bearer(TestTokens.serverAdmin())).queryParam("actor", "anonymous")
        .queryParam("from", before.toString()).get("/api/v1/admin/audit").then().statusCode(200)
        .body("events.path", hasItem("/iceberg/v1/lake/namespaces/" + name))
        .body("events.status", hasItem(401));
    given().queryParam("from", "yesterday").get("/api/v1/admin/audit").then().statusCode(400);
    given().queryParam("to", before.toString()).queryParam("from", before.toString()).get("/api/v1/admin/audit")
        .then().statusCode(200).body("events.size()", equalTo(0));
  }

  @Test
  void keyedCallsAreAuditedOnceWithTheirChangeAndDoNotSilenceTheNextCalls() {
    Instant before = Instant.now().minusSeconds(1);
    String run = "keyed-" + java.util.UUID.randomUUID();
    String name = "keyed_" + run.substring(6, 14);
    String key = java.util.UUID.randomUUID().toString();
    Map<String, Object> body = Map.of("namespace", List.of(name));
    given().header("X-Request-ID", run + "-1").header("Idempotency-Key", key).contentType(ContentType.JSON)
        .body(body).post("/iceberg/v1/lake/namespaces").then().statusCode(200);
    // a refusal with its own key, a replay of the first key, and a call without a key
    given().header("X-Request-ID", run + "-2").header("Idempotency-Key", java.util.UUID.randomUUID().toString())
        .contentType(ContentType.JSON).body(body).post("/iceberg/v1/lake/namespaces").then().statusCode(409);
    given().header("X-Request-ID", run + "-3").header("Idempotency-Key", key).contentType(ContentType.JSON)
        .body(body).post("/iceberg/v1/lake/namespaces").then().statusCode(200).header("Idempotent-Replayed", "true");
    given().header("X-Request-ID", run + "-4").delete("/iceberg/v1/lake/namespaces/" + name).then().statusCode(204);

    Response events = given().queryParam("from", before.toString()).queryParam("size", 100)
        .get("/api/v1/admin/audit");
    events.then().statusCode(200);
    List<String> recorded = events.jsonPath().getList(
        "events.findAll { it.requestId.startsWith('" + run + "') }.collect { it.requestId + ' ' + it.method + ' ' + it.status }",
        String.class);
    assertThat(recorded).containsExactlyInAnyOrder(
        run + "-1 POST 200", run + "-2 POST 409", run + "-3 POST 200", run + "-4 DELETE 204");
  }

  @Test
  void queriesAndOtherPostsThatChangeNothingAreAuditedToo() {
    Instant before = Instant.now().minusSeconds(1);
    String run = "reads-" + java.util.UUID.randomUUID();
    io.ailake.iceberg.Warehouse database = io.ailake.testing.Warehouses.local("audited_reads");
    String query = "/api/v1/ailake/database/instances/" + database.name + "/query";
    given().header("X-Request-ID", run + "-1").contentType(ContentType.JSON).body(Map.of("sql", "SELECT 1 AS one"))
        .post(query).then().statusCode(200).body("rows[0][0]", equalTo(1));
    given().header("X-Request-ID", run + "-2").contentType(ContentType.JSON).body(Map.of("sql", "SELECT nope"))
        .post(query).then().statusCode(400);
    given().header("X-Request-ID", run + "-3").contentType(ContentType.JSON)
        .body(Map.of("operation", "query", "parameters", Map.of("database", database.name, "sql", "SELECT 2")))
        .post("/api/v1/datalake").then().statusCode(200);
    // a change right after them is recorded as before
    given().header("X-Request-ID", run + "-4").contentType(ContentType.JSON)
        .body(Map.of("namespace", List.of("ns_" + run.substring(6, 14)))).post("/iceberg/v1/lake/namespaces")
        .then().statusCode(200);

    List<String> recorded = given().queryParam("from", before.toString()).queryParam("size", 100)
        .get("/api/v1/admin/audit").then().statusCode(200).extract().jsonPath().getList(
            "events.findAll { it.requestId.startsWith('" + run + "') }.collect { it.requestId + ' ' + it.method + ' '"
                + " + it.path + ' ' + it.status }", String.class);
    assertThat(recorded).containsExactlyInAnyOrder(
        run + "-1 POST " + query + " 200", run + "-2 POST " + query + " 400",
        run + "-3 POST /api/v1/datalake 200", run + "-4 POST /iceberg/v1/lake/namespaces 200");
  }

  @Test
  void theAuditLogPagesAnOrganizationsOwnEventsAndTheServerAdminSeesEveryOrganization() {
    Instant before = Instant.now().minusSeconds(1);
    TestOrganizations.Org first = TestOrganizations.create();
    TestOrganizations.Org second = TestOrganizations.create();
    String admin = TestTokens.bearer(first.admin());
    String serverAdmin = TestTokens.bearer(TestTokens.serverAdmin());

    // five AI Lake calls of the first organization's manage token, all refused by the service, and one of its
    // read token, refused before it gets there: every one is audited with the status it got
    List<Integer> statuses = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      statuses.add(given().header("Authorization", TestTokens.bearer(first.manage())).contentType(ContentType.JSON)
          .body(Map.of("name", "db" + i, "storageIds", List.of("no-such-storage")))
          .post("/api/v1/ailake/database/instances").statusCode());
    }
    statuses.add(given().header("Authorization", TestTokens.bearer(first.manage()))
        .delete("/api/v1/ailake/database/instances/no-such-database").statusCode());
    assertThat(statuses).allSatisfy(status -> assertThat(status).isBetween(400, 499));
    given().header("Authorization", TestTokens.bearer(first.read())).contentType(ContentType.JSON)
        .body(Map.of("name", "db", "storageIds", List.of("x"))).post("/api/v1/ailake/database/instances")
        .then().statusCode(403);
    // and one of the second organization
    given().header("Authorization", TestTokens.bearer(second.manage())).contentType(ContentType.JSON)
        .body(Map.of("name", "db", "storageIds", List.of("no-such-storage")))
        .post("/api/v1/ailake/database/instances").then().statusCode(statuses.get(0));

    // pages of the manage token's events, newest first, with the total
    Response page1 = given().header("Authorization", admin).queryParam("actor", first.manageId())
        .queryParam("size", 2).queryParam("offset", 0).queryParam("metaInclude", "page").get("/api/v1/admin/audit");
    page1.then().statusCode(200).body("totalCount", equalTo(5)).body("events.size()", equalTo(2))
        .body("events[0].method", equalTo("DELETE"))
        .body("events[0].path", equalTo("/api/v1/ailake/database/instances/no-such-database"))
        .body("events[0].status", equalTo(statuses.get(4)))
        .body("events[0].organizationId", equalTo(first.id()));
    Response page2 = given().header("Authorization", admin).queryParam("actor", first.manageId())
        .queryParam("size", 2).queryParam("offset", 2).queryParam("metaInclude", "page").get("/api/v1/admin/audit");
    page2.then().statusCode(200).body("totalCount", equalTo(5)).body("events.size()", equalTo(2));
    Response page3 = given().header("Authorization", admin).queryParam("actor", first.manageId())
        .queryParam("size", 2).queryParam("offset", 4).get("/api/v1/admin/audit");
    page3.then().statusCode(200).body("events.size()", equalTo(1)).body("totalCount", equalTo(null))
        .body("events[0].method", equalTo("POST")).body("events[0].path", equalTo("/api/v1/ailake/database/instances"))
        .body("events[0].status", equalTo(statuses.get(0)));
    List<Long> ids = new java.util.ArrayList<>();
    for (Response page : List.of(page1, page2, page3)) {
      ids.addAll(page.jsonPath().getList("events.id", Long.class));
    }
    assertThat(ids).doesNotHaveDuplicates().hasSize(5).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    // the refusal of the read token is the organization's too
    given().header("Authorization", admin).queryParam("actor", first.readId()).get("/api/v1/admin/audit")
        .then().statusCode(200).body("events.status", equalTo(List.of(403)))
        .body("events.path", equalTo(List.of("/api/v1/ailake/database/instances")));

    // the second organization's admin sees none of it, only its own
    given().header("Authorization", TestTokens.bearer(second.admin())).queryParam("actor", first.manageId())
        .queryParam("metaInclude", "page").get("/api/v1/admin/audit")
        .then().statusCode(200).body("events.size()", equalTo(0)).body("totalCount", equalTo(0));
    given().header("Authorization", TestTokens.bearer(second.admin())).queryParam("from", before.toString())
        .queryParam("size", 500).get("/api/v1/admin/audit")
        .then().statusCode(200)
        .body("events.organizationId.unique()", equalTo(List.of(second.id())))
        .body("events.actor", hasItem(second.manageId()));
    // the server admin sees both
    given().header("Authorization", serverAdmin).queryParam("from", before.toString()).queryParam("size", 500)
        .get("/api/v1/admin/audit")
        .then().statusCode(200)
        .body("events.organizationId", hasItem(first.id()))
        .body("events.organizationId", hasItem(second.id()))
        .body("events.actor", hasItem(first.manageId()))
        .body("events.actor", hasItem(second.manageId()));
    given().header("Authorization", serverAdmin).queryParam("actor", first.manageId()).queryParam("metaInclude", "page")
        .get("/api/v1/admin/audit").then().statusCode(200).body("totalCount", equalTo(5));
  }

  /** Three calls take the bucket of {@code token} down to 0, with headers; the fourth is 429 on both APIs. */
  static void emptiesABucketOfThree(String token) {
    long before = Instant.now().getEpochSecond();
    for (int remaining = 2; remaining >= 0; remaining--) {
      Response allowed = given().header("Authorization", TestTokens.bearer(token))
          .get("/api/v1/ailake/database/instances");
      allowed.then().statusCode(200)
          .header("X-RateLimit-Limit", "3")
          .header("X-RateLimit-Remaining", String.valueOf(remaining));
      // the epoch second at which the bucket is full again: (3 - remaining) tokens at 0.05/s
      assertThat(Long.parseLong(allowed.header("X-RateLimit-Reset")))
          .isBetween(before + 1, Instant.now().getEpochSecond() + 20L * (3 - remaining) + 1);
    }
    Response refused = given().header("Authorization", TestTokens.bearer(token)).get("/iceberg/v1/config");
    refused.then().statusCode(429).body("error.code", equalTo(429)).header("X-RateLimit-Remaining", "0");
    int retryAfter = Integer.parseInt(refused.header("Retry-After"));
    assertThat(retryAfter).isBetween(1, 20);
    assertThat(refused.jsonPath().getInt("error.retry_after")).isEqualTo(retryAfter);
    assertThat(ErrorResponseParser.fromJson(refused.asString()).code()).isEqualTo(429);
    Response problem = given().header("Authorization", TestTokens.bearer(token)).get("/api/v1/ailake/database/instances");
    problem.then().statusCode(429).contentType("application/problem+json");
    assertThat(problem.jsonPath().getInt("retry_after")).isEqualTo(Integer.parseInt(problem.header("Retry-After")));
  }

  @Test
  void refusedCallersGetTheLimitHeadersAndABadTokenIsNamedInTheChallenge() {
    // a token that is not valid: RFC 6750's invalid_token; no token at all: the realm alone
    Response bad = given().header(AuthenticatedRestAssured.ANONYMOUS, "yes")
        .header("Authorization", "Bearer not-a-token").get("/api/v1/ailake/database/instances");
    bad.then().statusCode(401)
        .header("WWW-Authenticate", startsWith("Bearer "))
        .header("WWW-Authenticate", containsString("error=\"invalid_token\""))
        .header("WWW-Authenticate", containsString("error_description=\""))
        .header("X-RateLimit-Limit", "400")
        .header("X-RateLimit-Remaining", notNullValue())
        .header("X-RateLimit-Reset", notNullValue());
    given().header(AuthenticatedRestAssured.ANONYMOUS, "yes").get("/iceberg/v1/config")
        .then().statusCode(401)
        .header("WWW-Authenticate", equalTo("Bearer realm=\"ailake\""))
        .header("X-RateLimit-Limit", "400");

    // a read token may not write: its 403 counts against its bucket and says so
    String readToken = given().contentType(ContentType.JSON)
        .body(Map.of("name", "reader-" + java.util.UUID.randomUUID(), "role", "read"))
        .post(ORGANIZATIONS + "/" + io.ailake.organization.Organizations.DEFAULT_ID + "/tokens")
        .then().statusCode(201).extract().path("token");
    Response forbidden = given().header("Authorization", TestTokens.bearer(readToken)).contentType(ContentType.JSON)
        .body(Map.of("namespace", List.of("nope"))).post("/iceberg/v1/lake/namespaces");
    forbidden.then().statusCode(403).header("X-RateLimit-Limit", "400").header("X-RateLimit-Remaining", "399");
    assertThat(Long.parseLong(forbidden.header("X-RateLimit-Reset"))).isGreaterThanOrEqualTo(Instant.now().getEpochSecond());
  }
}
