package io.ailake.logs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ailake.AilakeConfig;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.spi.ServerHttpResponse;

/**
 * Streams a follower's lines: those it asked for, then every new one, read from PostgreSQL every
 * {@code ailake.logs.follow-poll-interval} on a Vert.x timer (a read borrows a worker thread for its
 * query; no thread waits for a follower). The stream ends once the subject ended and its last lines are
 * sent, when the client leaves, or after {@code ailake.logs.follow-max-duration}.
 */
@ApplicationScoped
class LogStreams {

  private static final Logger LOG = Logger.getLogger(LogStreams.class);
  /** How old a line must be before a follower moves past it (see {@link LogLines#after}). */
  static final Duration SETTLE = Duration.ofMillis(500);
  /** The most lines one read takes; more are read at once after. */
  static final int BATCH = 1000;
  /** An idle Server-Sent Events stream gets a comment this often, so proxies keep it open. */
  private static final long KEEP_ALIVE_NANOS = Duration.ofSeconds(15).toNanos();

  private final Vertx vertx;
  private final LogLines lines;
  private final ObjectMapper json;
  private final Duration pollInterval;
  private final Duration maxDuration;

  LogStreams(Vertx vertx, LogLines lines, ObjectMapper json, AilakeConfig config) {
    this.vertx = vertx;
    this.lines = lines;
    this.json = json;
    this.pollInterval = config.logs().followPollInterval();
    this.maxDuration = config.logs().followMaxDuration();
  }

  /** Streams {@code follow} to {@code response}; {@code done} runs once, when the stream ended or the client left. */
  void stream(LogFollow follow, ServerHttpResponse response, Runnable done) {
    new Stream(follow, response, done).start();
  }

  private record Poll(boolean ended, List<LogLine> lines) {}

  private final class Stream {
    private final LogFollow follow;
    private final ServerHttpResponse response;
    private final Runnable done;
    private final long deadline = System.nanoTime() + maxDuration.toNanos();
    private final AtomicBoolean finished = new AtomicBoolean();
    private long cursor;
    private boolean endSeen;
    private long lastWrite = System.nanoTime();
    private volatile long timer = -1;

    Stream(LogFollow follow, ServerHttpResponse response, Runnable done) {
      this.follow = follow;
      this.response = response;
      this.done = done;
      this.cursor = follow.after();
    }

    void start() {
      response.setChunked(true);
      response.addCloseHandler(this::left);
      byte[] first = frames(follow.lines());
      // the headers go now, with a comment when there is no line yet: the client knows it is following
      response.write(first.length > 0 ? first
          : follow.format() == LogFollow.Format.SSE ? ": following\n\n".getBytes(StandardCharsets.UTF_8) : first,
          failure -> {
            if (failure != null) {
              left();
            }
          });
      schedule(pollInterval.toMillis());
    }

    private void schedule(long delayMillis) {
      if (!finished.get()) {
        timer = vertx.setTimer(Math.max(1, delayMillis), id -> poll());
      }
    }

    private void poll() {
      timer = -1;
      if (finished.get()) {
        return;
      }
      if (response.closed()) {
        left(); // the client left before the close handler was in place
        return;
      }
      if (response.isWriteQueueFull()) {
        schedule(pollInterval.toMillis()); // a slow reader: nothing more is read for it until it caught up
        return;
      }
      boolean endedBefore = endSeen;
      long after = cursor;
      vertx.<Poll>executeBlocking(() -> {
        boolean ended = endedBefore || follow.ended().getAsBoolean();
        return new Poll(ended, lines.after(follow.subject(), after, ended ? Duration.ZERO : SETTLE, BATCH));
      }, false).onComplete(result -> {
        if (finished.get()) {
          return;
        }
        if (result.failed()) {
          LOG.debugf("A follower of the log of %s %s stops: %s", follow.subject().kind(), follow.subject().id(),
              result.cause().getMessage());
          finish("error");
          return;
        }
        Poll poll = result.result();
        if (!poll.lines().isEmpty()) {
          cursor = poll.lines().get(poll.lines().size() - 1).id();
          write(frames(poll.lines()));
        }
        if (poll.lines().size() == BATCH) {
          schedule(1); // more are waiting
          return;
        }
        if (poll.ended()) {
          if (endedBefore) {
            finish("ended");
            return;
          }
          endSeen = true; // one more read, for the lines written just after the end
        }
        if (System.nanoTime() - deadline > 0) {
          finish("timeout");
          return;
        }
        if (follow.format() == LogFollow.Format.SSE && System.nanoTime() - lastWrite > KEEP_ALIVE_NANOS) {
          write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
        }
        schedule(pollInterval.toMillis());
      });
    }

    private void write(byte[] bytes) {
      lastWrite = System.nanoTime();
      response.write(bytes, failure -> {
        if (failure != null) {
          left();
        }
      });
    }

    /** Ends the stream; Server-Sent Events say why last, so that a client does not reconnect to an ended log. */
    private void finish(String reason) {
      if (!finished.compareAndSet(false, true)) {
        return;
      }
      cancelTimer();
      try {
        if (follow.format() == LogFollow.Format.SSE) {
          response.end("event: end\ndata: {\"reason\":\"" + reason + "\"}\n\n");
        } else {
          response.end();
        }
      } catch (RuntimeException e) {
        LOG.debugf("Cannot end a log stream: %s", e.getMessage());
      } finally {
        done.run();
      }
    }

    private void left() {
      if (finished.compareAndSet(false, true)) {
        cancelTimer();
        done.run();
      }
    }

    private void cancelTimer() {
      long id = timer;
      if (id >= 0) {
        vertx.cancelTimer(id);
      }
    }

    private byte[] frames(List<LogLine> batch) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (LogLine line : batch) {
        String text = text(line.view());
        out.writeBytes((follow.format() == LogFollow.Format.SSE ? "data: " + text + "\n\n" : text + "\n")
            .getBytes(StandardCharsets.UTF_8));
      }
      return out.toByteArray();
    }

    private String text(Map<String, Object> view) {
      try {
        return json.writeValueAsString(view); // one line: JSON escapes the line breaks of a message
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
