package io.ailake.events.webhooks;

import io.ailake.AilakeConfig;
import io.ailake.events.EventFeed;
import io.ailake.events.EventTypes;
import io.ailake.operations.WorkerIdentity;
import io.ailake.storage.SecretBox;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Delivers the webhooks: every replica claims the subscriptions that have something due (an event after their
 * cursor, or a queued delivery whose attempt is due) with FOR UPDATE SKIP LOCKED and a lease, so each is delivered
 * by one replica at a time, on threads of its own (a slow receiver holds one of them, never a commit). A
 * subscription's events become queued deliveries in the transaction that moves its cursor past them, and are sent
 * one after another: the next once the previous succeeded or failed for good. Each step is written under the
 * lease; a holder that lost it (it stalled past the lease) writes nothing, and the new holder sends again with the
 * same webhook-id: at least once.
 */
@ApplicationScoped
public class WebhookDispatcher {

  private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);
  /** Events read from the feed per step; they become at most as many queued deliveries. */
  static final int EVENTS_PER_STEP = 100;
  /** How long one claim of a subscription lasts before it goes back for others to have their turn. */
  private static final Duration TURN = Duration.ofSeconds(5);

  private static final String CLAIM =
      """
      WITH due AS (
        SELECT c.id FROM webhook c
         WHERE c.enabled AND (c.lease_until IS NULL OR c.lease_until < now())
           AND coalesce(
             (SELECT d.next_attempt_at <= now() FROM webhook_delivery d
               WHERE d.webhook_id = c.id AND d.status = 'PENDING' ORDER BY d.id LIMIT 1),
             EXISTS (SELECT 1 FROM event e
                      WHERE e.organization_id = c.organization_id AND (e.tx, e.id) > (c.after_tx, c.after_id)
                        AND e.tx < pg_snapshot_xmin(pg_current_snapshot())))
         ORDER BY c.claimed_at NULLS FIRST, c.id
         LIMIT ?
         FOR UPDATE SKIP LOCKED)
      UPDATE webhook w SET lease_owner = ?, lease_until = now() + make_interval(secs => ?), claimed_at = now()
        FROM due WHERE w.id = due.id
      RETURNING w.id, w.organization_id, w.url, w.events, w.resources, w.sealed_secret, w.after_tx::text, w.after_id
      """;
  /** Every step writes under the lease, and renews it. */
  private static final String HOLD =
      "UPDATE webhook SET lease_until = now() + make_interval(secs => ?) WHERE id = ? AND lease_owner = ?";
  private static final String MOVE_CURSOR =
      "UPDATE webhook SET after_tx = ?::text::xid8, after_id = ?, lease_until = now() + make_interval(secs => ?)"
          + " WHERE id = ? AND lease_owner = ?";
  private static final String QUEUE =
      "INSERT INTO webhook_delivery (webhook_id, event_id, event_type, body) VALUES (?, ?, ?, ?)";
  private static final String HEAD =
      "SELECT id, event_id, body, next_attempt_at <= now(), first_attempt_at FROM webhook_delivery"
          + " WHERE webhook_id = ? AND status = 'PENDING' ORDER BY id LIMIT 1";
  private static final String ATTEMPTED =
      "INSERT INTO webhook_attempt (delivery_id, attempted_at, status_code, latency_ms, error) VALUES (?, ?, ?, ?, ?)";
  private static final String SUCCEEDED =
      "UPDATE webhook_delivery SET status = 'SUCCEEDED', attempts = attempts + 1, finished_at = now(),"
          + " first_attempt_at = coalesce(first_attempt_at, ?) WHERE id = ?";
  private static final String RETRY =
      "UPDATE webhook_delivery SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => ?),"
          + " first_attempt_at = coalesce(first_attempt_at, ?) WHERE id = ?";
  private static final String FAILED =
      "UPDATE webhook_delivery SET status = 'FAILED', attempts = attempts + 1, finished_at = now(),"
          + " first_attempt_at = coalesce(first_attempt_at, ?) WHERE id = ?";
  private static final String SUCCEEDED_IN_A_ROW =
      "UPDATE webhook SET failed_in_a_row = 0 WHERE id = ? AND failed_in_a_row <> 0";
  /**
   * The dispatcher's own bookkeeping waits for no disk flush: what a PostgreSQL crash loses of it is only sent
   * again (at least once), and commits keep the disk to themselves.
   */
  private static final String NO_FLUSH_WAIT = "SET LOCAL synchronous_commit TO off";
  private static final String FAILED_IN_A_ROW =
      "UPDATE webhook SET failed_in_a_row = failed_in_a_row + 1 WHERE id = ? RETURNING failed_in_a_row";
  private static final String DISABLE =
      "UPDATE webhook SET enabled = false, disabled_reason = ?, updated_at = now() WHERE id = ?";
  private static final String ANNOUNCE_DISABLED = "SELECT announce(?, ?, ?, jsonb_build_object('webhookId', ?::text,"
      + " 'url', ?::text, 'reason', ?::text))";
  private static final String RELEASE =
      "UPDATE webhook SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?";
  private static final String RELEASE_ALL =
      "UPDATE webhook SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?";

  /** A subscription this replica holds. */
  record Claimed(UUID id, UUID organization, String url, Set<String> types, List<String> resources,
      byte[] sealedSecret, EventFeed.Cursor cursor) {}

  private record Head(long id, String eventId, String body, boolean due, Timestamp firstAttempt) {}

  private final DataSource dataSource;
  private final EventFeed feed;
  private final DeliveryBodies bodies;
  private final WebhookSender sender;
  private final SecretBox secrets;
  private final AilakeConfig.Webhooks settings;
  private final WorkerIdentity identity;
  private final String owner;
  private final ExecutorService workers;
  private final ScheduledExecutorService poller;
  private final Duration pollInterval;
  private final AtomicInteger busy = new AtomicInteger();
  private volatile boolean stopping;

  WebhookDispatcher(DataSource dataSource, EventFeed feed, DeliveryBodies bodies, WebhookSender sender,
      SecretBox secrets, AilakeConfig config) {
    this.dataSource = dataSource;
    this.feed = feed;
    this.bodies = bodies;
    this.sender = sender;
    this.secrets = secrets;
    this.settings = config.webhooks();
    this.identity = WorkerIdentity.ofThisProcess(config.jobs().replicaId());
    this.owner = identity.toString();
    this.pollInterval = config.events().pollInterval();
    this.poller = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "webhook-poller");
      thread.setDaemon(true);
      return thread;
    });
    AtomicInteger threads = new AtomicInteger();
    this.workers = Executors.newFixedThreadPool(Math.max(1, settings.concurrency()), task -> {
      Thread thread = new Thread(task, "webhook-delivery-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Polls every {@code ailake.events.poll-interval} (the Quarkus scheduler's shortest period is a second). */
  void start(@Observes StartupEvent event) {
    resumeDeadClaims();
    poller.scheduleWithFixedDelay(this::poll, 1_000, Math.max(10, pollInterval.toMillis()), TimeUnit.MILLISECONDS);
  }

  void poll() {
    int free = settings.concurrency() - busy.get();
    if (stopping || free <= 0) {
      return;
    }
    List<Claimed> claimed;
    try {
      claimed = claim(free);
    } catch (SQLException | RuntimeException e) {
      LOG.warnf("Cannot claim webhooks to deliver: %s", e.getMessage());
      return;
    }
    if (stopping) {
      claimed.forEach(webhook -> release(webhook.id()));
      return;
    }
    for (Claimed webhook : claimed) {
      busy.incrementAndGet();
      try {
        workers.execute(() -> {
          try {
            deliver(webhook);
          } catch (SQLException | RuntimeException e) {
            LOG.warnf("Delivering webhook %s stopped; it is taken again: %s", webhook.id(), e.getMessage());
          } finally {
            release(webhook.id());
            busy.decrementAndGet();
          }
        });
      } catch (java.util.concurrent.RejectedExecutionException stopped) {
        release(webhook.id());
        busy.decrementAndGet();
      }
    }
  }

  /** At shutdown: claims nothing more, lets running attempts end briefly, and hands the subscriptions back. */
  void stop(@Observes ShutdownEvent event) {
    stopping = true;
    poller.shutdownNow();
    workers.shutdown();
    try {
      workers.awaitTermination(Math.min(5_000, settings.timeout().toMillis()), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    workers.shutdownNow();
    try (Connection c = dataSource.getConnection(); PreparedStatement release = c.prepareStatement(RELEASE_ALL)) {
      release.setString(1, owner);
      release.executeUpdate();
    } catch (SQLException e) {
      LOG.warnf("Cannot release this replica's webhooks; others take them when the leases end: %s", e.getMessage());
    }
  }

  /**
   * Hands back at once the subscriptions a dead previous process of this replica held (a kill -9): their
   * queued deliveries and cursors are in PostgreSQL, so the next claim sends what that process had not.
   */
  int resumeDeadClaims() {
    int resumed = 0;
    try (Connection c = dataSource.getConnection();
        PreparedStatement held = c.prepareStatement(
            "SELECT id, lease_owner FROM webhook WHERE lease_owner IS NOT NULL AND lease_until >= now()")) {
      try (ResultSet row = held.executeQuery()) {
        while (row.next()) {
          String holder = row.getString(2);
          if (WorkerIdentity.parse(holder).filter(identity::isDeadPreviousIncarnation).isPresent()) {
            resumed += update(c, RELEASE, row.getObject(1, UUID.class), holder) ? 1 : 0;
          }
        }
      }
    } catch (SQLException e) {
      LOG.warnf("Cannot take back the webhooks of this replica's previous process: %s", e.getMessage());
    }
    return resumed;
  }

  List<Claimed> claim(int most) throws SQLException {
    List<Claimed> claimed = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement claim = c.prepareStatement(CLAIM)) {
      claim.setInt(1, most);
      claim.setString(2, owner);
      claim.setDouble(3, leaseSeconds());
      try (ResultSet row = claim.executeQuery()) {
        while (row.next()) {
          List<String> types = Webhooks.strings(row.getArray(4));
          claimed.add(new Claimed(row.getObject(1, UUID.class), row.getObject(2, UUID.class), row.getString(3),
              types.contains(WebhookRequests.ALL_TYPES) ? Set.of() : Set.copyOf(types),
              Webhooks.strings(row.getArray(5)), row.getBytes(6),
              new EventFeed.Cursor(Long.parseLong(row.getString(7)), row.getLong(8))));
        }
      }
    }
    return claimed;
  }

  /** One turn of a subscription: queue its next events, send them in order, until it must wait or its turn ends. */
  void deliver(Claimed webhook) throws SQLException {
    long end = System.nanoTime() + TURN.toNanos();
    EventFeed.Cursor cursor = webhook.cursor();
    byte[] secret = null;
    while (!stopping && System.nanoTime() < end) {
      Head head = head(webhook.id());
      if (head == null) {
        EventFeed.Page page = feed.select(webhook.organization(), cursor, webhook.types(), webhook.resources(),
            EVENTS_PER_STEP);
        if (page.events().isEmpty() && page.next().equals(cursor)) {
          return;
        }
        if (!queue(webhook, page)) {
          return;
        }
        cursor = page.next();
        if (page.events().isEmpty()) {
          return;
        }
        continue;
      }
      if (!head.due()) {
        return;
      }
      if (secret == null) {
        secret = secret(webhook);
      }
      if (!attempt(webhook, head, secret)) {
        return;
      }
    }
  }

  /** The webhook's signing secret; empty when it does not open (another server key): its attempts fail saying so. */
  private byte[] secret(Claimed webhook) {
    try {
      return secrets.open(webhook.sealedSecret(), webhook.id(), "signing secret of webhook " + webhook.id());
    } catch (SecretBox.UnsealException e) {
      return new byte[0];
    }
  }

  /** Queues the page's events and moves the cursor past the page, in one transaction under the lease. */
  private boolean queue(Claimed webhook, EventFeed.Page page) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        update(c, NO_FLUSH_WAIT);
        try (PreparedStatement move = c.prepareStatement(MOVE_CURSOR)) {
          move.setString(1, Long.toUnsignedString(page.next().tx()));
          move.setLong(2, page.next().id());
          move.setDouble(3, leaseSeconds());
          move.setObject(4, webhook.id());
          move.setString(5, owner);
          if (move.executeUpdate() == 0) {
            c.rollback();
            return false;
          }
        }
        try (PreparedStatement queue = c.prepareStatement(QUEUE)) {
          for (EventFeed.Event event : page.events()) {
            queue.setObject(1, webhook.id());
            queue.setString(2, event.eventId());
            queue.setString(3, event.type());
            queue.setString(4, bodies.of(event));
            queue.addBatch();
          }
          queue.executeBatch();
        }
        c.commit();
        return true;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  private Head head(UUID webhook) throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement head = c.prepareStatement(HEAD)) {
      head.setObject(1, webhook);
      try (ResultSet row = head.executeQuery()) {
        return row.next() ? new Head(row.getLong(1), row.getString(2), row.getString(3), row.getBoolean(4),
            row.getTimestamp(5)) : null;
      }
    }
  }

  /**
   * Sends the delivery at the head of the queue once and records the attempt; whether the next delivery may
   * follow now (this one succeeded or failed for good, and the subscription is still held and enabled).
   */
  private boolean attempt(Claimed webhook, Head head, byte[] secret) throws SQLException {
    Instant attemptedAt = Instant.now();
    long timestamp = attemptedAt.getEpochSecond();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("webhook-id", head.eventId());
    headers.put("webhook-timestamp", Long.toString(timestamp));
    WebhookSender.Outcome outcome;
    if (secret.length == 0) {
      outcome = new WebhookSender.Outcome(null, 0, "The webhook's signing secret does not open: ailake.secrets.key is"
          + " not the key it was sealed with; nothing was sent");
    } else {
      headers.put("webhook-signature", WebhookSignatures.sign(secret, head.eventId(), timestamp, head.body()));
      outcome = sender.send(webhook.url(), headers, head.body());
    }
    if (stopping && !outcome.succeeded()) {
      return false; // cut short by the shutdown: not an attempt; the next holder sends it again
    }
    Timestamp first = head.firstAttempt() == null ? Timestamp.from(attemptedAt) : head.firstAttempt();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        update(c, NO_FLUSH_WAIT);
        if (!update(c, HOLD, leaseSeconds(), webhook.id(), owner)) {
          c.rollback();
          return false;
        }
        try (PreparedStatement attempt = c.prepareStatement(ATTEMPTED)) {
          attempt.setLong(1, head.id());
          attempt.setTimestamp(2, Timestamp.from(attemptedAt));
          attempt.setObject(3, outcome.statusCode());
          attempt.setLong(4, outcome.latencyMs());
          attempt.setString(5, outcome.error());
          attempt.executeUpdate();
        }
        boolean next;
        if (outcome.succeeded()) {
          update(c, SUCCEEDED, Timestamp.from(attemptedAt), head.id());
          update(c, SUCCEEDED_IN_A_ROW, webhook.id());
          next = true;
        } else {
          Duration wait = backoff(attemptsBefore(c, head.id()) + 1);
          boolean final_ = first.toInstant().plus(settings.retryFor()).isBefore(Instant.now().plus(wait));
          if (!final_) {
            update(c, RETRY, wait.toMillis() / 1000.0, first, head.id());
            next = false;
          } else {
            update(c, FAILED, first, head.id());
            next = !failedForGood(c, webhook, head, outcome);
          }
        }
        c.commit();
        return next;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  /** Counts a delivery that failed for good; disables the subscription after too many in a row. Whether it did. */
  private boolean failedForGood(Connection c, Claimed webhook, Head head, WebhookSender.Outcome outcome)
      throws SQLException {
    int inARow;
    try (PreparedStatement count = c.prepareStatement(FAILED_IN_A_ROW)) {
      count.setObject(1, webhook.id());
      try (ResultSet row = count.executeQuery()) {
        row.next();
        inARow = row.getInt(1);
      }
    }
    LOG.infof("Webhook %s: delivery %d (%s) failed for good: %s", webhook.id(), head.id(), head.eventId(),
        outcome.error());
    if (inARow < settings.disableAfter()) {
      return false;
    }
    String reason = inARow + " deliveries in a row failed; the last: " + outcome.error();
    update(c, DISABLE, reason, webhook.id());
    update(c, ANNOUNCE_DISABLED, webhook.organization(), EventTypes.WEBHOOK_DISABLED, "webhooks/" + webhook.id(),
        webhook.id().toString(), webhook.url(), reason);
    LOG.warnf("Webhook %s disabled: %s", webhook.id(), reason);
    return true;
  }

  private int attemptsBefore(Connection c, long delivery) throws SQLException {
    try (PreparedStatement attempts = c.prepareStatement("SELECT attempts FROM webhook_delivery WHERE id = ?")) {
      attempts.setLong(1, delivery);
      try (ResultSet row = attempts.executeQuery()) {
        return row.next() ? row.getInt(1) : 0;
      }
    }
  }

  /** The wait before attempt {@code attempt + 1}: doubling from the first retry up to the bound, less up to half. */
  Duration backoff(int attempt) {
    long first = settings.firstRetry().toMillis();
    long bound = settings.maxRetryInterval().toMillis();
    long wait = attempt > 40 ? bound : Math.min(bound, first << Math.min(attempt - 1, 40));
    return Duration.ofMillis(wait / 2 + ThreadLocalRandom.current().nextLong(wait / 2 + 1));
  }

  private void release(UUID webhook) {
    try (Connection c = dataSource.getConnection()) {
      update(c, RELEASE, webhook, owner);
    } catch (SQLException e) {
      LOG.warnf("Cannot release webhook %s; it is taken again when its lease ends: %s", webhook, e.getMessage());
    }
  }

  private double leaseSeconds() {
    return settings.lease().toMillis() / 1000.0;
  }

  private static boolean update(Connection c, String sql, Object... parameters) throws SQLException {
    try (PreparedStatement statement = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      if (sql.startsWith("SET")) {
        statement.execute();
        return true;
      }
      if (sql.startsWith("SELECT")) {
        statement.executeQuery().close();
        return true;
      }
      return statement.executeUpdate() > 0;
    }
  }
}
