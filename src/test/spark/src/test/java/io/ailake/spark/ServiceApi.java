package io.ailake.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * The service's /api routes of the suite's database: its base URL is {@code catalog.uri} without its
 * {@code /iceberg}, its token {@code catalog.prop.token}, the database {@code catalog.warehouse}.
 */
final class ServiceApi {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private ServiceApi() {}

  /** POST .../query; {@code asOf} may be null. */
  static JsonNode query(String sql, Map<String, Object> asOf) throws Exception {
    Map<String, Object> body = asOf == null ? Map.of("sql", sql) : Map.of("sql", sql, "asOf", asOf);
    return post("/query", "application/json", JSON.writeValueAsString(body), 200);
  }

  /** POST to {@code path} under the database; fails unless the answer has {@code expected} status. */
  static JsonNode post(String path, String contentType, String body, int expected) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(database() + path))
        .header("Authorization", "Bearer " + System.getProperty("catalog.prop.token"))
        .header("Content-Type", contentType)
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("POST %s: %s", path, response.body()).isEqualTo(expected);
    return JSON.readTree(response.body());
  }

  private static String database() {
    String catalog = System.getProperty("catalog.uri").replaceAll("/+$", "");
    String base = catalog.substring(0, catalog.length() - "/iceberg".length());
    return base + "/api/v1/ailake/database/instances/" + System.getProperty("catalog.warehouse", "lake");
  }
}
