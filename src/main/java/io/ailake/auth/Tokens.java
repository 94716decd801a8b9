package io.ailake.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.ailake.AilakeConfig;
import io.ailake.postgres.RequestPathSql;
import io.ailake.api.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.jboss.logging.Logger;

/**
 * API tokens and the short-lived access tokens the OAuth2 endpoint issues for them. A secret is shown
 * once, when it is created, and stored only as a keyed hash ({@link TokenHashes}). A request's token is
 * looked up in PostgreSQL, and the answer kept for {@code ailake.auth.token-cache-ttl} (2 s) so that a busy engine does not pay
 * that round trip on every call: a revocation holds from the next request on the replica that made it,
 * and within that time on every other replica.
 */
@ApplicationScoped
public class Tokens {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Logger LOG = Logger.getLogger(Tokens.class);

  private final EntityManager entityManager;
  private final RequestPathSql sql;
  private final Optional<String> serverAdminToken;
  private final Duration accessTokenLifetime;
  private final ExternalTokens external;
  private final TokenHashes hashes;
  private final TransactionSynchronizationRegistry transactions;
  /** Verified tokens by hash; null when the TTL is zero. Unknown tokens are never kept. */
  private final Cache<String, Verified> verified;
  /**
   * Counts revocations on this replica, so that a lookup which overlapped one does not put back what
   * the revocation just removed.
   */
  private final AtomicLong revocations = new AtomicLong();

  Tokens(EntityManager entityManager, RequestPathSql sql, AilakeConfig config, ExternalTokens external,
      TokenHashes hashes, TransactionSynchronizationRegistry transactions) {
    this.entityManager = entityManager;
    this.sql = sql;
    this.serverAdminToken = config.adminToken().filter(t -> !t.isBlank());
    this.accessTokenLifetime = config.auth().accessTokenLifetime();
    this.external = external;
    this.hashes = hashes;
    this.transactions = transactions;
    Duration ttl = config.auth().tokenCacheTtl();
    this.verified = ttl.isZero() || ttl.isNegative()
        ? null
        : Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(ttl).build();
  }

  /** A token found valid, and when it stops being valid regardless of the cache (access tokens expire). */
  private record Verified(Caller.Principal principal, Instant expiresAt) {
    boolean valid() {
      return expiresAt == null || Instant.now().isBefore(expiresAt);
    }
  }

  @Schema(name = "CreatedToken", requiredProperties = {"id", "name", "role", "token"}, example = """
      {"id": "5b0c1f7e-9d2a-4c3b-8e1f-2a3b4c5d6e7f", "name": "spark-etl", "role": "manage",
      "token": "ail_Zq3v7mK2pX9rT4wY8bN1cD6fH0jL5sA2eG7iU3oQ9xE"}""")
  public record Issued(String id, String name, String role, @Schema(description = "the secret: shown only here") String token) {}

  @Schema(name = "Token", requiredProperties = {"id", "name", "role", "createdAt"}, example = """
      {"id": "5b0c1f7e-9d2a-4c3b-8e1f-2a3b4c5d6e7f", "name": "spark-etl", "role": "manage",
      "createdAt": "2026-05-07T10:15:30Z"}""")
  public record TokenInfo(String id, String name, String role, Instant createdAt) {}

  public record AccessToken(String token, long expiresInSeconds) {}

  @Transactional
  public Issued create(UUID organizationId, String name, Role role) {
    if (name == null || name.isBlank() || name.length() > 200) {
      throw ApiException.badRequest("A token needs a name of 1 to 200 characters");
    }
    UUID id = UUID.randomUUID();
    String secret = "ail_" + randomSecret();
    insert(id, organizationId, name, role, secret);
    return new Issued(id.toString(), name, role.wire(), secret);
  }

  /**
   * Registers {@code secret} as an admin token of the organization, once; its row in the bare SHA-256
   * form of earlier versions is rewritten to the keyed form.
   */
  @Transactional
  public void ensure(UUID organizationId, String name, String secret) {
    String keyed = hashes.of(secret);
    boolean exists = !entityManager.createNativeQuery("SELECT 1 FROM api_token WHERE secret_hash = ?1")
        .setParameter(1, keyed).getResultList().isEmpty();
    if (!exists && entityManager.createNativeQuery("UPDATE api_token SET secret_hash = ?1 WHERE secret_hash = ?2")
        .setParameter(1, keyed).setParameter(2, TokenHashes.legacy(secret)).executeUpdate() == 0) {
      insert(UUID.randomUUID(), organizationId, name, Role.ADMIN, secret);
    }
  }

