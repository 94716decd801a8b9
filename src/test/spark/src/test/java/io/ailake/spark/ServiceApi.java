package io.ailake.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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

  /**
   * POST to {@code path} under the database ({@code contentType} and {@code body} null for a POST without a
   * body); fails unless the answer has {@code expected} status.
   */
  static JsonNode post(String path, String contentType, String body, int expected) throws Exception {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(database() + path))
        .header("Authorization", "Bearer " + System.getProperty("catalog.prop.token"))
        .header("Accept", "application/json")
        .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      builder.header("Content-Type", contentType);
    }
    HttpRequest request = builder.build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("POST %s: %s", path, response.body()).isEqualTo(expected);
    return JSON.readTree(response.body());
  }

  /** GET {@code path} under the service's root (such as {@code /api/v1/ailake/events}); expects 200. */
  static JsonNode get(String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(root() + path))
        .header("Authorization", "Bearer " + System.getProperty("catalog.prop.token"))
        .header("Accept", "application/json").GET().build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  /** The database the suite's catalog names. */
  static String databaseName() {
    return System.getProperty("catalog.warehouse", "lake");
  }

  /** One file part of a multipart upload: its file name, declared content type and bytes. */
  record FilePart(String fileName, String contentType, byte[] content) {}

  /** POST multipart/form-data with one part named {@code file} per file, built by hand; expects 200. */
  static JsonNode upload(String path, List<FilePart> files) throws Exception {
    String boundary = "ailake-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (FilePart file : files) {
      body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
          + file.fileName() + "\"\r\nContent-Type: " + file.contentType() + "\r\n\r\n")
          .getBytes(StandardCharsets.UTF_8));
      body.write(file.content());
      body.write("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpRequest request = HttpRequest.newBuilder(URI.create(database() + path))
        .header("Authorization", "Bearer " + System.getProperty("catalog.prop.token"))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
        .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("POST %s: %s", path, response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static String root() {
    String catalog = System.getProperty("catalog.uri").replaceAll("/+$", "");
    return catalog.substring(0, catalog.length() - "/iceberg".length());
  }

  private static String database() {
    return root() + "/api/v1/ailake/database/instances/" + databaseName();
  }
}
