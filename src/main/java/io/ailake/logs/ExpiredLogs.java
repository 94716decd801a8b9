package io.ailake.logs;

import io.ailake.AilakeConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.jboss.logging.Logger;

/** Deletes the log lines older than {@code ailake.logs.retention}. Every replica sweeps; a line goes once. */
@ApplicationScoped
public class ExpiredLogs {

  private static final Logger LOG = Logger.getLogger(ExpiredLogs.class);
  static final int BATCH = 5000;

  private final LogLines lines;
  private final Duration retention;

  ExpiredLogs(LogLines lines, AilakeConfig config) {
    this.lines = lines;
    this.retention = config.logs().retention();
  }

  @Scheduled(every = "${ailake.logs.sweep-interval}", delayed = "1m",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void sweep() {
    try {
      deleteExpired(retention);
    } catch (RuntimeException e) {
      LOG.warnf("Cannot delete expired log lines: %s", e.getMessage());
    }
  }

  /** Deletes every line older than {@code age}; how many. */
  long deleteExpired(Duration age) {
    long deleted = 0;
    int batch;
    do {
      batch = lines.deleteOlderThan(age, BATCH);
      deleted += batch;
    } while (batch == BATCH);
    return deleted;
  }
}
