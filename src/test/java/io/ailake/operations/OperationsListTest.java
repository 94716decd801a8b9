package io.ailake.operations;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import io.ailake.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The operations list as a client polls it: filtered, paged, newest first, only the caller's
 * organization's; and a failing job as it shows there and in its own GET: attempts, the last attempt's
 * failure while it retries, the cause's status and words once it failed for good, no Java class names.
 */
@QuarkusTest
class OperationsListTest {

  private static final String OPERATIONS = "/api/v1/ailake/operations";

  @Inject DataSource dataSource;
  @Inject ServiceStates states;
  @Inject io.ailake.logs.ResourceLogs logs;

  @Test
  void listIsFilteredByStatusAndKindPagedAndNewestFirst() throws SQLException {
    Org org = newOrganization();
    String provisioned = insert(org.id(), "provision-database", "SUCCEEDED", 1, "1 minute");
    String deprovisionFailed = insert(org.id(), "deprovision-database", "FAILED", 8, "30 seconds");
    String commandPending = insert(org.id(), "run-service-command", "PENDING", 0, "1 second");

    assertThat(ids(list(org).get(OPERATIONS).then().statusCode(200).extract().jsonPath()))
        .containsExactly(commandPending, deprovisionFailed, provisioned);
    assertThat(ids(list(org).queryParam("status", "failed").get(OPERATIONS).jsonPath()))
        .containsExactly(deprovisionFailed);
    assertThat(ids(list(org).queryParam("kind", "provision-database").get(OPERATIONS).jsonPath()))
        .containsExactly(provisioned);
    assertThat(ids(list(org).queryParam("status", "pending").queryParam("kind", "provision-database")
        .get(OPERATIONS).jsonPath())).isEmpty();
    JsonPath second = list(org).queryParam("size", 1).queryParam("offset", 1).queryParam("metaInclude", "page")
        .get(OPERATIONS).then().statusCode(200).extract().jsonPath();
    assertThat(ids(second)).containsExactly(deprovisionFailed);
    assertThat(second.getInt("totalCount")).isEqualTo(3);
    assertThat(list(org).queryParam("size", 500).get(OPERATIONS).then().statusCode(200)
        .extract().jsonPath().getList("operations")).hasSize(3);
    list(org).get(OPERATIONS).then().body("$", not(hasKey("totalCount")));
  }

  @Test
  void invalidFiltersAndPagingAre400ProblemsThatNameTheParameter() {
    Map<String, String> invalid = Map.of(
        "size=0", "size", "size=501", "size", "size=many", "size", "offset=-1", "offset",
        "status=bogus", "status", "kind=bogus", "kind");
    invalid.forEach((query, parameter) ->
        given().get(OPERATIONS + "?" + query).then().statusCode(400)
            .contentType("application/problem+json")
            .body("status", equalTo(400))
            .body("detail", containsString(parameter)));
  }

  @Test
  void anotherOrganizationsOperationsNeverAppear() throws SQLException {
    Org first = newOrganization();
    Org second = newOrganization();
    String firsts = insert(first.id(), "provision-database", "SUCCEEDED", 1, "1 second");
    String seconds = insert(second.id(), "provision-database", "SUCCEEDED", 1, "1 second");

    assertThat(ids(list(first).queryParam("size", 500).get(OPERATIONS).jsonPath())).containsExactly(firsts);
    assertThat(ids(list(second).queryParam("size", 500).get(OPERATIONS).jsonPath())).containsExactly(seconds);
    assertThat(ids(given().queryParam("size", 500).get(OPERATIONS).then().statusCode(200).extract().jsonPath()))
        .doesNotContain(firsts, seconds);
    list(first).get(OPERATIONS + "/" + seconds).then().statusCode(404);
    assertThat(ids(given().header("Authorization", TestTokens.bearer(first.read())).get(OPERATIONS)
        .then().statusCode(200).extract().jsonPath())).as("a read token lists too").containsExactly(firsts);
  }

  @Test
  void aRetryingJobShowsItsAttemptsAndLastErrorThenFailsWithItsCausesStatus() throws Exception {
    Org org = newOrganization();
    String kind = "test-outage-" + UUID.randomUUID();
    JobRunner runner = runner(kind, () -> {
      throw software.amazon.awssdk.core.exception.SdkClientException.create(
          "Unable to execute HTTP request: Connect to storage.example:9000 failed: Connection refused");
    }, 3);
    String id = insert(org.id(), kind, "PENDING", 0, "0 seconds");

    runner.poll();
    due(id);
    runner.poll();

    JsonPath retrying = list(org).get(OPERATIONS + "/" + id).then().statusCode(200).extract().jsonPath();
    assertThat(retrying.getString("status")).isEqualTo("pending");
    assertThat(retrying.getInt("attempts")).isEqualTo(2);
    assertThat(retrying.getInt("lastError.status")).isEqualTo(503);
    assertThat(retrying.getString("lastError.detail"))
        .isEqualTo("Object storage did not answer: Unable to execute HTTP request: Connect to storage.example:9000"
            + " failed: Connection refused");
    assertThat(retrying.getString("error")).isNull();
    JsonPath listed = list(org).get(OPERATIONS).jsonPath();
    assertThat(listed.getInt("operations[0].attempts")).isEqualTo(2);
    assertThat(listed.getString("operations[0].lastError.detail")).doesNotContain("Exception");

    due(id);
    runner.poll();

    JsonPath failed = list(org).get(OPERATIONS + "/" + id).then().statusCode(200).extract().jsonPath();
    assertThat(failed.getString("status")).isEqualTo("failed");
    assertThat(failed.getInt("attempts")).isEqualTo(3);
    assertThat(failed.getInt("error.status")).isEqualTo(503);
    assertThat(failed.getString("error.title")).isEqualTo("Service Unavailable");
    assertThat(failed.getString("error.detail")).startsWith("Object storage did not answer: ").doesNotContain("Exception");
    assertThat(failed.getString("lastError")).as("shown only while retrying").isNull();
  }