  @Transactional
  public boolean any(UUID organizationId) {
    return !entityManager.createNativeQuery("SELECT 1 FROM api_token WHERE organization_id = ?1 LIMIT 1")
        .setParameter(1, organizationId).getResultList().isEmpty();
  }

  private void insert(UUID id, UUID organizationId, String name, Role role, String secret) {
    entityManager.createNativeQuery(
            "INSERT INTO api_token (id, organization_id, name, role, secret_hash) VALUES (?1, ?2, ?3, ?4, ?5)")
        .setParameter(1, id)
        .setParameter(2, organizationId)
        .setParameter(3, name)
        .setParameter(4, role.wire())
        .setParameter(5, hashes.of(secret))
        .executeUpdate();
  }

  @Transactional
  @SuppressWarnings("unchecked")
  public List<TokenInfo> list(UUID organizationId) {
    List<Object[]> rows = entityManager.createNativeQuery(
            "SELECT id, name, role, created_at FROM api_token WHERE organization_id = ?1 AND revoked_at IS NULL"
                + " ORDER BY created_at, id")
        .setParameter(1, organizationId)
        .getResultList();
    return rows.stream().map(r -> new TokenInfo(r[0].toString(), (String) r[1], (String) r[2], io.ailake.api.SqlValues.instant(r[3]))).toList();
  }

  /** Revokes a token (and the access tokens issued for it); false when the organization has no such token. */
  @Transactional
  public boolean revoke(UUID organizationId, UUID tokenId) {
    forgetOnCompletion(p -> tokenId.equals(p.tokenId()));
    return entityManager.createNativeQuery(
            "UPDATE api_token SET revoked_at = now() WHERE id = ?1 AND organization_id = ?2 AND revoked_at IS NULL")
        .setParameter(1, tokenId)
        .setParameter(2, organizationId)
        .executeUpdate() == 1;
  }

  /**
   * Forgets the organization's verified tokens now and again when the current transaction ends, once
   * the deletion of its tokens is visible to every lookup.
   */
  void forgetOrganizationOnCompletion(UUID organizationId) {
    forgetOnCompletion(p -> organizationId.equals(p.organizationId()));
  }

  private void forgetOnCompletion(Predicate<Caller.Principal> revoked) {
    forget(revoked);
    transactions.registerInterposedSynchronization(new Synchronization() {
      @Override
      public void beforeCompletion() {}

      @Override
      public void afterCompletion(int status) {
        if (status == Status.STATUS_COMMITTED) {
          forget(revoked);
        }
      }
    });
  }

  private void forget(Predicate<Caller.Principal> revoked) {
    revocations.incrementAndGet();
    if (verified != null) {
      verified.asMap().values().removeIf(v -> revoked.test(v.principal()));
    }
  }

  /** Who a bearer token stands for, if anyone: one indexed read, or none while its answer is cached. */
  public Optional<Caller.Principal> authenticate(String bearer) {
    if (serverAdminToken.isPresent() && MessageDigest.isEqual(
        serverAdminToken.get().getBytes(StandardCharsets.UTF_8), bearer.getBytes(StandardCharsets.UTF_8))) {
      return Optional.of(Caller.Principal.serverAdministrator());
    }
    if (external.looksLikeOne(bearer)) {
      return external.authenticate(bearer);
    }
    String hash = hashes.of(bearer);
    if (verified == null) {
      return lookUp(hash, bearer).map(Verified::principal);
    }
    Verified known = verified.getIfPresent(hash);
    if (known != null && known.valid()) {
      return Optional.of(known.principal());
    }
    long revokedBefore = revocations.get();
    Optional<Verified> found = lookUp(hash, bearer);
    if (found.isPresent() && revocations.get() == revokedBefore) {
      verified.put(hash, found.get());
    }
    return found.map(Verified::principal);
  }

