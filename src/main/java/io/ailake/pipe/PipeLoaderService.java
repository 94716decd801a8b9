package io.ailake.pipe;

import io.ailake.operations.PausableService;
import io.ailake.operations.ServiceStates;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The pipe loader: every tick, each replica claims the pipe tables that are due (their lease and next
 * poll time are columns of their rows, claimed with SKIP LOCKED) and loads their new files.
 */
@ApplicationScoped
public class PipeLoaderService extends PausableService {

  static final String NAME = "pipe-loader";
  private static final Logger LOG = Logger.getLogger(PipeLoaderService.class);

  private final PipeLoader loader;
  private final ServiceStates states;
  private final EntityManager entityManager;
  private volatile boolean stopping;
  private volatile Instant lastTick;

  PipeLoaderService(PipeLoader loader, ServiceStates states, EntityManager entityManager) {
    this.loader = loader;
    this.states = states;
    this.entityManager = entityManager;
  }

  void stop(@Observes ShutdownEvent event) {
    stopping = true;
  }

  @Scheduled(every = "${ailake.pipe.tick:1s}", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void tick() {
    lastTick = Instant.now();
    try {
      Optional<UUID> due;
      while (!stopping && (due = loader.claimDue()).isPresent()) {
        UUID pipeId = due.get();
        try {
          loader.loadNew(pipeId);
        } catch (RuntimeException e) {
          String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
          LOG.warnf("Pipe table %s: load failed, next poll retries: %s", pipeId, why);
          QuarkusTransaction.requiringNew().run(() -> PipeTable.update(
              "lastError = ?1, updatedAt = ?2 where id = ?3", why, Instant.now(), pipeId));
        } finally {
          loader.release(pipeId);
        }
      }
    } catch (RuntimeException e) {
      LOG.warnf("The pipe loader cannot poll: %s", e.getMessage());
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  protected ServiceStates states() {
    return states;
  }

  /**
   * Polls the organization's active pipe tables at once. Another organization's keep their schedule:
   * its command must not make them read their sources early.
   */
  @Override
  protected void runNow(UUID organizationId) {
    QuarkusTransaction.requiringNew().run(() ->
        entityManager.createNativeQuery(
                "UPDATE pipe_table SET next_poll_at = now() WHERE state = 'active' AND organization_id = ?1")
            .setParameter(1, organizationId)
            .executeUpdate());
    tick();
  }

  @Override
  protected void describe(UUID organizationId, Map<String, Object> status) {
    status.put("lastTick", lastTick);
    Object[] counts = QuarkusTransaction.requiringNew().call(() -> (Object[]) entityManager.createNativeQuery(
            "SELECT (SELECT count(*) FROM pipe_table WHERE state = 'active' AND organization_id = ?1),"
                + " (SELECT count(*) FROM pipe_file f JOIN pipe_table p ON p.id = f.pipe_table_id"
                + "   WHERE f.state = 'loaded' AND p.organization_id = ?1),"
                + " (SELECT count(*) FROM pipe_file f JOIN pipe_table p ON p.id = f.pipe_table_id"
                + "   WHERE f.state = 'failed' AND p.organization_id = ?1)")
        .setParameter(1, organizationId)
        .getSingleResult());
    status.put("activePipeTables", ((Number) counts[0]).longValue());
    status.put("filesLoaded", ((Number) counts[1]).longValue());
    status.put("filesFailed", ((Number) counts[2]).longValue());
  }
}
