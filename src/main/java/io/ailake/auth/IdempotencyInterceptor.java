package io.ailake.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ailake.AilakeConfig;
import io.ailake.api.ApiErrors;
import io.ailake.api.ApiException;
import io.ailake.api.ReplayedResponse;
import io.ailake.api.RequestIds;
import io.ailake.api.Sha256;
import io.ailake.iceberg.IcebergErrors;
import io.ailake.postgres.NamedSql;
import io.ailake.postgres.RequestPathSql;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Idempotency keys ({@code Idempotency-Key}, or its alias {@code X-Idempotency-Key}) on every mutating
 * route of both APIs. The key is claimed (a row keyed by organization and key) in one PostgreSQL
 * transaction with the request's change and its final response, so a crash cannot separate them, and
 * a concurrent request with the same key waits on that row, then gets the stored response: one effect.
 * A repeated key replays the stored response (2xx, and 4xx other than 408/429); a 5xx is never stored.
 * The same key with another request (method, path, query, parameters and body) is a 422. The request's
 * audit record is written in the same transaction.
 */
@Idempotent
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_AFTER)
public class IdempotencyInterceptor {

  static final String HEADER = "Idempotency-Key";
  static final String ALTERNATIVE_HEADER = "X-Idempotency-Key";
  static final String REPLAYED = "Idempotent-Replayed";
  private static final Set<String> MUTATING = Set.of("POST", "PUT", "PATCH", "DELETE");
  private static final List<String> KEPT_HEADERS =
      List.of("ETag", "Location", "operation-id", "operation-location");
  /** The server admin's requests have no organization; their keys live here. */
  private static final UUID SERVER_SCOPE = new UUID(0, 0);

  @Inject HttpServerRequest request;
  @Inject Caller caller;
  @Inject RequestPathSql sql;
  @Inject ObjectMapper json;
  @Inject AilakeConfig config;
  @Inject AuditLog auditLog;
  @Inject UriInfo uriInfo;
  @Inject RoutingContext routing;
  @Inject CallRecords calls;

  @AroundInvoke
  Object around(InvocationContext context) throws Exception {
    String method = request.method().name();
    boolean iceberg = request.path().startsWith("/iceberg/");
    String key = request.getHeader(HEADER);
    if (key == null) {
      key = request.getHeader(ALTERNATIVE_HEADER);
    }
    if (key == null || !MUTATING.contains(method)) {
      return context.proceed();
    }
    if (key.isBlank() || key.length() > 255) {
      throw new ReplayedResponse(error(iceberg, 400, "BadRequestException", "Bad Request",
          "An idempotency key has 1 to 255 characters"));
    }
    UUID scope = caller.serverAdmin() ? SERVER_SCOPE : caller.organizationId();
    String fingerprint = fingerprint(method, context.getParameters());
    String idempotencyKey = key;
    KeptAnswers.Key kept = new KeptAnswers.Key(scope, idempotencyKey, fingerprint, lifetime().toSeconds());
    if (context.getMethod().isAnnotationPresent(ChangeKeepsAnswer.class)) {
      return aroundChangeKeepingAnswer(context, kept, iceberg, method);
    }
    try {
      Object result = QuarkusTransaction.requiringNew().call(() -> {
        Stored earlier = claim(kept);
        if (earlier != null) {
          throw new ReplayedResponse(replay(earlier, fingerprint, iceberg, idempotencyKey));
        }
        Object answer = context.proceed();
        storeAndAudit(kept, stored(answer), method);
        return answer;
      });
      AuditLog.recorded(routing);
      return result;
    } catch (ReplayedResponse replayed) {
      throw replayed;
    } catch (Exception e) {
      Throwable failure = e instanceof io.quarkus.narayana.jta.QuarkusTransactionException && e.getCause() != null
          ? e.getCause() : e;
      // the change rolled back with the claim; a final refusal is kept on its own, for the replays
      Response refusal = finalRefusal(failure, iceberg);
      if (refusal != null) {
        QuarkusTransaction.requiringNew().run(
            () -> storeAndAudit(kept, stored(refusal), method));
        AuditLog.recorded(routing);
      }
      if (failure instanceof Exception exception) {
        throw exception;
      }
      throw e;
    }
  }

  /**
   * A route whose change keeps its answer ({@link CallRecords}): no transaction here, no claim ahead of
   * the change. What the change did not keep (a refusal that came before it, a success that changed
   * nothing) is kept afterwards, on its own, unless another call with the key answered first.
   */
  private Object aroundChangeKeepingAnswer(InvocationContext context, KeptAnswers.Key key, boolean iceberg,
      String method) throws Exception {
    routing.put(CallRecords.KEY, key);
    Object answer;
    try {
      answer = context.proceed();
    } catch (Exception e) {
      if (CallRecords.AnsweredEarlier.in(e)) {
        throw new ReplayedResponse(replay(earlierAnswer(key), key.fingerprint(), iceberg, key.key()));
      }
      Response refusal = AuditLog.isRecorded(routing) ? null : finalRefusal(e, iceberg);
      if (refusal != null) {
        keepAfterwards(key, stored(refusal), iceberg);
      }
      throw e;
    }
    if (!AuditLog.isRecorded(routing) && AuditLog.audited(method, request.path())) {
      keepAfterwards(key, stored(answer), iceberg);
    }
    return answer;
  }

