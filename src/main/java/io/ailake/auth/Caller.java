package io.ailake.auth;

import jakarta.enterprise.context.RequestScoped;
import java.util.UUID;

/**
 * Who is calling: set by {@link AuthFilter} for every request of the Iceberg and AI Lake APIs. Every
 * query of a request is scoped by {@link #organizationId()}.
 */
@RequestScoped
public class Caller {

  private UUID organizationId;
  private Role role;
  private UUID tokenId;
  private boolean serverAdmin;

  public void authenticated(Principal principal) {
    this.organizationId = principal.organizationId();
    this.role = principal.role();
    this.tokenId = principal.tokenId();
    this.serverAdmin = principal.serverAdmin();
  }

  /** The caller's organization; a server admin token has none. */
  public UUID organizationId() {
    if (organizationId == null) {
      throw new IllegalStateException("The request has no organization");
    }
    return organizationId;
  }

  public Role role() {
    return role;
  }

  public UUID tokenId() {
    return tokenId;
  }

  public boolean serverAdmin() {
    return serverAdmin;
  }

  /** What a bearer token stands for. */
  public record Principal(UUID organizationId, Role role, UUID tokenId, boolean serverAdmin) {
    static Principal serverAdministrator() {
      return new Principal(null, Role.ADMIN, null, true);
    }
  }
}
