package io.ailake.operations;

import static org.assertj.core.api.Assertions.assertThat;

import io.ailake.organization.Organizations;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Leases of the job table as replicas see them: a job runs once even when it runs longer than its lease,
 * a restarted process takes back at once what its dead predecessor had claimed, and a process that shuts
 * down hands its running jobs over. The runners here are other replicas, built directly with a short
 * lease and a job kind of their own (the service's runner never claims a kind it cannot run).
 */
@QuarkusTest
class JobLeasesTest {

  private static final Duration LEASE = Duration.ofSeconds(2);

  @Inject DataSource dataSource;
  @Inject ServiceStates states;
  @Inject io.ailake.logs.ResourceLogs logs;

  /** Runs of each job id, by every runner of this test. */
  private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

  @Test
  void jobLongerThanItsLeaseIsClaimedOnce() throws Exception {
    String kind = "test-long-" + UUID.randomUUID();
    // runs for three leases
    JobHandler slow = handler(kind, LEASE.multipliedBy(3));
    JobRunner first = runner(slow, "replica-a");
    JobRunner second = runner(slow, "replica-b");
    long id = enqueue(kind);

    CompletableFuture<Void> running = CompletableFuture.runAsync(first::poll);
    while (!running.isDone()) {
      second.poll();
      Thread.sleep(100);
    }
    running.get();

    assertThat(runs.get(String.valueOf(id)).get()).as("runs of a job longer than its lease").isEqualTo(1);
    assertThat(state(id)).isEqualTo("SUCCEEDED");
  }

  @Test
  void claimOfADeadPreviousIncarnationIsResumedAtStartWithoutWaitingForTheLease() throws Exception {
    String kind = "test-quick-" + UUID.randomUUID();
    JobHandler quick = handler(kind, Duration.ZERO);
    WorkerIdentity restarted = WorkerIdentity.ofThisProcess("replica-c");
    // the previous process of the same replica: same pid (as in a container) and an earlier start
    WorkerIdentity dead = new WorkerIdentity("replica-c", restarted.pid(), restarted.startedMillis() - 60_000, "dead");
    // another replica's live process holds a claim too: that one stays with it
    WorkerIdentity live = new WorkerIdentity("replica-d", ProcessHandle.current().pid(),
        restarted.startedMillis() - 60_000, "live");
    long orphaned = enqueue(kind);
    long othersClaim = enqueue(kind);
    claim(orphaned, dead, Duration.ofHours(1));
    claim(othersClaim, live, Duration.ofHours(1));

    JobRunner runner = runner(quick, restarted);
    assertThat(runner.resumeDeadClaims()).isEqualTo(1);
    runner.poll();

    assertThat(state(orphaned)).isEqualTo("SUCCEEDED");
    assertThat(runs.get(String.valueOf(orphaned)).get()).isEqualTo(1);
    assertThat(state(othersClaim)).isEqualTo("PENDING");
    assertThat(runs).doesNotContainKey(String.valueOf(othersClaim));
  }

  @Test
  void aShutdownReleasesItsRunningJobForAnotherReplica() throws Exception {
    String kind = "test-handover-" + UUID.randomUUID();
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch finish = new java.util.concurrent.CountDownLatch(1);
    JobHandler blocking = new JobHandler() {
      @Override
      public String kind() {
        return kind;
      }

      @Override
      public Map<String, Object> run(Map<String, String> payload) throws Exception {
        runs.computeIfAbsent(payload.get("id"), k -> new AtomicInteger()).incrementAndGet();
        started.countDown();
        finish.await();
        return null;
      }
    };
    JobRunner stopping = new JobRunner(dataSource, List.of(blocking), Duration.ofHours(1), 8,
        Duration.ofMillis(200), states, WorkerIdentity.ofThisProcess("replica-e"), logs);
    JobRunner other = runner(handler(kind, Duration.ZERO), "replica-f");
    long id = enqueue(kind);
    CompletableFuture<Void> running = CompletableFuture.runAsync(stopping::poll);
    assertThat(started.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

    stopping.stop(new io.quarkus.runtime.ShutdownEvent());
    other.poll();

    assertThat(state(id)).as("taken by another replica at once, not after the hour-long lease").isEqualTo("SUCCEEDED");
    assertThat(attempts(id)).as("the released attempt does not count").isEqualTo(1);
    finish.countDown();
    running.get();
    assertThat(state(id)).isEqualTo("SUCCEEDED");
  }

  private JobHandler handler(String kind, Duration duration) {
    return new JobHandler() {
      @Override
      public String kind() {
        return kind;
      }

      @Override
      public Map<String, Object> run(Map<String, String> payload) throws Exception {
        runs.computeIfAbsent(payload.get("id"), k -> new AtomicInteger()).incrementAndGet();
        Thread.sleep(duration.toMillis());
        return Map.of("done", true);
      }
    };
  }

  private JobRunner runner(JobHandler handler, String replica) {
    return runner(handler, WorkerIdentity.ofThisProcess(replica));
  }

  private JobRunner runner(JobHandler handler, WorkerIdentity identity) {
    return new JobRunner(dataSource, List.of(handler), LEASE, 8, Duration.ofSeconds(1), states, identity, logs);
  }

  private long enqueue(String kind) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement insert = c.prepareStatement(
            "INSERT INTO job (organization_id, kind, payload) VALUES (?, ?, '{}'::jsonb) RETURNING id")) {
      insert.setObject(1, Organizations.DEFAULT_ID);
      insert.setString(2, kind);
      try (ResultSet rs = insert.executeQuery()) {
        rs.next();
        long id = rs.getLong(1);
        try (PreparedStatement payload = c.prepareStatement(
            "UPDATE job SET payload = jsonb_build_object('id', id::text) WHERE id = ?")) {
          payload.setLong(1, id);
          payload.executeUpdate();
        }
        return id;
      }
    }
  }

  private void claim(long id, WorkerIdentity owner, Duration lease) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("UPDATE job SET lease_owner = ?, attempts = 1,"
            + " lease_until = now() + make_interval(secs => ?) WHERE id = ?")) {
      ps.setString(1, owner.toString());
      ps.setLong(2, lease.toSeconds());
      ps.setLong(3, id);
      ps.executeUpdate();
    }
  }

  private String state(long id) throws SQLException {
    return column(id, "state");
  }

  private int attempts(long id) throws SQLException {
    return Integer.parseInt(column(id, "attempts::text"));
  }

  private String column(long id, String column) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT " + column + " FROM job WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }
}
