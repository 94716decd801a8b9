package io.ailake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import java.util.List;

import java.util.ArrayList;

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

  @Test
  void everyAiLakeAndAdminRouteIsDocumentedWithSchemasAndExamples() {
    var doc = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
    Map<String, Map<String, Map<String, Object>>> paths = doc.getMap("paths");
    Map<String, Map<String, Object>> schemas = doc.getMap("components.schemas");
    List<String> problems = new ArrayList<>();
    int operations = 0;
    for (var path : paths.entrySet()) {
      if (!path.getKey().startsWith("/api/")) {
        continue;
      }
      for (var method : path.getValue().entrySet()) {
        operations++;
        String where = method.getKey().toUpperCase() + " " + path.getKey();
        Map<String, Object> operation = method.getValue();
        if (operation.get("summary") == null) {
          problems.add(where + ": no summary");
        }
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> responses = (Map<String, Map<String, Object>>) operation.get("responses");
        boolean success = false;
        for (var response : responses.entrySet()) {
          String code = response.getKey();
          success |= code.startsWith("2");
          if (!code.equals("204") && response.getValue().get("content") == null) {
            problems.add(where + ": response " + code + " has no content");
          }
          if ((code.startsWith("4") || code.startsWith("5"))
              && !String.valueOf(response.getValue().get("content")).contains("#/components/schemas/Problem")) {
            problems.add(where + ": error " + code + " is not a Problem");
          }
        }
        if (!success) {
          problems.add(where + ": no success response");
        }
      }
    }
    for (var schema : schemas.entrySet()) {
      if ("object".equals(schema.getValue().get("type")) && schema.getValue().get("example") == null
          && schema.getValue().get("examples") == null) {
        problems.add("schema " + schema.getKey() + " has no example");
      }
      Object example = schema.getValue().get("example") != null ? schema.getValue().get("example")
          : schema.getValue().get("examples") instanceof List<?> list && !list.isEmpty() ? list.get(0) : null;
      if ("object".equals(schema.getValue().get("type")) && !(example instanceof Map)) {
        problems.add("schema " + schema.getKey() + ": the example is not a JSON object: " + example);
      }
    }
    assertThat(operations).isGreaterThanOrEqualTo(24);
    assertThat(problems).isEmpty();
    assertThat(String.valueOf(paths.get("/api/v1/ailake/database/instances/{instanceId}/pipeTables").get("post")))
        .contains("202").contains("operation-id").contains("operation-location");
  }
}
