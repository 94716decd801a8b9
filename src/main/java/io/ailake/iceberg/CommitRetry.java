package io.ailake.iceberg;

import io.ailake.AilakeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ServiceUnavailableException;
import org.jboss.logging.Logger;

/**
 * What a table or view commit does when its compare-and-swap lost a race: wait a short jittered while
 * and re-apply, up to {@code ailake.iceberg.commit-attempts}, then answer a clean 409.
 */
@ApplicationScoped
class CommitRetry {

  private static final Logger LOG = Logger.getLogger(CommitRetry.class);

  private final int attempts;

  CommitRetry(AilakeConfig config) {
    this.attempts = Math.max(1, config.iceberg().commitAttempts());
  }

  /** Returns when another attempt may follow; throws 409 when this was the last one. */
  void lostRace(Object what, int attempt) {
    if (attempt >= attempts) {
      throw new CommitFailedException(
          "Commit failed: %s changed concurrently %d times in a row; retry the commit", what, attempt);
    }
    LOG.debugf("Commit to %s lost a race (attempt %d); re-applying", what, attempt);
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L * attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      // not a conflict: nothing was committed, and the caller may retry (a 503 is never kept for a key)
      throw new ServiceUnavailableException("Commit interrupted; retry the commit");
    }
  }
}
