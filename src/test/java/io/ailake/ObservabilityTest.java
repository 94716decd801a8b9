package io.ailake;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ObservabilityTest {

  @Test
  void livenessAndReadinessAreUpAndReadinessChecksPostgres() {
    given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    given().get("/q/health/ready").then().statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.name", hasItem(containsString("Database connections")));
  }

  @Test
  void prometheusMetricsAreServed() {
    given().get("/iceberg/v1/config").then().statusCode(200);
    given().get("/q/metrics").then().statusCode(200)
        .body(containsString("jvm_memory_used_bytes"))
        .body(containsString("http_server_requests_seconds_count"));
  }

  @Test
  void theOpenApiDocumentDescribesTheIcebergRoutes() {
    given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
        .body(containsString("/iceberg/v1/{prefix}/namespaces/{namespace}/tables/{table}"))
        .body(containsString("/iceberg/v1/{prefix}/transactions/commit"))
        .body(containsString("/iceberg/v1/config"));
  }
}
