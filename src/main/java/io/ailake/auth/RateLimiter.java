package io.ailake.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ailake.AilakeConfig;
import io.ailake.api.ApiErrors;
import io.ailake.api.RequestIds;
import io.ailake.iceberg.IcebergErrors;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Rate limits per token: a token bucket of {@code burst} requests refilled at {@code requestsPerSecond}
 * (per-organization overrides from configuration). Every authenticated response carries {@code
 * X-RateLimit-Limit} (the bucket's size), {@code X-RateLimit-Remaining} and {@code X-RateLimit-Reset}
 * (the epoch second at which the bucket is full again), and so does a 401 (a bucket per client address)
 * and a 403; past the limit the answer is 429 with {@code Retry-After} and {@code retry_after} in its body.
 * With {@code store=postgres} the buckets live in PostgreSQL, so the limits hold across replicas.
 */
public class RateLimiter {

  static final String LIMIT = "X-RateLimit-Limit";
  static final String REMAINING = "X-RateLimit-Remaining";
  static final String RESET = "X-RateLimit-Reset";
  static final String RETRY_AFTER_FIELD = "retry_after";
  private static final String STATE = "ailake.rate-limit";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int FORGET_ABOVE = 10_000;

  private final AilakeConfig.RateLimit config;
  private final Caller caller;
  private final EntityManager entityManager;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
  /** Unauthenticated requests' buckets, by client address. */
  private final Map<String, Bucket> addressBuckets = new ConcurrentHashMap<>();
  private final AtomicLong lastForget = new AtomicLong(System.nanoTime());
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

    /** The epoch second at which the bucket is full again (now, when it is). */
    long fullAtEpochSecond() {
      double untilFullMillis = Math.max(0, burst - tokens) / perSecond * 1000;
      return (long) Math.ceil((System.currentTimeMillis() + untilFullMillis) / 1000);
    }

    long secondsUntilNext() {
      return Math.max(1, (long) Math.ceil((1 - tokens) / perSecond));
    }
  }

  /** Takes an admitted request from its token's bucket (AuthFilter's admission); the 429 past the limit. */
  Optional<jakarta.ws.rs.core.Response> limit(ContainerRequestContext request) {
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
    return take(request, key, burst, perSecond);
  }

  /**
   * A request whose token is missing or not valid counts against its client address's bucket (the
   * default limits): its 401 carries the limit headers too, and guessing tokens is limited.
   */
  Optional<jakarta.ws.rs.core.Response> limitUnauthenticated(ContainerRequestContext request, String address) {
    if (!config.enabled()) {
      return Optional.empty();
    }
    // kept in this replica even with store=postgres: a flood of bad tokens must not become writes
    forgetFullAddressBuckets();
    Outcome outcome = addressBuckets.computeIfAbsent(address, k -> new Bucket())
        .take(config.burst(), config.requestsPerSecond());
    return answer(request, outcome, config.burst(), config.requestsPerSecond());
  }

  /**
   * Address buckets idle long enough to be full again are forgotten (a new one starts full: the same
   * thing), at most once a second, so addresses that come and go do not grow the map without end.
   */
  private void forgetFullAddressBuckets() {
    long now = System.nanoTime();
    long last = lastForget.get();
    if (addressBuckets.size() > FORGET_ABOVE && now - last > 1_000_000_000L && lastForget.compareAndSet(last, now)) {
      addressBuckets.values().removeIf(bucket -> bucket.fullAt(now));
    }
  }

  private Optional<jakarta.ws.rs.core.Response> take(
      ContainerRequestContext request, String key, int burst, double perSecond) {
    Outcome outcome = "postgres".equals(config.store())
        ? takeShared(key, burst, perSecond)
        : buckets.computeIfAbsent(key, k -> new Bucket()).take(burst, perSecond);
    return answer(request, outcome, burst, perSecond);
  }

  private Optional<jakarta.ws.rs.core.Response> answer(
      ContainerRequestContext request, Outcome outcome, int burst, double perSecond) {
    request.setProperty(STATE, outcome);
    if (outcome.allowed()) {
      return Optional.empty();
    }
    long retryAfter = outcome.secondsUntilNext();
    String detail = "Rate limit of " + burst + " requests (refilled at " + perSecond
        + "/s) exceeded; retry in " + retryAfter + " s";
    jakarta.ws.rs.core.Response error = request.getUriInfo().getPath().startsWith("/iceberg/")
        ? withRetryAfter(IcebergErrors.response(429, "TooManyRequestsException", detail, RequestIds.of(request)),
            retryAfter)
        : withRetryAfter(ApiErrors.problem(429, "Too Many Requests", detail, request), retryAfter);
    return Optional.of(error);
  }

  /**
   * The 429 with {@code Retry-After} and, for clients that read the body only, {@code retry_after} (seconds):
   * a member of the problem document, or of the Iceberg {@code ErrorModel} (which allows extra members).
   */
  private static jakarta.ws.rs.core.Response withRetryAfter(jakarta.ws.rs.core.Response error, long seconds) {
    Object body = error.getEntity();
    Object answered;
    if (body instanceof Map<?, ?> problem) {
      Map<Object, Object> extended = new LinkedHashMap<>(problem);
      extended.put(RETRY_AFTER_FIELD, seconds);
      answered = extended;
    } else {
      try {
        ObjectNode tree = (ObjectNode) JSON.readTree(body.toString());
        ((ObjectNode) tree.get("error")).put(RETRY_AFTER_FIELD, seconds);
        answered = JSON.writeValueAsString(tree);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("An error body of this service is not JSON", e);
      }
    }
    return jakarta.ws.rs.core.Response.fromResponse(error).entity(answered).header("Retry-After", seconds).build();
  }

  @ServerResponseFilter
  public void headers(ContainerRequestContext request, ContainerResponseContext response) {
    if (request.getProperty(STATE) instanceof Outcome outcome) {
      response.getHeaders().putSingle(LIMIT, outcome.burst());
      response.getHeaders().putSingle(REMAINING, outcome.remaining());
      response.getHeaders().putSingle(RESET, outcome.fullAtEpochSecond());
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
    private long fullAtNanos;

    synchronized boolean fullAt(long nanos) {
      return nanos - fullAtNanos >= 0;
    }

    synchronized Outcome take(int burst, double perSecond) {
      long now = System.nanoTime();
      tokens = Double.isNaN(tokens) ? burst : Math.min(burst, tokens + (now - updatedNanos) / 1e9 * perSecond);
      updatedNanos = now;
      boolean allowed = tokens >= 1;
      if (allowed) {
        tokens -= 1;
      }
      fullAtNanos = now + (long) ((burst - tokens) / perSecond * 1e9);
      return new Outcome(allowed, tokens, burst, perSecond);
    }
  }
}
