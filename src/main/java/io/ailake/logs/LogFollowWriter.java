package io.ailake.logs;

import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.Provider;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveResourceInfo;
import org.jboss.resteasy.reactive.server.spi.ServerMessageBodyWriter;
import org.jboss.resteasy.reactive.server.spi.ServerRequestContext;

/**
 * Writes a follower's answer as a stream: the request is suspended while {@link LogStreams} writes it, and
 * resumed when it ended, so that no worker thread waits for the follower.
 */
@Provider
@Produces({MediaType.SERVER_SENT_EVENTS, LogAnswers.NDJSON})
public class LogFollowWriter implements ServerMessageBodyWriter<LogFollow> {

  private final LogStreams streams;

  LogFollowWriter(LogStreams streams) {
    this.streams = streams;
  }

  @Override
  public boolean isWriteable(Class<?> type, Type genericType, ResteasyReactiveResourceInfo target, MediaType mediaType) {
    return LogFollow.class.equals(type);
  }

  @Override
  public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
    return LogFollow.class.equals(type);
  }

  @Override
  public void writeResponse(LogFollow follow, Type genericType, ServerRequestContext context) {
    ResteasyReactiveRequestContext request = (ResteasyReactiveRequestContext) context;
    request.suspend();
    streams.stream(follow, context.serverResponse(), request::resume);
  }

  @Override
  public void writeTo(LogFollow follow, Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType,
      MultivaluedMap<String, Object> headers, OutputStream out) {
    throw new UnsupportedOperationException("A log follower is streamed by writeResponse");
  }
}
