package io.ailake.logs;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The answer of every log route, once the route found its subject in the caller's organization: the
 * lines as JSON, or with follow=true a stream of them (Server-Sent Events, or NDJSON when the Accept
 * header prefers it).
 */
@ApplicationScoped
public class LogAnswers {

  public static final String NDJSON = "application/x-ndjson";

  /** The lines of one log, oldest first (an entity of a Response: registered for the native image's Jackson). */
  @io.quarkus.runtime.annotations.RegisterForReflection
  public record Logs(List<Map<String, Object>> logs) {}

  private final LogLines lines;

  LogAnswers(LogLines lines) {
    this.lines = lines;
  }

  /** @param ended whether the subject reached its end; asked off the request thread while a follower waits */
  public Response answer(LogSubject subject, LogParameters parameters, BooleanSupplier ended) {
    LogParameters.Query query = parameters.check();
    List<LogLine> found = lines.last(subject, query.since(), query.tail());
    if (!query.follow()) {
      return Response.ok(new Logs(found.stream().map(LogLine::view).toList()), MediaType.APPLICATION_JSON_TYPE)
          .build();
    }
    LogFollow.Format format = format(parameters.accept);
    long after = found.isEmpty() ? lines.newest(subject) : found.get(found.size() - 1).id();
    return Response.ok(new LogFollow(subject, found, after, ended, format),
            format == LogFollow.Format.NDJSON ? NDJSON : MediaType.SERVER_SENT_EVENTS)
        .header("Cache-Control", "no-cache")
        .header("X-Accel-Buffering", "no") // a proxy that buffers would hold the lines back
        .build();
  }

  /** NDJSON when the Accept header prefers it to Server-Sent Events; these otherwise. */
  static LogFollow.Format format(String accept) {
    if (accept == null) {
      return LogFollow.Format.SSE;
    }
    record Accepted(MediaType type, double quality, int position) {}
    List<Accepted> accepted = new ArrayList<>();
    String[] parts = accept.split(",");
    for (int i = 0; i < parts.length; i++) {
      try {
        MediaType type = MediaType.valueOf(parts[i].trim());
        accepted.add(new Accepted(type, quality(type.getParameters().get("q")), i));
      } catch (IllegalArgumentException e) {
        // an unreadable entry names neither
      }
    }
    accepted.sort(Comparator.comparingDouble((Accepted a) -> -a.quality()).thenComparingInt(Accepted::position));
    for (Accepted a : accepted) {
      if (a.quality() > 0 && a.type().isCompatible(MediaType.SERVER_SENT_EVENTS_TYPE) && !a.type().isWildcardType()
          && !a.type().isWildcardSubtype()) {
        return LogFollow.Format.SSE;
      }
      if (a.quality() > 0 && a.type().getType().equals("application") && a.type().getSubtype().equals("x-ndjson")) {
        return LogFollow.Format.NDJSON;
      }
    }
    return LogFollow.Format.SSE;
  }

  private static double quality(String q) {
    try {
      return q == null ? 1 : Double.parseDouble(q);
    } catch (NumberFormatException e) {
      return 1;
    }
  }
}
