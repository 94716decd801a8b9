package io.ailake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import java.util.List;

import java.util.ArrayList;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.ailake.iceberg.WarehouseService;
import io.ailake.organization.Organizations;
import io.ailake.storage.Storage;
import io.ailake.testing.AuthenticatedRestAssured;
import io.ailake.testing.IcebergClients;
import io.ailake.testing.Warehouses;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.rest.responses.ErrorResponse;
import org.apache.iceberg.rest.responses.ErrorResponseParser;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ObservabilityTest {

  @Inject WarehouseService warehouses;

  @TestHTTPResource("/iceberg")
  URL catalog;

  @Test
  void aRequestsLogLinesCarryItsRequestId() {
    // object storage that does not answer: the catalog logs a warning for the request, and answers 503
    String name = "logged_" + UUID.randomUUID().toString().substring(0, 8);
    warehouses.create(Organizations.DEFAULT_ID, name, "s3://nowhere/" + name,
        Storage.s3("http://127.0.0.1:9", "us-east-1", true));
    given().contentType(ContentType.JSON).body("{\"namespace\":[\"ns\"]}").post("/iceberg/v1/" + name + "/namespaces")
        .then().statusCode(200);
    String requestId = "r-" + UUID.randomUUID();
    // the lines as the console prints them: the configured format, applied while the record is logged
    PatternFormatter console = new PatternFormatter(
        ConfigProvider.getConfig().getValue("quarkus.log.console.format", String.class));
    List<String> lines = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        lines.add(console.format(record));
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    root.addHandler(capture);
    try {
      given().header("X-Request-ID", requestId).header("Idempotency-Key", requestId).contentType(ContentType.JSON)
          .body("{\"name\":\"t\",\"schema\":" + "{\"type\":\"struct\",\"schema-id\":0,\"fields\":[{\"id\":1,\"name\":\"id\",\"required\":true,\"type\":\"long\"}]}" + "}")
          .post("/iceberg/v1/" + name + "/namespaces/ns/tables")
          .then().statusCode(503).header("X-Request-ID", requestId)
          .body("error.request-id", equalTo(requestId));
    } finally {
      root.removeHandler(capture);
    }
    // one failure, one line (also with an idempotency key, whose interceptor looks at the failure first)
    assertThat(lines).filteredOn(line -> line.contains("unavailable dependency"))
        .singleElement().satisfies(line -> assertThat(line).contains("[" + requestId + "]"));
  }

  @Test
  void icebergErrorsNameTheRequestAndIcebergClientsStillParseThem() {
    String requestId = "r-" + UUID.randomUUID();
    Response missing = given().header("X-Request-ID", requestId).get("/iceberg/v1/lake/namespaces/nowhere/tables/t");
    missing.then().statusCode(404).header("X-Request-ID", requestId)
        .header("X-GDC-TRACE-ID", requestId) // where GoodData's clients look for it
        .body("error.request-id", equalTo(requestId))
        .body("error.type", equalTo("NoSuchTableException"));
    // Iceberg's own parser reads the spec's fields and is not disturbed by the extra one
    ErrorResponse parsed = ErrorResponseParser.fromJson(missing.asString());
    assertThat(parsed.code()).isEqualTo(404);
    assertThat(parsed.type()).isEqualTo("NoSuchTableException");
    assertThat(parsed.message()).isEqualTo(missing.jsonPath().getString("error.message")).doesNotContain(requestId);

    // without a token: the 401 names the request too, with an id of its own when the client sent none
    String anonymous = "r-" + UUID.randomUUID();
    given().header(AuthenticatedRestAssured.ANONYMOUS, "yes").header("X-Request-ID", anonymous)
        .get("/iceberg/v1/config")
        .then().statusCode(401).header("X-Request-ID", anonymous).body("error.request-id", equalTo(anonymous));
    Response generated = given().header(AuthenticatedRestAssured.ANONYMOUS, "yes").get("/iceberg/v1/config");
    generated.then().statusCode(401).body("error.request-id", equalTo(generated.header("X-Request-ID")))
        .header("X-GDC-TRACE-ID", generated.header("X-Request-ID"));

    // and Iceberg's client raises the exception the type names, with the message alone
    var warehouse = Warehouses.local("errors");
    try (RESTCatalog client = IcebergClients.connect(catalog, warehouse)) {
      client.createNamespace(org.apache.iceberg.catalog.Namespace.of("ns"));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.loadTable(TableIdentifier.of("ns", "t")))
          .isInstanceOf(NoSuchTableException.class)
          .hasMessageStartingWith("Table does not exist: ns.t")
          .hasMessageNotContaining("request");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void livenessAndReadinessAreUpAndReadinessChecksPostgres() {
    given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    given().get("/q/health/ready").then().statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.name", hasItem(containsString("PostgreSQL accepts connections")));
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
  void theDocumentIsYamlUnlessJsonIsAskedForAndSwaggerUiShowsIt() {
    given().get("/q/openapi").then().statusCode(200)
        .contentType(containsString("application/yaml"))
        .body(containsString("openapi: 3."))
        .body(containsString("/iceberg/v1/{prefix}/namespaces:"));
    given().accept(ContentType.JSON).get("/q/openapi").then().statusCode(200)
        .contentType(containsString("application/json"))
        .body("info.title", equalTo("ailake"));
    given().get("/q/swagger-ui").then().statusCode(200)
        .contentType(containsString("text/html"))
        .body(containsString("/q/openapi?format=json"));
    given().get("/q/swagger-ui/swagger-ui-bundle.js").then().statusCode(200)
        .contentType(containsString("text/javascript"))
        .body(containsString("SwaggerUIBundle"));
    given().get("/q/swagger-ui/index.html").then().statusCode(404);
  }

  @Test
  void theDocumentSaysEveryRouteButTheTokenEndpointTakesABearerToken() {
    var doc = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
    assertThat(doc.getMap("components.securitySchemes.bearer")).containsEntry("type", "http")
        .containsEntry("scheme", "bearer");
    Map<String, Map<String, Map<String, Object>>> paths = doc.getMap("paths");
    assertThat(paths).doesNotContainKeys("/q/openapi", "/q/swagger-ui");
    for (var path : paths.entrySet()) {
      for (var operation : path.getValue().entrySet()) {
        assertThat(operation.getValue().get("security"))
            .as(operation.getKey() + " " + path.getKey())
            .isEqualTo(path.getKey().equals("/iceberg/v1/oauth/tokens") ? null : List.of(Map.of("bearer", List.of())));
      }
    }
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
          // the datalake envelope answers its errors in the seed's own format, every other /api route in problem+json
          String errorSchema = path.getKey().equals("/api/v1/datalake") ? "DatalakeResponse" : "Problem";
          if ((code.startsWith("4") || code.startsWith("5"))
              && !String.valueOf(response.getValue().get("content")).contains("#/components/schemas/" + errorSchema)) {
            problems.add(where + ": error " + code + " is not a " + errorSchema);
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
    problems.addAll(everyRouteHasAnOperationIdTagsAndItsFamilysErrors(paths));
    Map<String, Object> operation = schemas.get("Operation");
    assertThat(String.valueOf(operation.get("oneOf"))).contains("PendingOperation", "SucceededOperation", "FailedOperation");
    assertThat(String.valueOf(operation.get("discriminator"))).contains("propertyName=status");
    assertThat(operations).isGreaterThanOrEqualTo(24);
    assertThat(problems).isEmpty();
    assertThat(String.valueOf(paths.get("/api/v1/ailake/database/instances/{instanceId}/pipeTables").get("post")))
        .contains("202").contains("operation-id").contains("operation-location");
  }

  /**
   * Every route of both APIs: a unique operationId, tags, and the errors of its family declared in the
   * family's format (problem+json for /api, Iceberg's error model for /iceberg).
   */
  @SuppressWarnings("unchecked")
  private static List<String> everyRouteHasAnOperationIdTagsAndItsFamilysErrors(
      Map<String, Map<String, Map<String, Object>>> paths) {
    List<String> problems = new ArrayList<>();
    java.util.Set<String> operationIds = new java.util.HashSet<>();
    for (var path : paths.entrySet()) {
      boolean iceberg = path.getKey().startsWith("/iceberg/");
      boolean oauth = path.getKey().equals("/iceberg/v1/oauth/tokens");
      for (var method : path.getValue().entrySet()) {
        String where = method.getKey().toUpperCase() + " " + path.getKey();
        Map<String, Object> operation = method.getValue();
        Object id = operation.get("operationId");
        if (id == null || !operationIds.add(id.toString())) {
          problems.add(where + ": no operationId, or one another route has: " + id);
        }
        List<String> tags = (List<String>) operation.get("tags");
        if (tags == null || tags.isEmpty()
            || path.getKey().startsWith("/api/v1/ailake/") && (!tags.get(0).equals("AI Lake") || tags.size() != 2)) {
          problems.add(where + ": tags " + tags);
        }
        Map<String, Map<String, Object>> responses = (Map<String, Map<String, Object>>) operation.get("responses");
        List<String> expected = new ArrayList<>(List.of("400", "503"));
        if (!oauth) {
          expected.addAll(List.of("401", "403", "429"));
        }
        if (path.getKey().contains("{")) {
          expected.add("404");
        }
        if (operation.get("requestBody") != null) {
          expected.add("415");
        }
        for (String code : expected) {
          if (!responses.containsKey(code)) {
            problems.add(where + ": does not declare " + code);
          }
        }
        for (var response : responses.entrySet()) {
          String content = String.valueOf(response.getValue().get("content"));
          boolean error = response.getKey().startsWith("4") || response.getKey().startsWith("5");
          if (error && iceberg && !oauth && !method.getKey().equals("head")
              && !content.contains("#/components/schemas/IcebergErrorResponse")) {
            problems.add(where + ": error " + response.getKey() + " is not Iceberg's error model");
          }
          if (response.getKey().startsWith("2") && !response.getKey().equals("204") && iceberg && !oauth
              && !content.contains("#/components/schemas/")) {
            problems.add(where + ": " + response.getKey() + " names no schema");
          }
        }
        Object body = operation.get("requestBody");
        if (body != null && iceberg && !oauth && !String.valueOf(body).contains("#/components/schemas/")) {
          problems.add(where + ": the request body names no schema");
        }
      }
    }
    return problems;
  }
}
