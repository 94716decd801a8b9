package io.ailake.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Every response carries {@code X-Request-ID}: the client's when it sent a sane one, else a new one. The
 * same id is in the request's log lines ({@code requestId} in the MDC) and in every error body.
 */
public class RequestIds {

  public static final String HEADER = "X-Request-ID";
  static final String PROPERTY = "ailake.request-id";
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  @ServerRequestFilter(preMatching = true)
  public void assign(ContainerRequestContext request) {
    String given = request.getHeaderString(HEADER);
    String id = given != null && SANE.matcher(given).matches() ? given : UUID.randomUUID().toString();
    request.setProperty(PROPERTY, id);
    MDC.put("requestId", id);
  }

  @ServerResponseFilter
  public void echo(ContainerRequestContext request, ContainerResponseContext response) {
    Object id = request.getProperty(PROPERTY);
    if (id != null) {
      response.getHeaders().putSingle(HEADER, id);
    }
    MDC.remove("requestId");
  }

  /** The id of the request being served, for error bodies. */
  public static String of(ContainerRequestContext request) {
    Object id = request.getProperty(PROPERTY);
    return id == null ? UUID.randomUUID().toString() : id.toString();
  }
}
