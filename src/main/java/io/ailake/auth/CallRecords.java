package io.ailake.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ailake.api.RequestIds;
import io.ailake.postgres.NamedSql;
import io.ailake.postgres.RequestPathSql;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What a mutating call leaves besides its change: its idempotency key's answer and its audit record,
 * written with the change so they land exactly when it does. A route (annotated {@link ChangeKeepsAnswer})
 * hands over its change; the SQL of keys and audit stays here, in {@link KeptAnswers} and {@link AuditLog}.
 *
 * <p>Two shapes of change:
 *
 * <ul>
 *   <li>One statement ({@link #run}): the route's common table expressions, with named parameters. They
 *       must change nothing when the expression {@code earlier} has a row (the key has an answer
 *       already: {@code AND NOT EXISTS (SELECT 1 FROM earlier)}) and end with {@code answer (status,
 *       body)}, one row: the status the route answers (null when it answers nothing here) and, for a
 *       refusal, its body. The statement also claims the key, keeps the answer and writes the audit
 *       record: one round trip, autocommitted, nothing to roll back. Outside an HTTP request (a
 *       background job) it is the change alone.
 *   <li>A table commit ({@link #keepingAnswer}, {@link #keepInTransaction}): the answer is kept in the
 *       PostgreSQL transaction that swaps the table's pointer.
 * </ul>
 *
 * <p>Two calls with the same key: the second's change waits on the rows the first changes (or on its
 * key's row), then finds its claim taken, so nothing of it commits and it replays the first's answer
 * ({@link AnsweredEarlier}, which the interceptor turns into the replay).
 */
@ApplicationScoped
public class CallRecords {

  /** The routing context's key of the call's {@link KeptAnswers.Key}, set by the interceptor. */
  static final String KEY = "ailake.idempotency.key";

  /** The key already has an answer (or another call with it kept one first): the interceptor replays it. */
  public static final class AnsweredEarlier extends RuntimeException {
    public AnsweredEarlier() {
      super(null, null, false, false);
    }

    /** Whether {@code failure}, or one of its causes, is an {@link AnsweredEarlier}. */
    static boolean in(Throwable failure) {
      for (Throwable t = failure; t != null; t = t.getCause()) {
        if (t instanceof AnsweredEarlier) {
          return true;
        }
      }
      return false;
    }
  }

  private static final String NO_EARLIER = "WITH earlier AS (SELECT 1 WHERE false), ";
  private static final String EARLIER = "WITH earlier AS (" + KeptAnswers.LIVE + "), ";

  /** A route's change as it runs: in a background job, in an unkeyed call, in a keyed call. */
  private record Statements(NamedSql background, NamedSql unkeyed, NamedSql keyed) {
    static Statements of(NamedSql change) {
      String text = change.text();
      return new Statements(
          NamedSql.of(NO_EARLIER + text + " SELECT status FROM answer"),
          NamedSql.of(NO_EARLIER + text + "," + AuditLog.insertFrom("answer") + " SELECT status, status, false FROM answer"),
          NamedSql.of(EARLIER + text + "," + KeptAnswers.KEEP_FROM_ANSWER + "," + AuditLog.insertFrom("kept")
              + " SELECT (SELECT status FROM answer), (SELECT status FROM kept), EXISTS (SELECT 1 FROM earlier)"));
    }
  }

  private static final NamedSql KEEP = NamedSql.of(
      "WITH" + KeptAnswers.KEEP + "," + AuditLog.insertFrom("kept") + " SELECT count(*) FROM kept");

  /** The changes are constants: each is composed once. */
  private final Map<NamedSql, Statements> composed = new ConcurrentHashMap<>();

  private final RequestPathSql sql;
  private final AuditLog auditLog;
  private final CurrentVertxRequest request;
  private final UriInfo uriInfo;
  private final ObjectMapper json;
  private final TransactionSynchronizationRegistry transactions;

  CallRecords(RequestPathSql sql, AuditLog auditLog, CurrentVertxRequest request, UriInfo uriInfo, ObjectMapper json,
      TransactionSynchronizationRegistry transactions) {
    this.json = json;
    this.sql = sql;
    this.auditLog = auditLog;
    this.request = request;
    this.uriInfo = uriInfo;
    this.transactions = transactions;
  }

  /**
   * Runs {@code change} (a constant: see above) with its {@code parameters}, the call's key and its audit
   * record; the status the route answers, or none when it answers nothing in the statement.
   */
  public OptionalInt run(NamedSql change, NamedSql.Parameters parameters) {
    return run(change, parameters, Map.of());
  }

  /** {@link #run(NamedSql, NamedSql.Parameters)} of a route whose success answer has headers to keep with it. */
  public OptionalInt run(NamedSql change, NamedSql.Parameters parameters, Map<String, String> successHeaders) {
    Statements statements = composed.computeIfAbsent(change, Statements::of);
    RoutingContext routing = request.getCurrent();
    if (routing == null) {
      // a background job's change: no call to answer or record
      Integer status = sql.first(statements.background(), parameters, row -> (Integer) row.getObject(1)).orElse(null);
      return status == null ? OptionalInt.empty() : OptionalInt.of(status);
    }
    KeptAnswers.Key key = routing.get(KEY);
    parameters.setAll(audit(routing));
    Outcome outcome;
    if (key == null) {
      outcome = sql.first(statements.unkeyed(), parameters, CallRecords::outcome).orElseThrow();
    } else {
      parameters.setAll(key.parameters()).set("call_headers", headersJson(successHeaders));
      outcome = sql.first(statements.keyed(), parameters, CallRecords::outcome).orElseThrow();
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
   * For a route whose change is a table commit the service makes itself: the work to pass as {@code
   * alsoInTransaction} to {@code ServerTables.load(warehouse, table, alsoInTransaction)}. It keeps the
   * call's answer for its idempotency key, and writes its audit record, in the PostgreSQL transaction that
   * swaps the table's pointer: a retry with the key replays that answer and never commits again, even when
   * the process died between the commit and the answer. Call it in the request's thread before the work:
   * a key answered already throws {@link AnsweredEarlier} at once (the interceptor replays the answer).
   * When another call with the key commits first, the table's commit throws (nothing of it commits) and the
   * interceptor replays that call's answer. One commit per call: the answer is kept once. A call without a
   * key gets work that does nothing (its audit record is written when it is answered).
   *
   * <pre>{@code
   * @POST @Path("...") @ChangeKeepsAnswer
   * public Response insertRows(...) {
   *   String answer = ...;                       // the JSON the route answers
   *   Table table = serverTables.load(warehouse, identifier, callRecords.keepingAnswer(200, () -> answer));
   *   AppendFiles append = table.newAppend(); files.forEach(append::appendFile); append.commit();
   *   return Response.ok(answer, MediaType.APPLICATION_JSON_TYPE).build();
   * }
   * }</pre>
   *
   * @param status the route's success status
   * @param jsonBody the route's JSON answer, asked for in the commit's transaction (null for none)
   */
  public Runnable keepingAnswer(int status, Supplier<String> jsonBody) {
    Call call = current();
    if (call == null) {
      return () -> {};
    }
    requireFirst(call);
    return () -> {
      String body = jsonBody.get();
      keepInTransaction(call, status, body == null ? null : MediaType.APPLICATION_JSON, Map.of(), body);
    };
  }

  /** A keyed call's key and audit record, taken in the request's thread, for a change another thread may commit. */
  public record Call(KeptAnswers.Key key, NamedSql.Parameters audit, RoutingContext routing) {}

  /**
   * The current call's key and audit record; null when the call has no key, no call is current, or the
   * route's change does not keep its answer (the interceptor's own transaction does).
   */
  public Call current() {
    RoutingContext routing = request.getCurrent();
    KeptAnswers.Key key = routing == null ? null : routing.get(KEY);
    return key == null ? null : new Call(key, audit(routing), routing);
  }

  /** Throws {@link AnsweredEarlier} when the call's key has an answer already: the work is not done again. */
  public void requireFirst(Call call) {
    if (sql.first(KeptAnswers.IS_LIVE, call.key().parameters(), row -> true).isPresent()) {
      throw new AnsweredEarlier();
    }
  }

  /**
   * Keeps the call's answer for its key and writes its audit record in the current transaction (autocommitted
   * without one); throws {@link AnsweredEarlier} when another call with the key has an answer (nothing written:
   * the transaction must not commit the change). The call counts as recorded once the transaction commits.
   */
  public void keepInTransaction(Call call, int status, String contentType, Map<String, String> headers, String body) {
    if (!keep(call, status, contentType, headers, body)) {
      throw new AnsweredEarlier();
    }
    if (transactions.getTransactionKey() == null) {
      AuditLog.recorded(call.routing());
      return;
    }
    transactions.registerInterposedSynchronization(new Synchronization() {
      @Override
      public void beforeCompletion() {}

      @Override
      public void afterCompletion(int status) {
        if (status == Status.STATUS_COMMITTED) {
          AuditLog.recorded(call.routing());
        }
      }
    });
  }

  /**
   * Keeps the call's answer for its key and writes its audit record, in the current transaction if there is
   * one: false when another call with the same key has an answer (nothing written then).
   */
  boolean keep(Call call, int status, String contentType, Map<String, String> headers, String body) {
    NamedSql.Parameters parameters = KeptAnswers.answer(status, contentType, headersJson(headers), body)
        .setAll(call.key().parameters()).setAll(call.audit());
    return sql.first(KEEP, parameters, row -> row.getLong(1) == 1).orElse(false);
  }

  private NamedSql.Parameters audit(RoutingContext routing) {
    return auditLog.parameters(routing.request().method().name(), uriInfo.getPath(), RequestIds.current());
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

  /** The route's status, the status kept for the key (none when another answer has it), an earlier answer. */
  private record Outcome(Integer answered, Integer kept, boolean earlier) {}

  private static Outcome outcome(java.sql.ResultSet row) throws java.sql.SQLException {
    return new Outcome((Integer) row.getObject(1), (Integer) row.getObject(2), row.getBoolean(3));
  }
}
