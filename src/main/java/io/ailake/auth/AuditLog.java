package io.ailake.auth;

import io.ailake.api.RequestIds;
import io.ailake.postgres.RequestPathSql;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.util.Set;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Records every mutating call of both APIs once it is answered: who (token, or anonymous), in which
 * organization, what (method and path), when, and how it ended (the status). Refused calls are
 * recorded too. A call with an idempotency key records itself in the transaction of its change, so the
 * record lands exactly when the change does, at no extra commit; every other call is recorded here,
 * when its answer is known, in a transaction of its own.
 */
@ApplicationScoped
public class AuditLog {

  private static final Logger LOG = Logger.getLogger(AuditLog.class);
  private static final Set<String> MUTATING = Set.of("POST", "PUT", "PATCH", "DELETE");

  /** Marks a request whose record is written already. */
  private static final String RECORDED = "ailake.audit.recorded";

  private final Caller caller;
  private final RequestPathSql sql;

  AuditLog(Caller caller, RequestPathSql sql) {
    this.caller = caller;
    this.sql = sql;
  }

  static boolean audited(String method, String path) {
    return MUTATING.contains(method) && (path.startsWith("/api/") || path.startsWith("/iceberg/"));
  }

  /** The transaction that wrote the request's record committed: nothing left to record. */
  static void recorded(RoutingContext routing) {
    routing.put(RECORDED, Boolean.TRUE);
  }

  static boolean isRecorded(RoutingContext routing) {
    return routing.get(RECORDED) != null;
  }

  @ServerResponseFilter
  public void record(ContainerRequestContext request, ContainerResponseContext response, RoutingContext routing) {
    String path = request.getUriInfo().getPath();
    if (!audited(request.getMethod(), path) || isRecorded(routing)) {
      return;
    }
    try {
      QuarkusTransaction.requiringNew().run(
          () -> sql.update(INSERT, values(request.getMethod(), path, response.getStatus(), RequestIds.of(request))));
    } catch (RuntimeException e) {
      LOG.warnf("Could not record %s %s in the audit log: %s", request.getMethod(), path, e.getMessage());
    }
  }

  /**
   * The statement that writes a record, with {@link #values} as its parameters; a statement of the
   * same transaction may carry it as a data-modifying {@code WITH} to save a round trip.
   */
  static final String INSERT =
      "INSERT INTO audit_event (organization_id, token_id, actor, method, path, status, request_id)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?)";

  /**
   * A data-modifying {@code WITH} expression that writes a record with the status of each row of the
   * expression it names ({@code %s}), its parameters {@link #valuesBesideStatus}.
   */
  static final String INSERT_FROM = ", audit AS (INSERT INTO audit_event (organization_id, token_id, actor,"
      + " method, path, status, request_id) SELECT ?, ?, ?, ?, ?, status, ? FROM %s WHERE status IS NOT NULL)";

  /** {@link #values} without the status, for {@link #INSERT_FROM}. */
  Object[] valuesBesideStatus(String method, String path, String requestId) {
    Object[] values = values(method, path, 0, requestId);
    return new Object[] {values[0], values[1], values[2], values[3], values[4], values[6]};
  }

  /** The record of the current caller's request. */
  Object[] values(String method, String path, int status, String requestId) {
    boolean known = caller.role() != null;
    String actor = !known ? "anonymous" : caller.serverAdmin() ? "server-admin" : caller.tokenId().toString();
    return new Object[] {
      known && !caller.serverAdmin() ? caller.organizationId() : null, known ? caller.tokenId() : null,
      // a refused path may hold NUL (%00), which PostgreSQL stores in no text: the record keeps it as \0
      actor, method, path.replace("\u0000", "\\0"), status, requestId
    };
  }
}
