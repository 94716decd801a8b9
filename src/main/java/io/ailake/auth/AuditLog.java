package io.ailake.auth;

import io.ailake.api.RequestIds;
import io.ailake.postgres.NamedSql;
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
 * when its answer is known, by one autocommitted statement (committed before the answer is sent). The
 * record of a call that changes nothing (one a read token may make: a query, a metrics report) does not
 * wait for PostgreSQL to flush its WAL to disk (docs/access.md, Audit).
 */
@ApplicationScoped
public class AuditLog {

  private static final Logger LOG = Logger.getLogger(AuditLog.class);
  private static final Set<String> MUTATING = Set.of("POST", "PUT", "PATCH", "DELETE");

  /** Marks a request whose record is written already. */
  private static final String RECORDED = "ailake.audit.recorded";
  /** Marks a request that changes nothing. */
  private static final String CHANGES_NOTHING = "ailake.audit.changes-nothing";
  /** The event a call that changes nothing announces once it is answered well (a query). */
  private static final String ANNOUNCES = "ailake.audit.announces";

  /** An event of the outbox (docs/events.md): its type, what it is about, its data as JSON. */
  public record Announcement(String type, String resource, String data) {}

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

  /**
   * The request changes nothing (a read token may make it): its record is committed without waiting for
   * the WAL flush. Visible at once as every record; only a crash of PostgreSQL itself within a fraction of
   * a second may lose it, and with it no record of a change.
   */
  public static void changesNothing(RoutingContext routing) {
    routing.put(CHANGES_NOTHING, Boolean.TRUE);
  }

  /**
   * The call (one that changes nothing, such as a query) announces {@code event} when it is answered with a
   * 2xx: the statement that writes its audit record writes the event too, in the caller's organization.
   */
  public static void announce(RoutingContext routing, Announcement event) {
    if (routing != null) {
      routing.put(ANNOUNCES, event);
    }
  }

  @ServerResponseFilter
  public void record(ContainerRequestContext request, ContainerResponseContext response, RoutingContext routing) {
    String path = request.getUriInfo().getPath();
    if (!audited(request.getMethod(), path) || isRecorded(routing)) {
      return;
    }
    try {
      // one autocommitted statement: a transaction of its own would cost three more round trips
      NamedSql.Parameters parameters =
          parameters(request.getMethod(), path, RequestIds.of(request)).set("audit_status", response.getStatus());
      NamedSql insert = routing.get(CHANGES_NOTHING) != null ? INSERT_NOT_WAITING_FOR_FLUSH : INSERT;
      Announcement event = routing.get(ANNOUNCES);
      if (event != null && insert == INSERT_NOT_WAITING_FOR_FLUSH && response.getStatus() / 100 == 2
          && caller.organizationId() != null) {
        insert = INSERT_ANNOUNCING;
        parameters.set("event_type", event.type()).set("event_resource", event.resource())
            .set("event_data", event.data());
      }
      NamedSql statement = insert;
      QuarkusTransaction.suspendingExisting().run(() -> sql.update(statement, parameters));
    } catch (RuntimeException e) {
      LOG.warnf("Could not record %s %s in the audit log: %s", request.getMethod(), path, e.getMessage());
    }
  }

  private static final String COLUMNS =
      "INSERT INTO audit_event (organization_id, token_id, actor, method, path, status, request_id)";

  /**
   * The statement that writes a record, with {@link #parameters} and {@code :audit_status}; a statement of
   * the same transaction may carry it as a data-modifying {@code WITH} to save a round trip.
   */
  static final NamedSql INSERT = NamedSql.of(COLUMNS + " VALUES (:audit_organization, :audit_token, :audit_actor,"
      + " :audit_method, :audit_path, :audit_status, :audit_request)");

  /** {@link #INSERT}, committed without waiting for the WAL flush: {@code synchronous_commit} off for its transaction. */
  private static final NamedSql INSERT_NOT_WAITING_FOR_FLUSH = NamedSql.of(
      "WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true)) " + COLUMNS
          + " SELECT :audit_organization, :audit_token, :audit_actor, :audit_method, :audit_path, :audit_status,"
          + " :audit_request FROM relaxed");

  /**
   * {@link #INSERT_NOT_WAITING_FOR_FLUSH} with the event the call announces ({@code :event_type},
   * {@code :event_resource}, {@code :event_data}): both land together, or neither.
   */
  private static final NamedSql INSERT_ANNOUNCING = NamedSql.of(
      "WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true)), audit AS (" + COLUMNS
          + " SELECT :audit_organization, :audit_token, :audit_actor, :audit_method, :audit_path, :audit_status,"
          + " :audit_request FROM relaxed) INSERT INTO event (organization_id, type, resource, data)"
          + " SELECT :audit_organization, :event_type, :event_resource, CAST(:event_data AS jsonb) FROM relaxed");

  /**
   * A data-modifying {@code WITH} expression {@code audit} that writes a record with the status of each
   * row of the expression {@code source} (a column {@code status}), with {@link #parameters}.
   */
  static String insertFrom(String source) {
    return " audit AS (" + COLUMNS + " SELECT :audit_organization, :audit_token, :audit_actor, :audit_method,"
        + " :audit_path, status, :audit_request FROM " + source + " WHERE status IS NOT NULL)";
  }

  /** The record of the current caller's request, but its status. */
  NamedSql.Parameters parameters(String method, String path, String requestId) {
    boolean known = caller.role() != null;
    String actor = !known ? "anonymous" : caller.serverAdmin() ? "server-admin" : caller.tokenId().toString();
    return NamedSql.parameters()
        .set("audit_organization", known && !caller.serverAdmin() ? caller.organizationId() : null)
        .set("audit_token", known ? caller.tokenId() : null)
        .set("audit_actor", actor)
        .set("audit_method", method)
        // a refused path may hold NUL (%00), which PostgreSQL stores in no text: the record keeps it as \0
        .set("audit_path", path.replace("\u0000", "\\0"))
        .set("audit_request", requestId);
  }
}
