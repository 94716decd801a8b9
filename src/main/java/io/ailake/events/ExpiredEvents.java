package io.ailake.events;

import io.ailake.AilakeConfig;
import io.ailake.postgres.RequestPathSql;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.jboss.logging.Logger;

/** Deletes events older than {@code ailake.events.retention}, a batch at a time. Every replica sweeps. */
@ApplicationScoped
public class ExpiredEvents {

  private static final Logger LOG = Logger.getLogger(ExpiredEvents.class);
  static final int BATCH = 10_000;

  private final RequestPathSql sql;
  private final Duration retention;

  ExpiredEvents(RequestPathSql sql, AilakeConfig config) {
    this.sql = sql;
    this.retention = config.events().retention();
  }

  @Scheduled(every = "10m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void sweep() {
    try {
      while (deleteExpired() == BATCH) {
        // more to delete
      }
    } catch (RuntimeException e) {
      LOG.warnf("Cannot delete expired events: %s", e.getMessage());
    }
  }

  /** Deletes a batch of expired events; how many. */
  int deleteExpired() {
    return sql.update("DELETE FROM event WHERE id IN (SELECT id FROM event WHERE created_at < now() - ?::interval"
        + " LIMIT " + BATCH + " FOR UPDATE SKIP LOCKED)", retention.toSeconds() + " seconds");
  }
}
