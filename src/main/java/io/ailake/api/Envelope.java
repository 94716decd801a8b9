package io.ailake.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.arc.Arc;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The error and answer format of the third API family: the seed's operation envelope at {@code POST
 * /api/v1/datalake} (docs/envelope.md). Its errors are the {@code /api} family's, said in the envelope's
 * codes: ApiErrors decides every status and detail, and answers them here when the path is the envelope's.
 */
public final class Envelope {

  public static final String PATH = "/api/v1/datalake";
  static final String STARTED = "ailake.request-started";

  private Envelope() {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "DatalakeMeta", requiredProperties = {"requestId", "timestamp"}, example = "{\"requestId\":"
      + " \"6c1f2a9e-0b7d-4e51-9a3c-2d4e6f8a0b1c\", \"timestamp\": \"2025-01-01T12:00:00Z\", \"duration\": 145}")
  public record Meta(
      @Schema(description = "The request id, as in X-Request-ID", example = "6c1f2a9e-0b7d-4e51-9a3c-2d4e6f8a0b1c")
          String requestId,
      @Schema(description = "When the answer was made (ISO-8601, UTC)", example = "2025-01-01T12:00:00Z")
          String timestamp,
      @Schema(description = "Milliseconds since the request arrived", example = "145") Long duration) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "DatalakeError", requiredProperties = {"code", "message"}, example = "{\"code\": \"NOT_FOUND\","
      + " \"message\": \"Table shop.orders does not exist in database lake\", \"details\": {\"status\": 404,"
      + " \"title\": \"Not Found\"}}")
  public record Error(
      @Schema(enumeration = {"VALIDATION_ERROR", "AUTHENTICATION_ERROR", "AUTHORIZATION_ERROR", "NOT_FOUND",
          "RATE_LIMIT_EXCEEDED", "TIMEOUT", "INTERNAL_ERROR"}) String code,
      @Schema(description = "What was wrong, naming the thing") String message,
      @Schema(description = "status: the HTTP status; title: its reason phrase (409 Conflict, 503 Service"
          + " Unavailable, ...)") Map<String, Object> details) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "DatalakeResponse", requiredProperties = {"success", "meta"},
      description = "success true with data, or false with error", example = "{\"success\": false, \"error\":"
          + " {\"code\": \"NOT_FOUND\", \"message\": \"Table shop.orders does not exist in database lake\","
          + " \"details\": {\"status\": 404, \"title\": \"Not Found\"}}, \"meta\": {\"requestId\":"
          + " \"6c1f2a9e-0b7d-4e51-9a3c-2d4e6f8a0b1c\", \"timestamp\": \"2025-01-01T12:00:00Z\", \"duration\": 12}}")
  public record Body(boolean success, Object data, Error error, @Schema(required = true) Meta meta) {}

  /** Whether a request path is the envelope's. */
  public static boolean serves(String path) {
    return path.equals(PATH) || path.equals(PATH + "/");
  }

  /** The envelope's code for an HTTP status. */
  public static String code(int status) {
    return switch (status) {
      case 401 -> "AUTHENTICATION_ERROR";
      case 403 -> "AUTHORIZATION_ERROR";
      case 404 -> "NOT_FOUND";
      case 429 -> "RATE_LIMIT_EXCEEDED";
      case 408, 504 -> "TIMEOUT";
      default -> status >= 500 ? "INTERNAL_ERROR" : "VALIDATION_ERROR";
    };
  }

  public static Response success(int status, Object data, String requestId) {
    return Response.status(status).type(MediaType.APPLICATION_JSON)
        .entity(new Body(true, data, null, meta(requestId))).build();
  }

  public static Response error(int status, String title, String message, String requestId) {
    Map<String, Object> details = Map.of("status", status, "title", title);
    return Response.status(status).type(MediaType.APPLICATION_JSON)
        .entity(new Body(false, null, new Error(code(status), message, details), meta(requestId))).build();
  }

  private static Meta meta(String requestId) {
    return new Meta(requestId, Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(), elapsedMillis());
  }

  /** Milliseconds since the request being served arrived (RequestIds marks it), or null outside a request. */
  public static Long elapsedMillis() {
    RoutingContext routing = Arc.container() == null ? null
        : Arc.container().instance(CurrentVertxRequest.class).get().getCurrent();
    return routing != null && routing.get(STARTED) instanceof Long started
        ? (System.nanoTime() - started) / 1_000_000 : null;
  }

  /** Marks when a request arrived, for {@code meta.duration}. */
  static void started(RoutingContext routing) {
    routing.put(STARTED, System.nanoTime());
  }
}
