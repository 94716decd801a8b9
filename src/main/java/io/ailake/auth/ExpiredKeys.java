package io.ailake.auth;

import io.ailake.postgres.RequestPathSql;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Deletes the stored answers of expired idempotency keys, which nothing replays any more, so the table
 * holds about one key lifetime of mutating calls instead of all of them. A batch at a time, each its own
 * short statement, so a large backlog neither holds locks for long nor grows one transaction.
 */
@ApplicationScoped
public class ExpiredKeys {

  private static final Logger LOG = Logger.getLogger(ExpiredKeys.class);
  static final int BATCH = 5000;

  private final RequestPathSql sql;

  ExpiredKeys(RequestPathSql sql) {
    this.sql = sql;
  }

  @Scheduled(every = "${ailake.auth.idempotency-key-sweep}", delayed = "1m",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void sweep() {
    try {
      deleteExpired();
    } catch (RuntimeException e) {
      LOG.warnf("Cannot delete expired idempotency keys: %s", e.getMessage());
    }
  }

  /** Deletes every expired key; how many. */
  long deleteExpired() {
    long deleted = 0;
    int batch;
    do {
      batch = sql.update("DELETE FROM idempotency_record WHERE ctid IN (SELECT ctid FROM idempotency_record"
          + " WHERE expires_at < now() LIMIT " + BATCH + ")");
      deleted += batch;
    } while (batch == BATCH);
    return deleted;
  }
}
