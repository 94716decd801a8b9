package io.ailake.auth;

import io.ailake.AilakeConfig;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.OIDCException;
import io.quarkus.oidc.TenantIdentityProvider;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * JWTs of an external OpenID Connect issuer, when one is configured: Quarkus OIDC (the tenant
 * {@link ExternalIssuerTenant} starts) verifies the signature with the issuer's keys, the issuer and
 * the expiry; the organization (name or id) and the role come from configured claims. An organization
 * that does not exist, or a role that is not one of ours, is no principal.
 */
@ApplicationScoped
class ExternalTokens {

  private static final Logger LOG = Logger.getLogger(ExternalTokens.class);
  /** Verification may fetch the issuer's keys once; a request does not wait longer than this for them. */
  private static final Duration VERIFICATION_TIMEOUT = Duration.ofSeconds(10);

  private final Optional<String> issuer;
  private final String organizationClaim;
  private final String roleClaim;
  private final TenantIdentityProvider verifier;
  private final EntityManager entityManager;

  ExternalTokens(AilakeConfig config, TenantIdentityProvider verifier, EntityManager entityManager) {
    this.issuer = config.auth().oidcIssuer().filter(i -> !i.isBlank());
    this.organizationClaim = config.auth().organizationClaim();
    this.roleClaim = config.auth().roleClaim();
    this.verifier = verifier;
    this.entityManager = entityManager;
  }

  /** A JWT (three base64url parts) while an issuer is configured; ailake's own tokens never are. */
  boolean looksLikeOne(String bearer) {
    return issuer.isPresent() && bearer.chars().filter(c -> c == '.').count() == 2 && !bearer.startsWith("ail_");
  }

  /** Runs inside the caller's transaction, on a worker thread (it waits for the verification). */
  Optional<Caller.Principal> authenticate(String bearer) {
    JsonWebToken jwt;
    try {
      SecurityIdentity identity =
          verifier.authenticate(new AccessTokenCredential(bearer)).await().atMost(VERIFICATION_TIMEOUT);
      if (!(identity.getPrincipal() instanceof JsonWebToken token)) {
        return Optional.empty();
      }
      jwt = token;
    } catch (AuthenticationFailedException e) {
      LOG.debugf("A JWT was refused: %s", e.getMessage());
      return Optional.empty();
    } catch (OIDCException e) {
      // the issuer's keys could not be had: the token is neither good nor bad, so no 401
      throw new IssuerUnavailableException(issuer.orElseThrow(), e);
    }
    Object organization = jwt.getClaim(organizationClaim);
    Object role = jwt.getClaim(roleClaim);
    if (organization == null || role == null) {
      return Optional.empty();
    }
    String org = unquote(organization.toString());
    Role parsed;
    try {
      parsed = Role.parse(unquote(role.toString()));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    @SuppressWarnings("unchecked")
    Optional<UUID> organizationId = entityManager.createNativeQuery(
            "SELECT id FROM organization WHERE name = ?1 OR CAST(id AS text) = ?1", UUID.class)
        .setParameter(1, org)
        .getResultList().stream().findFirst();
    // a stable id per issuer and subject: what rate limits and the audit log know the caller by
    UUID subject = UUID.nameUUIDFromBytes((jwt.getIssuer() + "\n" + jwt.getSubject()).getBytes(StandardCharsets.UTF_8));
    return organizationId.map(id -> new Caller.Principal(id, parsed, subject, false));
  }

  /** The configured issuer did not answer while a token of it was being verified. */
  static class IssuerUnavailableException extends RuntimeException {
    IssuerUnavailableException(String issuer, Throwable cause) {
      super("The OpenID Connect issuer " + issuer + " is not available to verify the token; retry later", cause);
    }
  }

  private static String unquote(String value) {
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
  }
}
