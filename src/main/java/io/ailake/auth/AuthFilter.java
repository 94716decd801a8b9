package io.ailake.auth;

import io.ailake.api.ApiErrors;
import io.ailake.api.RequestIds;
import io.ailake.iceberg.IcebergErrors;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every request of the Iceberg and AI Lake APIs carries {@code Authorization: Bearer <token>}. Without
 * a valid one it is a 401; with a role too small for the route, a 403; a route of another
 * organization's token management, a 404. Each API family answers in its own error format. The seed's
 * sync start and end may carry the token as {@code api_key} in their body instead (docs/ingest.md): without
 * the header they pass here and are admitted by their route through the same {@link #admit}.
 */
public class AuthFilter {

  public static final String OAUTH_TOKENS = "/iceberg/v1/oauth/tokens";
  /** The SQL query route: a POST that only reads, so a read token may call it. */
  private static final Pattern QUERY = Pattern.compile("/api/v1/ailake/database/instances/[^/]+/query");
  private static final Pattern ORGANIZATION_TOKENS =
      Pattern.compile("^/api/v1/admin/organizations/([^/]+)/tokens(/.*)?$");
  private static final java.util.Set<String> BODY_KEY_ROUTES =
      java.util.Set.of("/api/ingestion/file/sync/start", "/api/ingestion/file/sync/end");

  private final Tokens tokens;
  private final Caller caller;
  private final RateLimiter rateLimiter;

  AuthFilter(Tokens tokens, Caller caller, RateLimiter rateLimiter) {
    this.tokens = tokens;
    this.caller = caller;
    this.rateLimiter = rateLimiter;
  }

  enum Decision { ALLOW, FORBIDDEN, NOT_FOUND }

  @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
  public Optional<Response> authenticate(ContainerRequestContext request, HttpServerRequest http,
      RoutingContext routing) {
    String path = request.getUriInfo().getPath();
    if (!path.startsWith("/iceberg/") && !path.startsWith("/api/") || path.equals(OAUTH_TOKENS)) {
      return Optional.empty();
    }
    // from Vert.x's request: the JAX-RS view would copy every header into a sorted map first
    String header = http.getHeader(HttpHeaders.AUTHORIZATION);
    boolean bearer = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) && header.length() > 7;
    if (!bearer && header == null && takesBodyKey(path, request.getMethod())) {
      return Optional.empty(); // the route admits the body's api_key itself (admitBodyKey)
    }
    Optional<Response> refusal = admit(request, http, bearer ? header.substring(7).trim() : null);
    if (refusal.isEmpty() && reads(path, request.getMethod())) {
      AuditLog.changesNothing(routing);
    }
    return refusal;
  }

  /** The seed's sync start and end, whose body's {@code api_key} may stand for the bearer token. */
  public static boolean takesBodyKey(String path, String method) {
    return method.equals("POST") && BODY_KEY_ROUTES.contains(path);
  }

  /**
   * On a route that {@link #takesBodyKey takes the body's api_key}, called by the route before anything
   * else: without an Authorization header (which the filter checked already) the api_key is admitted
   * exactly as a bearer token would be; a refusal ends the request with the filter's answer.
   */
  public void admitBodyKey(ContainerRequestContext request, HttpServerRequest http, String apiKey) {
    if (caller.role() != null) {
      return; // the Authorization header admitted the request: the body's key is not read
    }
    admit(request, http, apiKey == null || apiKey.isBlank() ? null : apiKey.trim()).ifPresent(refusal -> {
      throw new io.ailake.api.ReplayedResponse(refusal);
    });
  }

  /**
   * The one admission of a request with its token (null when none was sent): checks the token, sets the
   * {@link Caller}, decides the route by the token's role, and takes the request from the rate limit;
   * the refusal (401, 403, 404, 429, 503), or empty when the request may go on.
   */
  private Optional<Response> admit(ContainerRequestContext request, HttpServerRequest http, String token) {
    String path = request.getUriInfo().getPath();
    boolean iceberg = path.startsWith("/iceberg/");
    if (token == null || token.isEmpty()) {
      String detail = takesBodyKey(path, request.getMethod())
          ? "Authorization: Bearer <token>, or api_key in the body, is required"
          : "Authorization: Bearer <token> is required";
      return limitedOr(rateLimiter.limitUnauthenticated(request, clientAddress(http)),
          () -> unauthorized(request, iceberg, detail, null));
    }
    Optional<Caller.Principal> principal;
    try {
      principal = tokens.authenticate(token);
    } catch (ExternalTokens.IssuerUnavailableException e) {
      Response unavailable = error(request, iceberg, 503, "ServiceUnavailableException", "Service Unavailable",
          e.getMessage());
      return Optional.of(Response.fromResponse(unavailable).header("Retry-After", "5").build());
    }
    if (principal.isEmpty()) {
      String detail = "The token is not valid (unknown, revoked or expired)";
      return limitedOr(rateLimiter.limitUnauthenticated(request, clientAddress(http)),
          () -> unauthorized(request, iceberg, detail, detail));
    }
    caller.authenticated(principal.get());
    // a refused request counts against the caller's bucket and answers its headers, as an allowed one does
    Optional<Response> limited = rateLimiter.limit(request);
    if (limited.isPresent()) {
      return limited;
    }
    return switch (decide(path, request.getMethod(), principal.get())) {
      case ALLOW -> Optional.empty();
      case NOT_FOUND -> Optional.of(error(request, iceberg, 404, "NoSuchResourceException", "Not Found",
          "Not found: " + path));
      case FORBIDDEN -> Optional.of(error(request, iceberg, 403, "ForbiddenException", "Forbidden",
          principal.get().serverAdmin()
              ? "The server admin token manages organizations, their tokens and object storages, and reads the"
                  + " audit log, only"
              : "A " + principal.get().role().wire() + " token may not " + request.getMethod() + " " + path));
    };
  }

  private static String clientAddress(HttpServerRequest http) {
    return http.remoteAddress() == null ? "unknown" : http.remoteAddress().hostAddress();
  }

  /** The 429 when the request is past its limit, else the refusal. */
  private static Optional<Response> limitedOr(Optional<Response> limited, Supplier<Response> refusal) {
    return limited.isPresent() ? limited : Optional.of(refusal.get());
  }

  /** What a principal may do on a route. */
  static Decision decide(String path, String method, Caller.Principal principal) {
    if (path.startsWith("/api/v1/admin/organizations")) {
      if (principal.serverAdmin()) {
        return Decision.ALLOW;
      }
      Matcher tokens = ORGANIZATION_TOKENS.matcher(path);
      if (!tokens.matches()) {
        return Decision.FORBIDDEN;
      }
      if (!tokens.group(1).equals(principal.organizationId().toString())) {
        return Decision.NOT_FOUND;
      }
      return principal.role() == Role.ADMIN ? Decision.ALLOW : Decision.FORBIDDEN;
    }
    if (principal.serverAdmin()) {
      return path.startsWith("/api/v1/admin/audit") ? Decision.ALLOW : Decision.FORBIDDEN;
    }
    if (path.startsWith("/api/v1/admin/")) {
      return principal.role() == Role.ADMIN ? Decision.ALLOW : Decision.FORBIDDEN;
    }
    if (io.ailake.api.Envelope.serves(path)) {
      // every envelope call is a POST: the route checks the role its operation needs (DatalakeOperations)
      return Decision.ALLOW;
    }
    return reads(path, method) || principal.role().atLeast(Role.MANAGE) ? Decision.ALLOW : Decision.FORBIDDEN;
  }

  /** A route of the Iceberg or AI Lake API that a read token may call: it changes nothing. */
  static boolean reads(String path, String method) {
    return method.equals("GET") || method.equals("HEAD")
        || path.startsWith("/iceberg/") && method.equals("POST") && path.endsWith("/metrics")
        || method.equals("POST") && QUERY.matcher(path).matches();
  }

  /**
   * A 401 whose challenge follows RFC 6750 section 3: a sent token that is not valid gets {@code
   * error="invalid_token"} (its description when {@code invalidToken} is not null); no token, the realm only.
   */
  private static Response unauthorized(
      ContainerRequestContext request, boolean iceberg, String detail, String invalidToken) {
    Response response = error(request, iceberg, 401, "NotAuthorizedException", "Unauthorized", detail);
    String challenge = invalidToken == null
        ? "Bearer realm=\"ailake\""
        : "Bearer realm=\"ailake\", error=\"invalid_token\", error_description=\"" + invalidToken + "\"";
    return Response.fromResponse(response).header(HttpHeaders.WWW_AUTHENTICATE, challenge).build();
  }

  private static Response error(
      ContainerRequestContext request, boolean iceberg, int status, String icebergType, String title, String detail) {
    return iceberg
        ? IcebergErrors.response(status, icebergType, detail, RequestIds.of(request))
        : ApiErrors.problem(status, title, detail, request);
  }
}
