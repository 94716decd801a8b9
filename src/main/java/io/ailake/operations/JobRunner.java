package io.ailake.operations;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ailake.AilakeConfig;
import io.ailake.logs.LogSubject;
import io.ailake.logs.ResourceLogs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * The one job runner. Every replica polls the job table; a job is claimed with FOR UPDATE SKIP LOCKED
 * and a lease, so each runs on one worker at a time, and a job whose worker died (its lease expired)
 * is claimed again by another. The lease is renewed while the job runs, so a job longer than the lease
 * is never claimed twice; a process that starts again takes back its dead previous incarnation's claims
 * at once (see {@link WorkerIdentity}), and one that shuts down releases its claims. Failures retry with
 * exponential backoff, then mark the job failed.
 */
@ApplicationScoped
public class JobRunner extends PausableService {

  static final String NAME = "operations-worker";

  private static final Logger LOG = Logger.getLogger(JobRunner.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String CLAIM =
      """
      UPDATE job SET lease_owner = ?, lease_until = now() + make_interval(secs => ?),
                     attempts = attempts + 1, updated_at = now()
       WHERE id = (SELECT id FROM job
                    WHERE state = 'PENDING' AND run_after <= now()
                      AND (lease_until IS NULL OR lease_until < now())
                      AND kind = ANY (?)
                      AND organization_id NOT IN (SELECT organization_id FROM service_state
                                                   WHERE service_id = 'operations-worker' AND paused)
                    ORDER BY run_after, id
                    LIMIT 1
                    FOR UPDATE SKIP LOCKED)
      RETURNING id, kind, payload::text, attempts, organization_id, operation_id
      """;
  private static final String RENEW =
      "UPDATE job SET lease_until = now() + make_interval(secs => ?) WHERE id = ? AND lease_owner = ?";
  /** Claims of a process that ends: released as not tried, so another replica takes them at once. */
  private static final String RELEASE =
      """
      UPDATE job SET lease_owner = NULL, lease_until = NULL, attempts = greatest(attempts - 1, 0),
                     updated_at = now()
       WHERE lease_owner = ? AND state = 'PENDING'
      """;
  /** Claims of a dead previous incarnation: its attempt counts, the job is claimable at once. */
  private static final String RESUME =
      """
      UPDATE job SET lease_until = NULL, lease_owner = NULL, updated_at = now()
       WHERE id = ? AND lease_owner = ? AND state = 'PENDING'
      """;
  private static final String SUCCEED =
      """
      UPDATE job SET state = 'SUCCEEDED', result = ?::jsonb, lease_owner = NULL, lease_until = NULL,
                     last_error = NULL, updated_at = now()
       WHERE id = ? AND lease_owner = ?
      """;
  private static final String FAIL =
      """
      UPDATE job SET state = CASE WHEN attempts >= ? THEN 'FAILED' ELSE 'PENDING' END,
                     error = CASE WHEN attempts >= ? THEN ?::jsonb END,
                     run_after = now() + make_interval(secs => ?), last_error = ?,
                     lease_owner = NULL, lease_until = NULL, updated_at = now()
       WHERE id = ? AND lease_owner = ?
      """;

  private final DataSource dataSource;
  private final Map<String, JobHandler> handlers = new HashMap<>();
  private final Duration lease;
  private final int maxAttempts;
  private final Duration shutdownGrace;
  private final WorkerIdentity identity;
  private final String owner;
  private final ScheduledExecutorService renewals;
  private final Set<Long> running = ConcurrentHashMap.newKeySet();
  private volatile boolean stopping;

  private final ServiceStates states;
  private final ResourceLogs logs;

  @Inject
  JobRunner(DataSource dataSource, @Any Instance<JobHandler> handlers, AilakeConfig config, ServiceStates states,
      ResourceLogs logs) {
    this(dataSource, handlers.stream().toList(), config.jobs().lease(), config.jobs().maxAttempts(),
        config.jobs().shutdownGrace(), states,
        WorkerIdentity.ofThisProcess(config.jobs().replicaId()), logs);
  }

  /** A runner of its own handlers and lease: another replica, as a test sees it. */
  JobRunner(DataSource dataSource, Iterable<JobHandler> handlers, Duration lease, int maxAttempts,
      Duration shutdownGrace, ServiceStates states, WorkerIdentity identity, ResourceLogs logs) {
    this.dataSource = dataSource;
    this.states = states;
    this.logs = logs;
    handlers.forEach(h -> this.handlers.put(h.kind(), h));
    this.lease = lease;
    this.maxAttempts = maxAttempts;
    this.shutdownGrace = shutdownGrace;
    this.identity = identity;
    this.owner = identity.toString();
    this.renewals = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "job-lease-renewal");
      thread.setDaemon(true);
      return thread;
    });
  }

  void start(@Observes StartupEvent event) {
    resumeDeadClaims();
  }

  /**
   * Takes back the claims that a dead previous incarnation of this replica left (a kill -9, an OOM
   * kill): they become claimable at once instead of when their leases end.
   */
  int resumeDeadClaims() {
    int resumed = 0;
    try (Connection c = dataSource.getConnection();
        PreparedStatement claims = c.prepareStatement(
            "SELECT id, lease_owner FROM job WHERE state = 'PENDING' AND lease_until >= now()");
        PreparedStatement resume = c.prepareStatement(RESUME)) {
      try (ResultSet rs = claims.executeQuery()) {
        while (rs.next()) {
          String claimer = rs.getString(2);
          if (WorkerIdentity.parse(claimer).filter(identity::isDeadPreviousIncarnation).isPresent()) {
            resume.setLong(1, rs.getLong(1));
            resume.setString(2, claimer);
            resumed += resume.executeUpdate();
          }
        }
      }
    } catch (SQLException e) {
      LOG.warnf("Cannot take back the claims of this replica's previous process: %s", e.getMessage());
    }
    if (resumed > 0) {
      LOG.infof("Resuming %d job(s) that this replica's previous process (%s) had claimed", resumed, identity.replica());
    }
    return resumed;
  }

  /**
   * At shutdown: claims no more jobs, lets a running one finish within the grace period, then releases
   * what is still claimed so another replica takes it at once.
   */
  void stop(@Observes ShutdownEvent event) {
    stopping = true;
    long deadline = System.nanoTime() + shutdownGrace.toNanos();
    while (!running.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    releaseClaims();
    renewals.shutdownNow();
  }

  /** Releases this process's claims; the number released. */
  int releaseClaims() {
    try {
      int released = update(RELEASE, ps -> ps.setString(1, owner));
      if (released > 0) {
        LOG.infof("Released %d running job(s) for another replica to take", released);
      }
      return released;
    } catch (SQLException e) {
      LOG.warnf("Cannot release the jobs of this process; they are taken again when their leases end: %s",
          e.getMessage());
      return 0;
    }
  }

  @Scheduled(
      every = "${ailake.jobs.poll-interval}",
      delayed = "1s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void poll() {
    try {
      Optional<Claimed> job;
      // paused organizations are read at every claim: a pause also stops a worker in the middle of a backlog
      while (!stopping && (job = claim()).isPresent()) {
        execute(job.get());
      }
    } catch (SQLException e) {
      LOG.warnf("Cannot poll the job table: %s", e.getMessage());
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

  /** Jobs are due as soon as they are queued, so claiming them sooner changes no organization's schedule. */
  @Override
  protected void runNow(UUID organizationId) {
    poll();
  }

  @Override
  protected void describe(UUID organizationId, Map<String, Object> status) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT count(*) FILTER (WHERE state = 'PENDING'), count(*) FILTER (WHERE state = 'FAILED')"
                + " FROM job WHERE organization_id = ?")) {
      ps.setObject(1, organizationId);
      ResultSet rs = ps.executeQuery();
      rs.next();
      status.put("pendingJobs", rs.getLong(1));
      status.put("failedJobs", rs.getLong(2));
    } catch (SQLException e) {
      status.put("database", "unavailable: " + e.getMessage());
    }
  }

  private void execute(Claimed job) throws SQLException {
    JobHandler handler = handlers.get(job.kind());
    running.add(job.id());
    long period = Math.max(1, lease.toMillis() / 3);
    ScheduledFuture<?> renewal = renewals.scheduleAtFixedRate(() -> renew(job), period, period, TimeUnit.MILLISECONDS);
    try {
      run(job, handler);
    } finally {
      renewal.cancel(false);
      running.remove(job.id());
    }
  }

  /** Keeps the lease of a running job: a job longer than the lease is not claimed by another worker. */
  private void renew(Claimed job) {
    try {
      if (update(RENEW, ps -> {
        ps.setDouble(1, lease.toMillis() / 1000.0);
        ps.setLong(2, job.id());
        ps.setString(3, owner);
      }) == 0) {
        LOG.warnf("Job %d (%s) is no longer claimed by this worker (released at shutdown)", job.id(), job.kind());
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warnf("Cannot renew the lease of job %d (%s): %s", job.id(), job.kind(), e.getMessage());
    }
  }

  private void run(Claimed job, JobHandler handler) throws SQLException {
    long started = System.nanoTime();
    logs.info(job.log(), "Attempt started", "kind", job.kind(), "attempt", job.attempts(), "worker", identity.replica());
    try {
      if (handler == null) {
        throw new IllegalStateException("No handler for job kind " + job.kind());
      }
      Map<String, Object> result = handler.run(job.payload());
      String resultJson = result == null ? null : JSON.writeValueAsString(result);
      update(SUCCEED, ps -> {
        ps.setString(1, resultJson);
        ps.setLong(2, job.id());
        ps.setString(3, owner);
      });
      LOG.debugf("Job %d (%s) succeeded", job.id(), job.kind());
      logs.info(job.log(), "Operation succeeded", "attempt", job.attempts(),
          "durationMs", (System.nanoTime() - started) / 1_000_000);
    } catch (Exception e) {
      fail(job, e);
    }
  }

  /**
   * Retries with exponential backoff what another attempt may cure (a dependency outage, a concurrent
   * commit, an unknown fault); a refusal of the request (4xx) fails at once. Both the retrying job's
   * {@code last_error} and the failed one's {@code error} carry the cause's own status and words.
   */
  private void fail(Claimed job, Exception e) throws SQLException {
    if (stopping) {
      // a shutdown releases its claims; what fails meanwhile (often the closing pool) is not an attempt
      LOG.infof("Job %d (%s) stopped by the shutdown; another replica takes it again", job.id(), job.kind());
      logs.info(job.log(), "Attempt stopped by a shutdown; another worker takes the operation again",
          "attempt", job.attempts());
      return;
    }
    JobFailure failure = JobFailure.of(e);
    boolean permanent = !failure.retryable();
    long backoffSeconds = Math.min(300, 1L << Math.min(job.attempts(), 8));
    String errorJson = json(failure.error());
    String lastErrorJson = json(failure.lastError());
    int attemptsAllowed = permanent ? 0 : maxAttempts;
    if (failure.status() == 500) {
      LOG.errorf(e, "Job %d (%s) attempt %d failed%s", job.id(), job.kind(), job.attempts(),
          permanent ? " for good" : "");
    } else {
      LOG.warnf("Job %d (%s) attempt %d failed%s: %d %s", job.id(), job.kind(), job.attempts(),
          permanent ? " for good" : "", failure.status(), failure.detail());
    }
    JobHandler handler = handlers.get(job.kind());
    if (handler != null && (permanent || job.attempts() >= maxAttempts)) {
      try {
        handler.failed(job.payload(), failure.detail());
      } catch (RuntimeException hookFailure) {
        LOG.warnf("Job %d (%s): recording the failure failed: %s", job.id(), job.kind(), hookFailure.getMessage());
      }
    }
    if (permanent || job.attempts() >= maxAttempts) {
      logs.error(job.log(), "Operation failed", "attempt", job.attempts(), "status", failure.status(),
          "error", failure.detail());
    } else {
      logs.warn(job.log(), "Attempt failed; the operation retries", "attempt", job.attempts(),
          "status", failure.status(), "error", failure.detail(), "retryInSeconds", backoffSeconds);
    }
    update(FAIL, ps -> {
      ps.setInt(1, attemptsAllowed);
      ps.setInt(2, attemptsAllowed);
      ps.setString(3, errorJson);
      ps.setLong(4, backoffSeconds);
      ps.setString(5, lastErrorJson);
      ps.setLong(6, job.id());
      ps.setString(7, owner);
    });
  }

  private static String json(Map<String, Object> value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  private Optional<Claimed> claim() throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(CLAIM)) {
      ps.setString(1, owner);
      ps.setDouble(2, lease.toMillis() / 1000.0);
      ps.setArray(3, c.createArrayOf("text", handlers.keySet().toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        Map<String, String> payload =
            JSON.readValue(rs.getString(3), new TypeReference<Map<String, String>>() {});
        return Optional.of(new Claimed(rs.getLong(1), rs.getString(2), payload, rs.getInt(4),
            rs.getObject(5, UUID.class), rs.getString(6)));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new SQLException("Unreadable job payload", e);
      }
    }
  }

  private int update(String sql, StatementSetter setter) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      setter.set(ps);
      return ps.executeUpdate();
    }
  }

  private interface StatementSetter {
    void set(PreparedStatement ps) throws SQLException;
  }

  private record Claimed(long id, String kind, Map<String, String> payload, int attempts, UUID organizationId,
      String operationId) {

    /** The operation's log; none for an internal job (no public id). */
    LogSubject log() {
      return operationId == null ? null : LogSubject.operation(organizationId, operationId);
    }
  }
}
