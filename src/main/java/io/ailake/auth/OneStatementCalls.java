package io.ailake.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ailake.api.RequestIds;
import io.ailake.postgres.RequestPathSql;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.UriInfo;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * Runs the change of a {@link OneStatement} route as one autocommitted SQL statement that also claims
 * the call's idempotency key, keeps its answer and writes its audit record: one round trip to
 * PostgreSQL, and nothing to roll back. The route's common table expressions come after {@code earlier}
 * (one row when the key already has an answer; the route's change must not run then: {@code AND NOT
 * EXISTS (SELECT 1 FROM earlier)}) and end with {@code answer (status, body)}, one row: the status the
 * route answers (null when it answers nothing here) and, for a refusal, its body.
 *
 * <p>Outside an HTTP request (a background job's change) the statement is the change alone.
 *
 * <p>Two calls with the same key: the second's change waits on the rows the first changes, then finds
 * them gone, and its claim finds the first's, so it replays the first's answer. A call whose key was
 * used before replays that answer (see {@link IdempotencyInterceptor}).
 */
@ApplicationScoped
public class OneStatementCalls {

  /** The routing context's key of the call's {@link Key}, set by the interceptor. */
  static final String KEY = "ailake.idempotency.key";

  /** A keyed call's key, in its scope, and the fingerprint of its request. */
  record Key(UUID scope, String key, String fingerprint, long lifetimeSeconds) {}

  /** The key already has an answer: the interceptor replays it. */
  public static final class AnsweredEarlier extends RuntimeException {
    public AnsweredEarlier() {
      super(null, null, false, false);
    }
  }

  /** One row when the key (scope, key) has a live answer. */
  private static final String ANSWERED = "SELECT 1 FROM idempotency_record"
      + " WHERE organization_id = ? AND idempotency_key = ? AND expires_at >= now()";
  private static final String EARLIER = "WITH earlier AS (" + ANSWERED + "), ";
  private static final String NO_EARLIER = "WITH earlier AS (SELECT 1 WHERE false), ";
  private static final String KEEP = ", kept AS (INSERT INTO idempotency_record (organization_id, idempotency_key,"
      + " fingerprint, status, content_type, headers, body, expires_at) SELECT ?, ?, ?, status,"
      + " CASE WHEN body IS NULL THEN NULL ELSE 'application/json' END,"
      + " CASE WHEN status < 300 THEN CAST(? AS jsonb) ELSE CAST('{}' AS jsonb) END, body,"
      + " now() + make_interval(secs => ?) FROM answer WHERE status IS NOT NULL"
      + IdempotencyInterceptor.TAKE_OVER_EXPIRED + " RETURNING status)";

  private final RequestPathSql sql;
  private final AuditLog auditLog;
  private final CurrentVertxRequest request;
  private final UriInfo uriInfo;
  private final ObjectMapper json;

  OneStatementCalls(
      RequestPathSql sql, AuditLog auditLog, CurrentVertxRequest request, UriInfo uriInfo, ObjectMapper json) {
    this.json = json;
    this.sql = sql;
    this.auditLog = auditLog;
    this.request = request;
    this.uriInfo = uriInfo;
  }

  /**
   * Runs {@code changes} (the route's expressions, see above; their parameters first) with the call's
   * key and audit record; the status the route answers, or none when it answers nothing in the statement.
   */
  public OptionalInt answer(String changes, Object... parameters) {
    return answer(Map.of(), changes, parameters);
  }

  /** {@link #answer(String, Object...)} of a route whose success answer has headers to keep with it. */
  public OptionalInt answer(Map<String, String> successHeaders, String changes, Object... parameters) {
    RoutingContext routing = request.getCurrent();
    if (routing == null) {
      // a background job's change: no call to answer or record
      Integer status = sql.first(NO_EARLIER + changes + " SELECT status FROM answer",
          row -> (Integer) row.getObject(1), parameters).orElse(null);
      return status == null ? OptionalInt.empty() : OptionalInt.of(status);
    }
    Key key = routing.get(KEY);
    Object[] audit = auditLog.valuesBesideStatus(routing.request().method().name(), uriInfo.getPath(),
        RequestIds.current());
    Outcome outcome;
    if (key == null) {
      outcome = sql.first(NO_EARLIER + changes + AuditLog.INSERT_FROM.formatted("answer")
              + " SELECT status, status, false FROM answer",
          OneStatementCalls::outcome, concat(parameters, audit)).orElseThrow();
    } else {
      outcome = sql.first(EARLIER + changes + KEEP + AuditLog.INSERT_FROM.formatted("kept")
              + " SELECT (SELECT status FROM answer), (SELECT status FROM kept), EXISTS (SELECT 1 FROM earlier)",
          OneStatementCalls::outcome,
          concat(new Object[] {key.scope(), key.key()}, parameters,
              new Object[] {key.scope(), key.key(), key.fingerprint(), headersJson(successHeaders),
                  key.lifetimeSeconds()}, audit))
          .orElseThrow();
    }
    if (outcome.earlier() || outcome.answered() != null && outcome.kept() == null) {
      throw new AnsweredEarlier();
    }
    if (outcome.answered() == null) {
      return OptionalInt.empty();
    }
    AuditLog.recorded(routing);
    return OptionalInt.of(outcome.answered());
  }

  /**
   * A keyed call's key and audit record, taken in the request's thread, for a change that commits in
   * a transaction another thread runs (a table commit's turn, see {@link #keep}).
   */
  public record Keyed(Key key, Object[] audit, RoutingContext routing) {}

  /** The current call's key and audit record; null when the call has no key or no call is current. */
  public Keyed keyed() {
    RoutingContext routing = request.getCurrent();
    Key key = routing == null ? null : routing.get(KEY);
    if (key == null) {
      return null;
    }
    return new Keyed(key, auditLog.valuesBesideStatus(routing.request().method().name(), uriInfo.getPath(),
        RequestIds.current()), routing);
  }

  /** Throws {@link AnsweredEarlier} when the call's key has an answer already: the work is not done again. */
  public void requireNoEarlierAnswer(Keyed call) {
    if (sql.first(ANSWERED, row -> true, call.key().scope(), call.key().key()).isPresent()) {
      throw new AnsweredEarlier();
    }
  }

  private static final String KEEP_ANSWER = "WITH kept AS (INSERT INTO idempotency_record (organization_id,"
      + " idempotency_key, fingerprint, status, content_type, headers, body, expires_at)"
      + " VALUES (?, ?, ?, ?, ?, CAST(? AS jsonb), ?, now() + make_interval(secs => ?))"
      + IdempotencyInterceptor.TAKE_OVER_EXPIRED + " RETURNING status)";

  /**
   * Keeps the call's answer for its key and writes its audit record, in the current transaction if
   * there is one: false when another call with the same key has an answer (nothing written then).
   */
  public boolean keep(Keyed call, int status, String contentType, Map<String, String> headers, String body) {
    Key key = call.key();
    return sql.first(KEEP_ANSWER + AuditLog.INSERT_FROM.formatted("kept") + " SELECT count(*) FROM kept",
            row -> row.getLong(1) == 1,
            concat(new Object[] {key.scope(), key.key(), key.fingerprint(), status, contentType, headersJson(headers),
                body, key.lifetimeSeconds()}, call.audit()))
        .orElse(false);
  }

  /** The headers an answer keeps, as the JSON object the key's row holds. */
  String headersJson(Map<String, String> headers) {
    try {
      // most answers keep no header: they need no ObjectMapper call
      return headers.isEmpty() ? "{}" : json.writeValueAsString(headers);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** In the request's thread, once the transaction that kept the call's answer committed. */
  public static void kept(Keyed call) {
    AuditLog.recorded(call.routing());
  }

  /** The route's status, the status kept for the key (none when another answer has it), an earlier answer. */
  private record Outcome(Integer answered, Integer kept, boolean earlier) {}

  private static Outcome outcome(java.sql.ResultSet row) throws java.sql.SQLException {
    return new Outcome((Integer) row.getObject(1), (Integer) row.getObject(2), row.getBoolean(3));
  }

  private static Object[] concat(Object[]... parts) {
    Object[] all = new Object[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
    int at = 0;
    for (Object[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return all;
  }
}
