package io.ailake.ingest;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Aborts the syncs left open past {@code ailake.ingest.sync-timeout}, as an abort call would (their files
 * deleted). Every replica sweeps; the abort's conditional update lets only one of them take a sync.
 */
@ApplicationScoped
public class ExpiredSyncs {

  private static final Logger LOG = Logger.getLogger(ExpiredSyncs.class);
  static final int BATCH = 100;

  private final SyncRecords records;
  private final Syncs syncs;

  ExpiredSyncs(SyncRecords records, Syncs syncs) {
    this.records = records;
    this.syncs = syncs;
  }

  @Scheduled(every = "${ailake.ingest.sweep-interval}", delayed = "1m",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void sweep() {
    try {
      abortExpired();
    } catch (RuntimeException e) {
      LOG.warnf("Cannot abort expired syncs: %s", e.getMessage());
    }
  }

  /** Aborts every expired sync; how many. */
  int abortExpired() {
    int aborted = 0;
    for (long syncId : records.expired(BATCH)) {
      try {
        syncs.expire(syncId);
        aborted++;
      } catch (RuntimeException e) {
        LOG.warnf("Cannot abort expired sync %d: %s", syncId, e.getMessage());
      }
    }
    return aborted;
  }
}
