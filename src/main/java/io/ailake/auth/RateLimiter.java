package io.ailake.auth;

import io.ailake.AilakeConfig;
import io.ailake.api.ApiErrors;
import io.ailake.api.RequestIds;
import io.ailake.iceberg.IcebergErrors;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Rate limits per token: a token bucket of {@code burst} requests refilled at {@code requestsPerSecond}
 * (per-organization overrides from configuration). Every authenticated response carries {@code
 * X-RateLimit-Limit} (the bucket's size), {@code X-RateLimit-Remaining} and {@code X-RateLimit-Reset}
 * (seconds until the bucket is full again); past the limit the answer is 429 with {@code Retry-After}.
 * With {@code store=postgres} the buckets live in PostgreSQL, so the limits hold across replicas.
 */
public class RateLimiter {

  static final String LIMIT = "X-RateLimit-Limit";
  static final String REMAINING = "X-RateLimit-Remaining";
  static final String RESET = "X-RateLimit-Reset";
  private static final String STATE = "ailake.rate-limit";

  private final AilakeConfig.RateLimit config;
  private final Caller caller;
  private final EntityManager entityManager;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final Map<UUID, String> organizationNames = new ConcurrentHashMap<>();

  RateLimiter(AilakeConfig config, Caller caller, EntityManager entityManager) {
    this.config = config.rateLimit();
    this.caller = caller;
    this.entityManager = entityManager;
  }

  /** A bucket's state after a request: whether it was allowed, and what is left. */
  record Outcome(boolean allowed, double tokens, int burst, double perSecond) {
    long remaining() {
      return (long) Math.floor(Math.max(0, tokens));
    }

    long secondsUntilFull() {
      return (long) Math.ceil(Math.max(0, burst - tokens) / perSecond);
    }

    long secondsUntilNext() {
      return Math.max(1, (long) Math.ceil((1 - tokens) / perSecond));
    }
  }

  @ServerRequestFilter(priority = Priorities.AUTHENTICATION + 10)
  public Optional<jakarta.ws.rs.core.Response> limit(ContainerRequestContext request) {
    if (!config.enabled() || caller.role() == null) {
      return Optional.empty(); // not an authenticated API request
    }
    String key = caller.serverAdmin() ? "server-admin" : caller.tokenId().toString();
    double perSecond = config.requestsPerSecond();
    int burst = config.burst();
    if (!caller.serverAdmin()) {
      AilakeConfig.RateLimit.Limits limits = overrides(caller.organizationId());
      if (limits != null) {
        perSecond = limits.requestsPerSecond().orElse(perSecond);
        burst = limits.burst().orElse(burst);
      }
    }
    Outcome outcome = "postgres".equals(config.store())
        ? takeShared(key, burst, perSecond)
        : buckets.computeIfAbsent(key, k -> new Bucket()).take(burst, perSecond);
    request.setProperty(STATE, outcome);
    if (outcome.allowed()) {
      return Optional.empty();
    }
    String detail = "Rate limit of " + burst + " requests (refilled at " + perSecond
        + "/s) exceeded; retry in " + outcome.secondsUntilNext() + " s";
    jakarta.ws.rs.core.Response error = request.getUriInfo().getPath().startsWith("/iceberg/")
        ? IcebergErrors.response(429, "TooManyRequestsException", detail, RequestIds.of(request))
        : ApiErrors.problem(429, "Too Many Requests", detail, request);
    return Optional.of(jakarta.ws.rs.core.Response.fromResponse(error)
        .header("Retry-After", outcome.secondsUntilNext())
        .build());
  }

  @ServerResponseFilter
  public void headers(ContainerRequestContext request, ContainerResponseContext response) {
    if (request.getProperty(STATE) instanceof Outcome outcome) {
      response.getHeaders().putSingle(LIMIT, outcome.burst());
      response.getHeaders().putSingle(REMAINING, outcome.remaining());
      response.getHeaders().putSingle(RESET, outcome.secondsUntilFull());
    }
  }

  private AilakeConfig.RateLimit.Limits overrides(UUID organizationId) {
    if (config.organizations().isEmpty()) {
      return null;
    }
    AilakeConfig.RateLimit.Limits byId = config.organizations().get(organizationId.toString());
    if (byId != null) {
      return byId;
    }
    String name = organizationNames.computeIfAbsent(organizationId, id -> QuarkusTransaction.requiringNew().call(() ->
        (String) entityManager.createNativeQuery("SELECT name FROM organization WHERE id = ?1")
            .setParameter(1, id).getResultList().stream().findFirst().orElse("")));
    return config.organizations().get(name);
  }

  /** One statement: refill by the time passed, take a token if there is one, say which. */
  Outcome takeShared(String key, int burst, double perSecond) {
    return QuarkusTransaction.requiringNew().call(() -> {
      @SuppressWarnings("unchecked")
      List<Object[]> rows = entityManager.createNativeQuery(
              """
              INSERT INTO rate_limit_bucket AS b (bucket_key, tokens, allowed, updated_at)
                   VALUES (?1, ?2 - 1, true, clock_timestamp())
              ON CONFLICT (bucket_key) DO UPDATE SET
                   allowed = LEAST(?2, b.tokens + EXTRACT(EPOCH FROM clock_timestamp() - b.updated_at) * ?3) >= 1,
                   tokens = LEAST(?2, b.tokens + EXTRACT(EPOCH FROM clock_timestamp() - b.updated_at) * ?3)
                            - CASE WHEN LEAST(?2, b.tokens + EXTRACT(EPOCH FROM clock_timestamp() - b.updated_at) * ?3) >= 1
                                   THEN 1 ELSE 0 END,
                   updated_at = clock_timestamp()
              RETURNING allowed, tokens
              """)
          .setParameter(1, key)
          .setParameter(2, (double) burst)
          .setParameter(3, perSecond)
          .getResultList();
      Object[] row = rows.get(0);
      return new Outcome((Boolean) row[0], ((Number) row[1]).doubleValue(), burst, perSecond);
    });
  }

  /** A bucket of this replica. */
  private static final class Bucket {
    private double tokens = Double.NaN;
    private long updatedNanos;

    synchronized Outcome take(int burst, double perSecond) {
      long now = System.nanoTime();
      tokens = Double.isNaN(tokens) ? burst : Math.min(burst, tokens + (now - updatedNanos) / 1e9 * perSecond);
      updatedNanos = now;
      boolean allowed = tokens >= 1;
      if (allowed) {
        tokens -= 1;
      }
      return new Outcome(allowed, tokens, burst, perSecond);
    }
  }
}
