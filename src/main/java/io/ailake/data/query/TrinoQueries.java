package io.ailake.data.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ailake.AilakeConfig;
import io.ailake.api.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Trino for scale: when {@code ailake.query.trino.url} is set, a checked query of current data runs on
 * Trino, over its client protocol (POST /v1/statement, then each nextUri), in the catalog under which
 * Trino sees the database. The check is the same as for DuckDB, so the SQL names only
 * {@code namespace.table} of that catalog.
 */
@ApplicationScoped
public class TrinoQueries {

  private static final Logger LOG = Logger.getLogger(TrinoQueries.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Optional<String> url;
  private final String catalog;
  private final String user;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  TrinoQueries(AilakeConfig config) {
    this.url = config.query().trino().url().filter(u -> !u.isBlank()).map(u -> u.replaceAll("/+$", ""));
    this.catalog = config.query().trino().catalog();
    this.user = config.query().trino().user();
  }

  boolean enabled() {
    return url.isPresent();
  }

  /**
   * The query is checked with DuckDB's parser but runs on Trino's, so it must not hold what the two read
   * differently: DuckDB nests block comments and knows dollar quotes and backslash escapes, Trino does not,
   * and SQL that DuckDB reads as a comment or a string could be a second table reference to Trino.
   */
  static void requireReadAlike(String sql) {
    if (sql.contains("/*") || sql.contains("$") || sql.contains("\\")) {
      throw ApiException.badRequest("A query that runs on Trino may not hold block comments (/* */), '$' or"
          + " backslashes: use -- comments and plain 'strings'");
    }
  }

  /** The catalog of {@code database} on Trino: the configured name, {@code {database}} replaced by its name. */
  String catalog(String database) {
    return catalog.replace("{database}", database);
  }

  QueryEngine.Rows run(String database, String sql, int maxRows, Duration timeout) {
    requireReadAlike(sql);
    long deadline = System.nanoTime() + timeout.toNanos();
    List<QueryEngine.Column> columns = null;
    List<List<Object>> rows = new ArrayList<>();
    String next = null;
    try {
      JsonNode answer = send(HttpRequest.newBuilder(URI.create(url.get() + "/v1/statement"))
          .POST(HttpRequest.BodyPublishers.ofString(sql)), database, timeout);
      while (true) {
        if (answer.hasNonNull("error")) {
          throw failure(answer.path("error"));
        }
        if (columns == null && answer.path("columns").isArray()) {
          columns = new ArrayList<>();
          for (JsonNode column : answer.path("columns")) {
            columns.add(new QueryEngine.Column(column.path("name").asText(), column.path("type").asText()));
          }
        }
        for (JsonNode row : answer.path("data")) {
          if (rows.size() == maxRows) {
            cancel(answer.path("nextUri").asText(null), database);
            return new QueryEngine.Rows(columns, rows, true);
          }
          List<Object> values = new ArrayList<>();
          row.forEach(value -> values.add(JSON.convertValue(value, Object.class)));
          rows.add(values);
        }
        next = answer.path("nextUri").asText(null);
        if (next == null) {
          return new QueryEngine.Rows(columns == null ? List.of() : columns, rows, false);
        }
        if (System.nanoTime() > deadline) {
          cancel(next, database);
          throw new ApiException(408, "Request Timeout", String.format("The query did not finish on Trino within"
              + " its timeout of %d ms and was cancelled; narrow it, or give a larger timeoutMs", timeout.toMillis()));
        }
        answer = send(HttpRequest.newBuilder(URI.create(next)).GET(), database, timeout);
      }
    } catch (IOException e) {
      LOG.warnf("Trino did not answer: %s", e.toString());
      throw ApiException.unavailable("Trino did not answer; retry later");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel(next, database);
      throw ApiException.unavailable("The query was interrupted");
    }
  }

  private JsonNode send(HttpRequest.Builder request, String database, Duration timeout)
      throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(request
        .header("X-Trino-User", user)
        .header("X-Trino-Source", "ailake")
        .header("X-Trino-Catalog", catalog(database))
        .timeout(timeout.plusSeconds(10))
        .build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() == 503 || response.statusCode() == 429) {
      throw ApiException.unavailable("Trino is busy (HTTP %d); retry later", response.statusCode());
    }
    if (response.statusCode() != 200) {
      throw ApiException.unavailable("Trino answered HTTP %d", response.statusCode());
    }
    return JSON.readTree(response.body());
  }

  private void cancel(String next, String database) {
    if (next == null) {
      return;
    }
    try {
      http.send(HttpRequest.newBuilder(URI.create(next)).DELETE().header("X-Trino-User", user)
          .header("X-Trino-Catalog", catalog(database)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      LOG.debugf("Cancelling a Trino query failed: %s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Trino's refusal of the user's SQL is a 400 in Trino's words; a fault of Trino's a 503. */
  private static ApiException failure(JsonNode error) {
    String message = error.path("message").asText("The query failed on Trino");
    if (error.path("errorType").asText().equals("USER_ERROR")) {
      return ApiException.badRequest("%s", message);
    }
    return ApiException.unavailable("Trino could not run the query: %s", message);
  }
}
