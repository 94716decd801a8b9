package io.ailake.operations;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.ailake.storage.ObjectStorage;
import io.ailake.testing.Eventually;
import io.ailake.testing.ObjectStorages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ServicesTest {

  static final String SERVICES = "/api/v1/ailake/services";

  @Test
  void theOperationsWorkerIsListedWithItsStatusAndCommands() {
    String id = workerId();
    given().get(SERVICES + "?metaInclude=page").then().statusCode(200)
        .body("services.name", hasItem("operations-worker"))
        .body("services.name", hasItem("pipe-loader"))
        .body("totalCount", equalTo(given().get(SERVICES).jsonPath().getList("services").size()));
    given().get(SERVICES + "/" + id + "/status").then().statusCode(200)
        .body("status.state", equalTo("running"))
        .body("status.commands", hasItem("pause"));
  }

  @Test
  void pausingTheWorkerHoldsQueuedOperationsAndResumingFinishesThem() {
    String worker = workerId();
    String pause = run(worker, "pause").header("operation-id");
    given().get("/api/v1/ailake/operations/" + pause).then().statusCode(200)
        .body("kind", equalTo("run-service-command"))
        .body("status", equalTo("succeeded"))
        .body("result.state", equalTo("paused"));
    try {
      ObjectStorage storage = ObjectStorages.local("paused");
      String name = "paused_" + UUID.randomUUID().toString().substring(0, 8);
      String provision = given().contentType(ContentType.JSON)
          .body("{\"name\":\"" + name + "\",\"storageIds\":[\"" + storage.id + "\"]}")
          .post("/api/v1/ailake/database/instances")
          .then().statusCode(202).extract().header("operation-id");

      sleep(2500); // more than two polling intervals
      given().get("/api/v1/ailake/operations/" + provision).then().body("status", equalTo("pending"));
      given().get(SERVICES + "/" + worker + "/status").then().body("status.state", equalTo("paused"));

      run(worker, "resume");
      Eventually.within(Duration.ofSeconds(20), () -> assertThat(
          given().get("/api/v1/ailake/operations/" + provision).jsonPath().getString("status"))
          .isEqualTo("succeeded"));
    } finally {
      run(worker, "resume");
    }
  }

  @Test
  void unknownServicesAndCommandsAreClearProblems() {
    given().get(SERVICES + "/" + UUID.randomUUID() + "/status").then().statusCode(404)
        .contentType("application/problem+json");
    given().contentType(ContentType.JSON).body("{}")
        .post(SERVICES + "/" + workerId() + "/commands/explode/run")
        .then().statusCode(400).body("detail", containsString("pause"));
    given().get(SERVICES + "?size=-1").then().statusCode(400);
  }

  private static io.restassured.response.Response run(String serviceId, String command) {
    io.restassured.response.Response response = given().contentType(ContentType.JSON).body("{}")
        .post(SERVICES + "/" + serviceId + "/commands/" + command + "/run");
    response.then().statusCode(202);
    return response;
  }

  private static String workerId() {
    return given().get(SERVICES).jsonPath()
        .getString("services.find { it.name == 'operations-worker' }.serviceId");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
