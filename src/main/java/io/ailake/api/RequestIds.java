package io.ailake.api;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Every response carries {@code X-Request-ID}: the client's when it sent a sane one, else a new one. The
 * same id is in the request's log lines ({@code requestId} in the MDC) and in every error body, and in
 * {@code X-GDC-TRACE-ID}, where GoodData's clients look for it.
 */
public class RequestIds {

  public static final String HEADER = "X-Request-ID";
  public static final String TRACE_HEADER = "X-GDC-TRACE-ID";
  static final String PROPERTY = "ailake.request-id";
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  @ServerRequestFilter(preMatching = true)
  public void assign(ContainerRequestContext request, HttpServerRequest http, io.vertx.ext.web.RoutingContext routing) {
    Envelope.started(routing);
    // from Vert.x's request: the JAX-RS view would copy every header into a sorted map first
    String given = http.getHeader(HEADER);
    String id = given != null && SANE.matcher(given).matches() ? given : newId();
    request.setProperty(PROPERTY, id);
    MDC.put("requestId", id);
  }

  @ServerResponseFilter
  public void echo(ContainerRequestContext request, ContainerResponseContext response) {
    Object id = request.getProperty(PROPERTY);
    if (id != null) {
      response.getHeaders().putSingle(HEADER, id);
      response.getHeaders().putSingle(TRACE_HEADER, id);
    }
    MDC.remove("requestId");
  }

  /**
   * A version 4 UUID from a thread-local generator: a request id must be unique, not unguessable, and
   * UUID.randomUUID() would take the lock of the shared secure generator on every request.
   */
  static String newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(high, low).toString();
  }

  /** The id of the request this thread serves (from the MDC), for error bodies. */
  public static String current() {
    Object id = MDC.get("requestId");
    return id == null ? UUID.randomUUID().toString() : id.toString();
  }

  /** The id of the request being served, for error bodies. */
  public static String of(ContainerRequestContext request) {
    Object id = request.getProperty(PROPERTY);
    return id == null ? UUID.randomUUID().toString() : id.toString();
  }
}
