package io.ailake.testing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.response.ValidatableResponse;
import java.time.Duration;

/** Polls AI Lake operations the way a client does. */
public final class Operations {

  private Operations() {}

  /** The operation once it finished, succeeded or failed. */
  public static ValidatableResponse awaitFinished(String operationId) {
    Eventually.within(Duration.ofSeconds(60), () ->
        assertThat(given().get("/api/v1/ailake/operations/" + operationId).jsonPath().getString("status"))
            .isIn("succeeded", "failed"));
    return given().get("/api/v1/ailake/operations/" + operationId).then().statusCode(200)
        .body("id", equalTo(operationId));
  }

  public static ValidatableResponse awaitSucceeded(String operationId) {
    return awaitFinished(operationId).body("status", equalTo("succeeded"));
  }
}
