package io.ailake.events.webhooks;

import io.ailake.AilakeConfig;
import io.ailake.postgres.RequestPathSql;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Deletes the deliveries queued longer than {@code ailake.events.retention} ago that have ended (with their
 * attempts), a batch at a time; pending ones stay whatever their age. Every replica sweeps.
 */
@ApplicationScoped
public class ExpiredDeliveries {

  private static final Logger LOG = Logger.getLogger(ExpiredDeliveries.class);
  static final int BATCH = 10_000;

  private final RequestPathSql sql;
  private final Duration retention;

  ExpiredDeliveries(RequestPathSql sql, AilakeConfig config) {
    this.sql = sql;
    this.retention = config.events().retention();
  }

  @Scheduled(every = "10m", delayed = "2m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void sweep() {
    try {
      while (deleteExpired() == BATCH) {
        // more to delete
      }
    } catch (RuntimeException e) {
      LOG.warnf("Cannot delete expired webhook deliveries: %s", e.getMessage());
    }
  }

  /** Deletes a batch of expired deliveries that ended; how many. */
  int deleteExpired() {
    return sql.update("DELETE FROM webhook_delivery WHERE id IN (SELECT id FROM webhook_delivery"
        + " WHERE created_at < now() - ?::interval AND status <> 'PENDING' LIMIT " + BATCH
        + " FOR UPDATE SKIP LOCKED)", retention.toSeconds() + " seconds");
  }
}