  /** Keeps an answer the change did not keep; replays another call's when that call kept one first. */
  private void keepAfterwards(KeptAnswers.Key key, Stored answer, boolean iceberg) {
    CallRecords.Call call = calls.current();
    if (!calls.keep(call, answer.status(), answer.contentType(), answer.headers(), answer.body())) {
      throw new ReplayedResponse(replay(earlierAnswer(key), key.fingerprint(), iceberg, key.key()));
    }
    AuditLog.recorded(routing);
  }

  /** The answer to {@code failure} when it is a final refusal (a 4xx other than 408 and 429), else null. */
  private Response finalRefusal(Throwable failure, boolean iceberg) {
    Response refusal = iceberg ? IcebergErrors.peek(failure, traceId())
        : failure instanceof ApiException api
            ? ApiErrors.problem(api.status(), api.title(), api.getMessage(), traceId(), request.path())
            : null;
    return refusal != null && refusal.getStatus() >= 400 && refusal.getStatus() < 500
        && refusal.getStatus() != 408 && refusal.getStatus() != 429 ? refusal : null;
  }

  record Stored(String fingerprint, int status, String contentType, Map<String, String> headers, String body) {}

  /**
   * Claims the key (a new row, or an expired one taken over: one statement on every mutating call), or
   * returns what an earlier request with it stored (waiting for one in flight).
   */
  private Stored claim(KeptAnswers.Key key) {
    int claimed = sql.update(KeptAnswers.CLAIM, key.parameters());
    return claimed == 1 ? null : earlierAnswer(key);
  }

  /** The answer an earlier request with the key stored (waiting for one in flight). */
  private Stored earlierAnswer(KeptAnswers.Key key) {
    return sql.first(KeptAnswers.EARLIER, key.parameters(),
            row -> new Stored(row.getString(1), row.getInt(2), row.getString(3), headers(row.getString(4)),
                row.getString(5)))
        .orElseThrow(() -> ApiException.unavailable("A request with the same idempotency key just ended; retry"));
  }

  private Map<String, String> headers(String stored) {
    try {
      return json.readValue(stored, new TypeReference<Map<String, String>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final NamedSql STORE = NamedSql.of(KeptAnswers.STORE);
  private static final NamedSql STORE_AND_AUDIT =
      NamedSql.of("WITH audit AS (" + AuditLog.INSERT.text() + ") " + KeptAnswers.STORE);

  /** Keeps the final response for the key and writes the request's audit record: one statement. */
  private void storeAndAudit(KeptAnswers.Key key, Stored response, String method) {
    NamedSql.Parameters parameters = KeptAnswers.answer(response.status(), response.contentType(),
        calls.headersJson(response.headers()), response.body()).setAll(key.parameters());
    String path = uriInfo.getPath();
    if (!AuditLog.audited(method, path)) {
      sql.update(STORE, parameters);
      return;
    }
    sql.update(STORE_AND_AUDIT,
        parameters.setAll(auditLog.parameters(method, path, traceId())).set("audit_status", response.status()));
  }

  private Response replay(Stored earlier, String fingerprint, boolean iceberg, String key) {
    if (!earlier.fingerprint().equals(fingerprint)) {
      return error(iceberg, 422, "UnprocessableEntityException", "Unprocessable Entity",
          "Idempotency key " + key + " was already used for a different request");
    }
    Response.ResponseBuilder replay = Response.status(earlier.status()).header(REPLAYED, "true");
    earlier.headers().forEach(replay::header);
    if (earlier.body() != null) {
      replay.entity(earlier.body()).type(earlier.contentType());
    }
    return replay.build();
  }

  private Stored stored(Object result) {
    try {
      return storedOrFail(result);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot keep the response for its idempotency key", e);
    }
  }

  private Stored storedOrFail(Object result) throws JsonProcessingException {
    if (result instanceof Response response) {
      Map<String, String> headers = new LinkedHashMap<>();
      for (String name : KEPT_HEADERS) {
        String value = response.getHeaderString(name);
        if (value != null) {
          headers.put(name, value);
        }
      }
      Object entity = response.getEntity();
      String body = entity == null ? null
          : entity instanceof String text ? text
          : entity instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8)
          : json.writeValueAsString(entity);
      MediaType type = response.getMediaType();
      return new Stored(null, response.getStatus(),
          type != null ? type.toString() : MediaType.APPLICATION_JSON, headers, body);
    }
    if (result == null) {
      return new Stored(null, 204, null, Map.of(), null);
    }
    return new Stored(null, 200, MediaType.APPLICATION_JSON, Map.of(), json.writeValueAsString(result));
  }

  private String fingerprint(String method, Object[] parameters) {
    StringBuilder request = new StringBuilder(method).append(' ').append(this.request.uri()).append('\n');
    for (Object parameter : parameters) {
      try {
        request.append(parameter instanceof String text ? text : json.writeValueAsString(parameter)).append('\n');
      } catch (JsonProcessingException e) {
        request.append(parameter).append('\n');
      }
    }
    return Sha256.hex(request.toString());
  }

  private Response error(boolean iceberg, int status, String icebergType, String title, String detail) {
    return iceberg ? IcebergErrors.response(status, icebergType, detail, traceId()) : ApiErrors.problem(status, title, detail, traceId(), request.path());
  }

  private static String traceId() {
    return RequestIds.current();
  }

  private Duration lifetime() {
    return config.auth().idempotencyKeyLifetime();
  }
}
