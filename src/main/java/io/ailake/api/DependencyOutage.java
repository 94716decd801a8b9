package io.ailake.api;

import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Tells a failure of a dependency (PostgreSQL gone, restarting or out of connections; object storage not
 * answering) from a bug, wherever in the causes it hides: both error mappers answer it with 503 and
 * {@code Retry-After}, each in its own format. The driver, the pool, Hibernate, the transaction manager
 * and ArC each wrap it differently, so only the causes (and the errors suppressed beside them) are reliable.
 */
public final class DependencyOutage {

  /** Seconds a client waits before retrying: a restarting PostgreSQL takes about that long. */
  public static final String RETRY_AFTER_SECONDS = "2";

  private DependencyOutage() {}

  public static boolean isOutage(Throwable error) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Throwable> pending = new ArrayDeque<>();
    pending.add(error);
    while (!pending.isEmpty()) {
      Throwable t = pending.poll();
      if (!seen.add(t)) {
        continue;
      }
      if (t instanceof SQLException sql && isUnavailable(sql)) {
        return true;
      }
      if (t instanceof org.hibernate.exception.JDBCConnectionException
          || t instanceof java.net.ConnectException
          || t instanceof java.io.UncheckedIOException
          || t instanceof org.apache.iceberg.exceptions.RuntimeIOException
          || t instanceof software.amazon.awssdk.core.exception.SdkException) {
        return true;
      }
      if (t.getCause() != null) {
        pending.add(t.getCause());
      }
      // a commit that failed on a lost connection: the transaction manager attaches the driver's error
      // to its RollbackException as a suppressed one, not as the cause
      pending.addAll(List.of(t.getSuppressed()));
    }
    return false;
  }

  /**
   * No SQL state: the pool's own failures (acquisition timeout, pool closed). Class 08: connection
   * exceptions. 57P01-57P03: the server shuts down, crashed or cannot accept connections yet. 53300:
   * too many connections.
   */
  private static boolean isUnavailable(SQLException sql) {
    String state = sql.getSQLState();
    return state == null
        || state.startsWith("08")
        || state.equals("57P01")
        || state.equals("57P02")
        || state.equals("57P03")
        || state.equals("53300");
  }

  /** Adds {@code Retry-After} to a 503 answer. */
  public static Response withRetryAfter(Response response) {
    return response.getStatus() == 503 && response.getHeaderString("Retry-After") == null
        ? Response.fromResponse(response).header("Retry-After", RETRY_AFTER_SECONDS).build()
        : response;
  }
}
