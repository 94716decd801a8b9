package io.ailake.auth;

import io.ailake.api.RequestIds;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.util.Set;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Records every mutating call of both APIs once it is answered: who (token, or anonymous), in which
 * organization, what (method and path), when, and how it ended (the status). Refused calls are
 * recorded too.
 */
public class AuditLog {

  private static final Logger LOG = Logger.getLogger(AuditLog.class);
  private static final Set<String> MUTATING = Set.of("POST", "PUT", "PATCH", "DELETE");

  private final Caller caller;
  private final EntityManager entityManager;

  AuditLog(Caller caller, EntityManager entityManager) {
    this.caller = caller;
    this.entityManager = entityManager;
  }

  @ServerResponseFilter
  public void record(ContainerRequestContext request, ContainerResponseContext response) {
    String path = request.getUriInfo().getPath();
    if (!MUTATING.contains(request.getMethod()) || !(path.startsWith("/api/") || path.startsWith("/iceberg/"))) {
      return;
    }
    boolean known = caller.role() != null;
    String actor = !known ? "anonymous" : caller.serverAdmin() ? "server-admin" : caller.tokenId().toString();
    try {
      QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery(
              "INSERT INTO audit_event (organization_id, token_id, actor, method, path, status, request_id)"
                  + " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
          .setParameter(1, known && !caller.serverAdmin() ? caller.organizationId() : null)
          .setParameter(2, known ? caller.tokenId() : null)
          .setParameter(3, actor)
          .setParameter(4, request.getMethod())
          .setParameter(5, path)
          .setParameter(6, response.getStatus())
          .setParameter(7, RequestIds.of(request))
          .executeUpdate());
    } catch (RuntimeException e) {
      LOG.warnf("Could not record %s %s in the audit log: %s", request.getMethod(), path, e.getMessage());
    }
  }
}