  /**
   * One read of the unique indexes, for the keyed hash and the bare SHA-256 of rows written before
   * keyed hashes; an API token found in the old form is rewritten to the keyed one.
   */
  private Optional<Verified> lookUp(String hash, String bearer) {
    String legacy = TokenHashes.legacy(bearer);
    Optional<Found> found = sql.first(
        """
        SELECT id, organization_id, role, NULL::timestamptz, secret_hash = ? FROM api_token
         WHERE secret_hash IN (?, ?) AND revoked_at IS NULL
        UNION ALL
        SELECT t.id, t.organization_id, t.role, a.expires_at, false FROM access_token a JOIN api_token t ON t.id = a.api_token_id
         WHERE a.token_hash IN (?, ?) AND a.expires_at > now() AND t.revoked_at IS NULL
        LIMIT 1
        """,
        row -> new Found(
            new Verified(
                new Caller.Principal(row.getObject(2, UUID.class), Role.parse(row.getString(3)),
                    row.getObject(1, UUID.class), false),
                row.getTimestamp(4) == null ? null : row.getTimestamp(4).toInstant()),
            row.getBoolean(5)),
        legacy, hash, legacy, hash, legacy);
    found.filter(Found::legacyHash).ifPresent(f -> rehash(legacy, hash));
    return found.map(Found::verified);
  }

  private record Found(Verified verified, boolean legacyHash) {}

  /** Best effort: a token whose row keeps its old hash still works, and is rewritten at its next use. */
  private void rehash(String legacy, String keyed) {
    try {
      sql.update("UPDATE api_token SET secret_hash = ? WHERE secret_hash = ?", keyed, legacy);
    } catch (RuntimeException e) {
      LOG.debugf(e, "A token's hash was not rewritten to the keyed form this time");
    }
  }

  /** OAuth2 client credentials: the client id is a token's id, the secret its secret. */
  @Transactional
  @SuppressWarnings("unchecked")
  public Optional<AccessToken> clientCredentials(String clientId, String clientSecret) {
    UUID id;
    try {
      id = UUID.fromString(clientId);
    } catch (IllegalArgumentException | NullPointerException e) {
      return Optional.empty();
    }
    List<String> stored = entityManager.createNativeQuery(
            "SELECT secret_hash FROM api_token WHERE id = ?1 AND revoked_at IS NULL", String.class)
        .setParameter(1, id)
        .getResultList();
    if (stored.isEmpty() || clientSecret == null) {
      return Optional.empty();
    }
    String keyed = hashes.of(clientSecret);
    if (!sameHash(stored.get(0), keyed)) {
      if (!sameHash(stored.get(0), TokenHashes.legacy(clientSecret))) {
        return Optional.empty();
      }
      entityManager.createNativeQuery("UPDATE api_token SET secret_hash = ?1 WHERE id = ?2")
          .setParameter(1, keyed).setParameter(2, id).executeUpdate();
    }
    return Optional.of(issue(id));
  }

  /**
   * OAuth2 token exchange: a valid token of ours buys a fresh access token for the same API token; empty
   * for a token that is not valid.
   *
   * @throws NotExchangeableException for a valid token this endpoint does not exchange
   */
  @Transactional
  public Optional<AccessToken> exchange(String subjectToken) {
    if (external.looksLikeOne(subjectToken)) {
      // its principal has no API token to issue for; the issuer's own token endpoint refreshes it
      throw new NotExchangeableException(
          "A token of the external OpenID Connect issuer is not exchanged here; refresh it at its issuer");
    }
    Optional<Caller.Principal> principal = authenticate(subjectToken);
    if (principal.isPresent() && principal.get().serverAdmin()) {
      throw new NotExchangeableException("The server admin token is not exchanged; it is used as it is");
    }
    return principal.map(p -> issue(p.tokenId()));
  }

  /** A valid token that the token endpoint does not exchange for an access token. */
  public static class NotExchangeableException extends RuntimeException {
    NotExchangeableException(String message) {
      super(message);
    }
  }

  private AccessToken issue(UUID apiTokenId) {
    String token = "ail_at_" + randomSecret();
    entityManager.createNativeQuery("DELETE FROM access_token WHERE expires_at < now() - interval '1 hour'")
        .executeUpdate();
    entityManager.createNativeQuery(
            "INSERT INTO access_token (token_hash, api_token_id, expires_at)"
                + " VALUES (?1, ?2, now() + make_interval(secs => ?3))")
        .setParameter(1, hashes.of(token))
        .setParameter(2, apiTokenId)
        .setParameter(3, accessTokenLifetime.toSeconds())
        .executeUpdate();
    return new AccessToken(token, accessTokenLifetime.toSeconds());
  }

  private static String randomSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static boolean sameHash(String stored, String computed) {
    return MessageDigest.isEqual(stored.getBytes(StandardCharsets.UTF_8), computed.getBytes(StandardCharsets.UTF_8));
  }
}