  @Test
  void aCatalogRefusalFailsAtOnceWithItsOwnStatusAndWords() throws Exception {
    Org org = newOrganization();
    String kind = "test-exists-" + UUID.randomUUID();
    JobRunner runner = runner(kind, () -> {
      throw new org.apache.iceberg.exceptions.AlreadyExistsException("Table already exists: sales.orders");
    }, 8);
    String id = insert(org.id(), kind, "PENDING", 0, "0 seconds");

    runner.poll();

    list(org).get(OPERATIONS + "/" + id).then().statusCode(200)
        .body("status", equalTo("failed"))
        .body("attempts", equalTo(1))
        .body("error.title", equalTo("Conflict"))
        .body("error.status", equalTo(409))
        .body("error.detail", equalTo("Table already exists: sales.orders"));
  }

  @Test
  void aBugRetriesWithoutShowingJavaClassNames() throws Exception {
    Org org = newOrganization();
    String kind = "test-bug-" + UUID.randomUUID();
    JobRunner runner = runner(kind, () -> {
      throw new NullPointerException("Cannot invoke \"java.lang.String.length()\" because \"name\" is null");
    }, 8);
    String id = insert(org.id(), kind, "PENDING", 0, "0 seconds");

    runner.poll();

    JsonPath retrying = list(org).get(OPERATIONS + "/" + id).then().statusCode(200).extract().jsonPath();
    assertThat(retrying.getString("status")).isEqualTo("pending");
    assertThat(retrying.getInt("lastError.status")).isEqualTo(500);
    assertThat(retrying.getString("lastError.detail")).doesNotContain("java.", "NullPointerException");
  }

  @Test
  void theApiDocumentDescribesTheListWithBoundedParameters() {
    JsonPath document = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
        .extract().jsonPath();
    String list = "paths.'/api/v1/ailake/operations'.get";
    assertThat(document.getString(list + ".operationId")).isEqualTo("listAiLakeOperations");
    List<Map<String, Object>> parameters = document.getList(list + ".parameters");
    Map<String, Object> size = parameters.stream().filter(p -> p.get("name").equals("size")).findFirst().orElseThrow();
    assertThat(size).extractingByKey("schema").asString().contains("type=integer", "minimum=1", "maximum=500");
    assertThat(parameters).extracting(p -> p.get("name")).contains("status", "kind", "offset");
    assertThat(document.getMap(list + ".responses")).containsKeys("200", "400", "401", "403");
  }

  // --- helpers

  record Org(String id, String admin, String read) {}

  /** A new organization of its own, so another test's operations do not show in its lists. */
  private static Org newOrganization() {
    String admin = TestTokens.bearer(TestTokens.serverAdmin());
    String id = given().header("Authorization", admin).contentType(ContentType.JSON)
        .body(Map.of("name", "ops_" + UUID.randomUUID().toString().substring(0, 8)))
        .post("/api/v1/admin/organizations").then().statusCode(201).extract().path("id");
    String[] tokens = new String[2];
    List<String> roles = List.of("admin", "read");
    for (int i = 0; i < roles.size(); i++) {
      tokens[i] = given().header("Authorization", admin).contentType(ContentType.JSON)
          .body(Map.of("name", roles.get(i) + "-token", "role", roles.get(i)))
          .post("/api/v1/admin/organizations/" + id + "/tokens").then().statusCode(201).extract().path("token");
    }
    return new Org(id, tokens[0], tokens[1]);
  }

  private static RequestSpecification list(Org org) {
    return given().header("Authorization", TestTokens.bearer(org.admin()));
  }

  private static List<String> ids(JsonPath list) {
    return list.getList("operations.id", String.class);
  }

  /** An operation of the organization, created {@code ago} before now; its public id. */
  private String insert(String organizationId, String kind, String state, int attempts, String ago)
      throws SQLException {
    String operationId = UUID.randomUUID().toString();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "INSERT INTO job (organization_id, kind, payload, state, attempts, operation_id, request_fingerprint,"
                + " created_at) VALUES (?::uuid, ?, '{}'::jsonb, ?, ?, ?, 'test', now() - ?::interval)")) {
      ps.setString(1, organizationId);
      ps.setString(2, kind);
      ps.setString(3, state);
      ps.setInt(4, attempts);
      ps.setString(5, operationId);
      ps.setString(6, ago);
      ps.executeUpdate();
    }
    return operationId;
  }

  /** Brings a retrying job's next attempt forward, instead of waiting for its backoff. */
  private void due(String operationId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("UPDATE job SET run_after = now() WHERE operation_id = ?")) {
      ps.setString(1, operationId);
      ps.executeUpdate();
    }
  }

  private interface Failing {
    void run() throws Exception;
  }

  /** Another replica's runner of one test kind only, so the service's own runner never claims it. */
  private JobRunner runner(String kind, Failing failing, int maxAttempts) {
    JobHandler handler = new JobHandler() {
      @Override
      public String kind() {
        return kind;
      }

      @Override
      public Map<String, Object> run(Map<String, String> payload) throws Exception {
        failing.run();
        return Map.of();
      }
    };
    return new JobRunner(dataSource, List.of(handler), Duration.ofSeconds(30), maxAttempts,
        Duration.ofSeconds(1), states, WorkerIdentity.ofThisProcess("operations-list-test"), logs);
  }
}
