package io.ailake.api;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses, before any route sees them, the parts of a request no route can take: a NUL in the path or
 * query ({@code %00}) or in a header (PostgreSQL stores no NUL in text, so one would fail deep in a
 * statement), a Content-Type that is no media type, a body larger than {@code ailake.http.max-body-bytes}
 * (every route but the file uploads, whose files may be gigabytes: quarkus.http.limits.max-body-size is
 * theirs). Bodies are checked by {@link JsonBodyGuard}. One place for every route, so a new parameter is
 * covered without a check of its own.
 */
public class InputGuard {

  /** The routes that take files, and so bodies up to quarkus.http.limits.max-body-size. */
  private static final java.util.regex.Pattern UPLOADS = java.util.regex.Pattern.compile(
      "/api/v1/ailake/database/instances/[^/]+/syncs/[^/]+/files|/api/lake/file/upload");

  private final BodyLimit bodyLimit;

  InputGuard(BodyLimit bodyLimit) {
    this.bodyLimit = bodyLimit;
  }

  // after RequestIds, so the refusal carries the request id
  @ServerRequestFilter(preMatching = true, priority = Priorities.USER + 100)
  public Optional<Response> check(ContainerRequestContext request, HttpServerRequest http) {
    String problem = escapes("path", http.path());
    if (problem == null && http.query() != null) {
      problem = escapes("query", http.query());
    }
    if (problem == null) {
      problem = headers(http);
    }
    if (problem == null) {
      problem = contentType(http.getHeader(HttpHeaders.CONTENT_TYPE));
      if (problem != null) {
        // writing the refusal would parse the request's Content-Type again, fail and send no body
        http.headers().remove(HttpHeaders.CONTENT_TYPE);
        request.getHeaders().remove(HttpHeaders.CONTENT_TYPE);
      }
    }
    if (problem != null) {
      return Optional.of(ApiErrors.badRequest(request, http.path(), problem));
    }
    return tooLarge(http.getHeader(HttpHeaders.CONTENT_LENGTH), http.path())
        ? Optional.of(ApiErrors.refusal(request, http.path(), 413, "Content Too Large", bodyLimit.detail()))
        : Optional.empty();
  }

  private boolean tooLarge(String contentLength, String path) {
    if (contentLength == null || UPLOADS.matcher(path).matches()) {
      return false;
    }
    try {
      return Long.parseLong(contentLength.trim()) > bodyLimit.bytes();
    } catch (NumberFormatException malformed) {
      return false; // the HTTP server refuses a Content-Length that is no number
    }
  }

  /**
   * A raw (still percent-encoded) path or query: no %00. A malformed escape never gets here: the HTTP
   * server refuses a request whose URI does not parse (a bare 400) before any filter runs.
   */
  static String escapes(String where, String raw) {
    for (int i = raw.indexOf('%'); i >= 0 && i + 2 < raw.length(); i = raw.indexOf('%', i + 1)) {
      if (raw.charAt(i + 1) == '0' && raw.charAt(i + 2) == '0') {
        return "The " + where + " contains %00 (NUL), which no name or value may contain";
      }
    }
    return null;
  }

  private static String headers(HttpServerRequest http) {
    for (Map.Entry<String, String> header : http.headers()) {
      if (header.getValue().indexOf(0) >= 0) {
        return "The header " + header.getKey() + " contains a NUL character";
      }
    }
    return null;
  }

  private static String contentType(String value) {
    if (value == null) {
      return null;
    }
    try {
      MediaType.valueOf(value);
      return null;
    } catch (IllegalArgumentException malformed) {
      return "Malformed Content-Type '" + value + "': expected type/subtype, e.g. application/json";
    }
  }

}
