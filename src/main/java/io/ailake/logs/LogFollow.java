package io.ailake.logs;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A follower's stream, as the route answers it: the lines so far, then the new ones ({@link LogStreams}).
 *
 * @param after the last line the stream already holds (the lines so far, or the log's newest when none)
 * @param ended whether the subject reached its end (an operation or sync that finished, a database or pipe
 *     table that is gone); asked off the request, so it reads no request-scoped state
 */
public record LogFollow(LogSubject subject, List<LogLine> lines, long after, BooleanSupplier ended, Format format) {

  public enum Format {
    SSE,
    NDJSON
  }
}
