package io.ailake.iceberg;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.jboss.logging.Logger;

/**
 * Commits to one table take turns on this replica: a writer whose turn comes reads the head its
 * predecessor left and commits (or rebases) at once, where writers racing each other would all but
 * one lose and retry, again and again as their number grows. The writer whose turn comes leads a group:
 * it also commits the changes of the writers of the same table queued behind it, in their order, as one
 * metadata file and one swap, so that cost is paid once a turn rather than once a writer. Replicas
 * still race, through the compare-and-swap. Turns are striped by table name and pass in arrival order.
 */
final class CommitTurns {

  private static final Logger LOG = Logger.getLogger(CommitTurns.class);

  private final Stripe[] stripes = new Stripe[64];
  private final TransactionSynchronizationRegistry transactions;

  CommitTurns(TransactionSynchronizationRegistry transactions) {
    this.transactions = transactions;
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new Stripe();
    }
  }

  /**
   * Commits {@code writer}'s change in its turn: {@code commitGroup} commits the group it leads, unless
   * another writer's group committed (or refused) it first; {@code whileWaiting} runs first when the turn
   * is someone else's. Returns the committed metadata, or throws the refusal.
   */
  TableMetadata commit(Writer writer, Runnable whileWaiting, Consumer<List<Writer>> commitGroup) {
    Stripe turn = stripeOf(writer.warehouseId, writer.identifier);
    // a transaction that already holds this turn (another table of its stripe) keeps it until it ends
    if (QuarkusTransaction.isActive() && transactions.getResource(turn) != null) {
      commitGroup.accept(List.of(writer));
      return writer.outcome();
    }
    if (!turn.await(writer, whileWaiting)) {
      return writer.outcome(); // committed, or refused, in another writer's turn
    }
    List<Writer> group = List.of(writer);
    try {
      group = turn.joining(writer);
      commitGroup.accept(group);
    } finally {
      for (Writer joined : group.subList(1, group.size())) {
        if (!joined.done()) {
          joined.refuse(new IllegalStateException("The commit turn of " + writer.identifier + " ended without an outcome"));
        }
        joined.release();
      }
      passTurn(turn, writer.succeeded());
    }
    return writer.outcome();
  }

  /**
   * A swap inside a request's own transaction is visible, and its row unlocked, only when that
   * transaction ends: the turn passes then, so the next writer never finds it locked.
   */
  private void passTurn(Stripe turn, boolean swapped) {
    if (swapped && QuarkusTransaction.isActive()) {
      try {
        transactions.registerInterposedSynchronization(new Synchronization() {
          @Override
          public void beforeCompletion() {}

          @Override
          public void afterCompletion(int status) {
            turn.pass();
          }
        });
        transactions.putResource(turn, Boolean.TRUE);
        return;
      } catch (RuntimeException e) {
        // a transaction that can no longer commit (marked for rollback) takes no synchronization
        LOG.debugf("Passing the commit turn at once: %s", e.getMessage());
      }
    }
    turn.pass();
  }

  /** How many writers of the table wait on this replica for their turn to commit. */
  int waiting(Warehouse warehouse, TableIdentifier identifier) {
    return stripeOf(warehouse.id, identifier).waiting(warehouse.id, identifier);
  }

  private Stripe stripeOf(UUID warehouseId, TableIdentifier identifier) {
    int hash = 31 * warehouseId.hashCode() + identifier.hashCode();
    return stripes[Math.floorMod(hash, stripes.length)];
  }

  /** The turns of the tables whose names share this stripe. */
  static final class Stripe {
    private boolean taken;
    private final ArrayDeque<Writer> waiting = new ArrayDeque<>();

    /**
     * Returns when {@code writer} leads (true), or when a leader committed its change for it (false);
     * {@code whileWaiting} runs first when the turn is someone else's.
     */
    boolean await(Writer writer, Runnable whileWaiting) {
      if (tryTake()) {
        return true;
      }
      // before the writer is queued, so no leader reads its request meanwhile
      whileWaiting.run();
      synchronized (this) {
        if (!taken) {
          taken = true;
          return true;
        }
        waiting.add(writer);
      }
      awaitUninterruptibly(writer.signal);
      return writer.leads;
    }

    private synchronized boolean tryTake() {
      boolean free = !taken;
      taken = true;
      return free;
    }

    /** The leader's group: the leader, then the queued writers of its table that may join, in arrival order. */
    synchronized List<Writer> joining(Writer leader) {
      List<Writer> group = new ArrayList<>();
      group.add(leader);
      if (!leader.joinable) {
        return group;
      }
      for (Iterator<Writer> it = waiting.iterator(); it.hasNext(); ) {
        Writer next = it.next();
        if (next.joinable && next.writes(leader.warehouseId, leader.identifier)) {
          group.add(next);
          it.remove();
        }
      }
      return group;
    }

    /** How many writers of the table wait here for a turn. */
    synchronized int waiting(UUID warehouseId, TableIdentifier identifier) {
      return (int) waiting.stream()
          .filter(writer -> writer.writes(warehouseId, identifier))
          .count();
    }

    /** Passes the turn to the writer queued longest, or frees it. */
    void pass() {
      Writer next;
      synchronized (this) {
        next = waiting.poll();
        if (next == null) {
          taken = false;
          return;
        }
      }
      next.leads = true;
      next.signal.countDown();
    }
  }

  /**
   * One table change waiting to commit, and its outcome once committed. A joinable writer's change
   * may commit in another writer's turn: one that must commit in its own PostgreSQL transaction (the
   * request's, or with work that is its own) is not.
   */
  static final class Writer {
    final UUID warehouseId;
    final TableIdentifier identifier;
    final UpdateTableRequest request;
    /** What the change's transaction also does. */
    final AlongWithCommit along;
    final boolean joinable;
    private final CountDownLatch signal = new CountDownLatch(1);
    private boolean leads;
    private TableMetadata committed;
    private RuntimeException failure;

    Writer(Warehouse warehouse, TableIdentifier identifier, UpdateTableRequest request, AlongWithCommit along) {
      this.warehouseId = warehouse.id;
      this.identifier = identifier;
      this.request = request;
      this.along = along;
      this.joinable = along.joinable() && !QuarkusTransaction.isActive();
    }

    boolean writes(UUID warehouse, TableIdentifier table) {
      return warehouseId.equals(warehouse) && identifier.equals(table);
    }

    void succeed(TableMetadata metadata) {
      committed = metadata;
      failure = null;
    }

    void refuse(RuntimeException e) {
      failure = e;
      committed = null;
    }

    boolean done() {
      return committed != null || failure != null;
    }

    boolean succeeded() {
      return committed != null;
    }

    /** Wakes a writer whose change its group's leader committed (or refused). */
    void release() {
      signal.countDown();
    }

    /** The committed metadata, or the refusal. */
    TableMetadata outcome() {
      if (failure != null) {
        throw failure;
      }
      return committed;
    }
  }

  /** What was set before the latch opened is seen after this returns. */
  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
