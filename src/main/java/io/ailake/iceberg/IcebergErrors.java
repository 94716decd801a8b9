package io.ailake.iceberg;

import io.ailake.api.DependencyOutage;
import io.ailake.api.SqlRefusal;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.exceptions.NamespaceNotEmptyException;
import org.apache.iceberg.exceptions.NoSuchIcebergTableException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NoSuchViewException;
import org.apache.iceberg.exceptions.NoSuchWarehouseException;
import org.apache.iceberg.exceptions.NotAuthorizedException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.exceptions.ServiceUnavailableException;
import org.apache.iceberg.exceptions.UnprocessableEntityException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.util.JsonUtil;
import org.jboss.logging.Logger;

/**
 * The Iceberg API's error model: the exception type decides the status, its message is what the
 * user reads, and the type name travels as {@code error.type} so Iceberg clients raise the same
 * exception on their side. Every error also names the request ({@code error.request-id}, as in {@code
 * X-Request-ID}) so a user can quote it: Iceberg's {@code ErrorResponseParser} reads the spec's fields
 * by name and ignores others, and an addition to the message would change what clients match on.
 */
public final class IcebergErrors {

  private static final Logger LOG = Logger.getLogger(IcebergErrors.class);
  /** The field of {@code error} that carries the request id. */
  public static final String REQUEST_ID = "request-id";

  private static final Map<Class<? extends Exception>, Integer> STATUS =
      Map.ofEntries(
          Map.entry(IllegalArgumentException.class, 400),
          Map.entry(ValidationException.class, 400),
          Map.entry(BadRequestException.class, 400),
          Map.entry(NotAuthorizedException.class, 401),
          Map.entry(ForbiddenException.class, 403),
          Map.entry(NoSuchNamespaceException.class, 404),
          Map.entry(NoSuchTableException.class, 404),
          Map.entry(NoSuchIcebergTableException.class, 404),
          Map.entry(NoSuchViewException.class, 404),
          Map.entry(NoSuchWarehouseException.class, 404),
          Map.entry(NotFoundException.class, 404),
          Map.entry(UnsupportedOperationException.class, 406),
          Map.entry(AlreadyExistsException.class, 409),
          Map.entry(NamespaceNotEmptyException.class, 409),
          Map.entry(CommitFailedException.class, 409),
          Map.entry(UnprocessableEntityException.class, 422),
          Map.entry(CommitStateUnknownException.class, 500),
          Map.entry(ServiceUnavailableException.class, 503));

  /** The Iceberg exception a client raises for each refusal of PostgreSQL. */
  private static final Map<SqlRefusal.Kind, String> ICEBERG_TYPES = Map.of(
      SqlRefusal.Kind.DUPLICATE, AlreadyExistsException.class.getSimpleName(),
      SqlRefusal.Kind.GONE, CommitFailedException.class.getSimpleName(),
      SqlRefusal.Kind.INVALID_VALUE, BadRequestException.class.getSimpleName());

  private IcebergErrors() {}

  /** The answer to a failure; a server-side one is logged. */
  public static Response toResponse(Throwable error, String requestId) {
    return answer(error, requestId, true);
  }

  /**
   * The answer without logging, for a caller that only inspects it before the failure travels on to
   * the exception mapper (which logs it): one failure, one log line.
   */
  public static Response peek(Throwable error, String requestId) {
    return answer(error, requestId, false);
  }

  private static Response answer(Throwable error, String requestId, boolean log) {
    if (error instanceof io.ailake.api.ReplayedResponse replayed) {
      return replayed.response();
    }
    if (error instanceof WebApplicationException web && web.getResponse().getStatus() < 500) {
      int status = web.getResponse().getStatus();
      return response(status, status == 404 ? "NotFoundException" : "BadRequestException", web.getMessage(), requestId);
    }
    Integer status = statusOf(error.getClass());
    if (status == null) {
      java.util.Optional<SqlRefusal> refused = SqlRefusal.of(error);
      if (refused.isPresent()) {
        return response(refused.get().status(), ICEBERG_TYPES.get(refused.get().kind()), refused.get().message(), requestId);
      }
    }
    if ((status == null || status >= 500) && DependencyOutage.isOutage(error)) {
      if (log) {
        LOG.warnf("Iceberg request failed on an unavailable dependency: %s", rootMessage(error));
      }
      return DependencyOutage.withRetryAfter(response(503, "ServiceUnavailableException",
          "Service unavailable: the catalog database or object storage did not answer; retry later", requestId));
    }
    if (status == null) {
      if (log) {
        LOG.error("Unexpected failure of an Iceberg request", error);
      }
      return response(500, "InternalServerError", "Internal server error: " + error.getClass().getSimpleName(), requestId);
    }
    if (status >= 500 && log) {
      LOG.warn("Iceberg request failed", error);
    }
    return DependencyOutage.withRetryAfter(
        response(status, error.getClass().getSimpleName(), error.getMessage(), requestId));
  }

  private static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  /** The status of Iceberg's error model for a refusal of this type (or a supertype), or null when it is none. */
  public static Integer statusOf(Class<?> type) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      Integer status = STATUS.get(c);
      if (status != null) {
        return status;
      }
    }
    return null;
  }

  public static Response response(int status, String type, String message, String requestId) {
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(body(status, type, message, requestId))
        .build();
  }

  /** The body of a refusal of the given type (its status is the type's) with the given message. */
  public static String body(Class<? extends RuntimeException> type, String message, String requestId) {
    Integer status = statusOf(type);
    if (status == null) {
      throw new IllegalArgumentException("Not a refusal of the Iceberg API: " + type.getName());
    }
    return body(status, type.getSimpleName(), message, requestId);
  }

  /**
   * The body of an error answer: the spec's {@code ErrorModel} (message, type, code) and the request id,
   * written in one pass: a drop builds its refusal on every call, also when it succeeds.
   */
  public static String body(int status, String type, String message, String requestId) {
    return JsonUtil.generate(json -> {
      json.writeStartObject();
      json.writeObjectFieldStart("error");
      json.writeStringField("message", message);
      json.writeStringField("type", type);
      json.writeNumberField("code", status);
      json.writeStringField(REQUEST_ID, requestId);
      json.writeEndObject();
      json.writeEndObject();
    }, false);
  }
}
