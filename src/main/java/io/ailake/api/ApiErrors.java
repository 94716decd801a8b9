package io.ailake.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The error format of the {@code /api} family: {@code application/problem+json} with {@code title},
 * {@code status}, {@code detail} and {@code traceId} (the request id, also in {@code X-Request-ID}); on the
 * seed's envelope route, the same refusal in the envelope ({@link Envelope}).
 * The Iceberg routes map their own errors (IcebergCatalogResource), in Iceberg's model.
 */
public class ApiErrors {

  public static final String PROBLEM_JSON = "application/problem+json";
  private static final Logger LOG = Logger.getLogger(ApiErrors.class);

  @ServerExceptionMapper
  public Response replayed(ReplayedResponse e) {
    return e.response();
  }

  @ServerExceptionMapper
  public Response apiException(ApiException e, ContainerRequestContext request) {
    if (e.status() >= 500) {
      LOG.warnf("Request failed: %s", e.getMessage());
    }
    return DependencyOutage.withRetryAfter(problem(e.status(), e.title(), e.getMessage(), request));
  }

  /** Quarkus maps this Jackson type itself (as plain JSON); ours must win to keep problem+json. */
  @ServerExceptionMapper
  public Response mistypedBody(MismatchedInputException e, ContainerRequestContext request) {
    return unreadableBody(e, request);
  }

  @ServerExceptionMapper
  public Response unreadableBody(JsonProcessingException e, ContainerRequestContext request) {
    String detail =
        e instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()
            ? "Invalid value for '" + mismatch.getPathReference().replaceAll(".*\\[\"?([^\"\\]]*)\"?\\]$", "$1")
                + "': " + e.getOriginalMessage()
            : "Malformed JSON: " + e.getOriginalMessage();
    return problem(400, "Bad Request", detail, request);
  }


  @ServerExceptionMapper
  public Response webApplication(WebApplicationException e, ContainerRequestContext request) {
    if (e.getResponse().getStatus() == 415) {
      return unsupportedMediaType(request);
    }
    if (isIceberg(request)) {
      return io.ailake.iceberg.IcebergCatalogResource.icebergError(e, request);
    }
    // Quarkus REST wraps some unreadable bodies (truncated JSON) in a bare 400; say what was wrong
    if (e.getCause() instanceof JsonProcessingException unreadable) {
      return unreadableBody(unreadable, request);
    }
    int status = e.getResponse().getStatus();
    Response.Status known = Response.Status.fromStatusCode(status);
    return problem(status, known == null ? "Error" : known.getReasonPhrase(), e.getMessage(), request);
  }

  /**
   * Iceberg's refusal of a client's input met on an /api route (a location outside the organization's
   * storages, a file too large to read whole): a 400 here too.
   */
  @ServerExceptionMapper
  public Response icebergBadRequest(org.apache.iceberg.exceptions.BadRequestException e,
      ContainerRequestContext request) {
    if (isIceberg(request)) {
      return io.ailake.iceberg.IcebergCatalogResource.icebergError(e, request);
    }
    return problem(400, "Bad Request", e.getMessage(), request);
  }

  @ServerExceptionMapper
  public Response unexpected(Exception e, ContainerRequestContext request) {
    if (isIceberg(request)) {
      return io.ailake.iceberg.IcebergCatalogResource.icebergError(e, request);
    }
    // services shared with the Iceberg API, and Iceberg's Table API, refuse in Iceberg's exception types
    Response icebergRefusal = icebergRefusal(e, request);
    if (icebergRefusal != null) {
      return icebergRefusal;
    }
    java.util.Optional<SqlRefusal> refused = SqlRefusal.of(e);
    if (refused.isPresent()) {
      int status = refused.get().status();
      return problem(status, Response.Status.fromStatusCode(status).getReasonPhrase(), refused.get().message(), request);
    }
    if (DependencyOutage.isOutage(e)) {
      LOG.warnf("Request failed on an unavailable dependency: %s", rootMessage(e));
      return DependencyOutage.withRetryAfter(problem(503, "Service Unavailable",
          "The catalog database or object storage did not answer; retry later", request));
    }
    LOG.error("Unexpected failure", e);
    return problem(500, "Internal Server Error",
        "Server-side problem; quote the traceId when reporting it", request);
  }

  /**
   * Iceberg's refusals met on an /api route, with the status Iceberg's own error model gives them
   * ({@link io.ailake.iceberg.IcebergErrors#statusOf}); else null. Two differ here: a commit whose outcome
   * nobody knows is a 503 (reload before retrying: it may have applied), and a JDK exception counts only
   * when Iceberg's own checks threw it.
   */
  private static Response icebergRefusal(Exception e, ContainerRequestContext request) {
    Integer status = io.ailake.iceberg.IcebergErrors.statusOf(e.getClass());
    if (status == null || e.getClass().getName().startsWith("java.") && !thrownByIceberg(e)) {
      return null;
    }
    if (e instanceof org.apache.iceberg.exceptions.CommitStateUnknownException) {
      LOG.warnf("Commit outcome unknown: %s", e.getMessage());
      return problem(503, "Service Unavailable",
          "The change may or may not have been committed (" + rootMessage(e) + "); reload the table to see"
              + " whether it applied before retrying", request);
    }
    if (e instanceof org.apache.iceberg.exceptions.CommitFailedException) {
      return problem(409, "Conflict",
          "The table changed while this request changed it (" + e.getMessage() + "); reload it and retry", request);
    }
    Response.Status known = Response.Status.fromStatusCode(status);
    return problem(status, known == null ? "Error" : known.getReasonPhrase(), e.getMessage(), request);
  }

  /**
   * An argument Iceberg's own checks refused (its Preconditions, relocated Guava, throw it from inside
   * Iceberg): the client's input. One thrown by our code is a bug, and stays a 500.
   */
  private static boolean thrownByIceberg(Throwable e) {
    for (StackTraceElement frame : e.getStackTrace()) {
      String type = frame.getClassName();
      if (!type.startsWith("org.apache.iceberg.relocated.")) {
        return type.startsWith("org.apache.iceberg.");
      }
    }
    return false;
  }

  private static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  /** Says what the route takes: a form for the token endpoint, JSON everywhere else. */
  private static Response unsupportedMediaType(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath();
    String takes = path.equals(io.ailake.auth.AuthFilter.OAUTH_TOKENS)
        ? "application/x-www-form-urlencoded" : "application/json";
    String detail = String.format("Unsupported Content-Type '%s' for %s %s: it takes %s",
        request.getHeaderString(HttpHeaders.CONTENT_TYPE), request.getMethod(), path, takes);
    return isIceberg(request)
        ? io.ailake.iceberg.IcebergErrors.response(415, "BadRequestException", detail, RequestIds.of(request))
        : problem(415, "Unsupported Media Type", detail, request);
  }

  /** A 400 in the format of the family {@code path} belongs to, for a refusal made before any route. */
  public static Response badRequest(ContainerRequestContext request, String path, String detail) {
    return refusal(request, path, 400, "Bad Request", detail);
  }

  /** A refusal of a filter that runs before routing, in the format of the path's API family. */
  public static Response refusal(ContainerRequestContext request, String path, int status, String title, String detail) {
    return path.startsWith("/iceberg")
        ? io.ailake.iceberg.IcebergErrors.response(status, "BadRequestException", detail, RequestIds.of(request))
        : problem(status, title, detail, request);
  }

  private static boolean isIceberg(ContainerRequestContext request) {
    return request.getUriInfo().getPath().startsWith("/iceberg");
  }

  public static Response problem(int status, String title, String detail, ContainerRequestContext request) {
    return problem(status, title, detail, RequestIds.of(request), request.getUriInfo().getPath());
  }

  /**
   * The one place that picks the format of an {@code /api} error: problem+json, or the seed's envelope on
   * its route (Envelope), so every refusal (the filters', Jackson's, a service's) reads as its client expects.
   */
  public static Response problem(int status, String title, String detail, String traceId, String path) {
    return Envelope.serves(path) ? Envelope.error(status, title, detail, traceId) : problem(status, title, detail, traceId);
  }

  public static Response problem(int status, String title, String detail, String traceId) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("title", title);
    body.put("status", status);
    body.put("detail", detail);
    body.put("traceId", traceId);
    return Response.status(status).type(PROBLEM_JSON).entity(body).build();
  }
}
