package io.ailake.iceberg;

import io.ailake.auth.CallRecords;
import io.ailake.storage.FileIOs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.stream.Collectors;
import org.apache.iceberg.MetadataUpdate;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadata.MetadataLogEntry;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.UpdateRequirement;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.rest.requests.CommitTransactionRequest;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.apache.iceberg.util.PropertyUtil;
import org.jboss.logging.Logger;

/**
 * Table commits. Requirements are checked against the table's real current state; the new metadata
 * file is written, then the pointer is swapped with compare-and-swap. When the swap loses a race, the
 * updates are re-applied to the new state as long as the requirements still hold there (server-side
 * retry); a requirement that fails is a clean 409. Writers of one table take turns ({@link CommitTurns});
 * the writers queued for a turn commit in it together, one after the other, in one metadata file.
 */
@ApplicationScoped
public class TableCommits {

  private static final Logger LOG = Logger.getLogger(TableCommits.class);

  private final FileIOs fileIOs;
  private final MetadataFiles metadataFiles;
  private final CommitRetry retry;
  private final TransactionSynchronizationRegistry transactions;
  private final CatalogObjects objects;
  private final CallRecords calls;
  private final CommitTurns turns = new CommitTurns();

  TableCommits(
      FileIOs fileIOs, MetadataFiles metadataFiles, CommitRetry retry, TransactionSynchronizationRegistry transactions,
      CatalogObjects objects, CallRecords calls) {
    this.fileIOs = fileIOs;
    this.calls = calls;
    this.objects = objects;
    this.metadataFiles = metadataFiles;
    this.retry = retry;
    this.transactions = transactions;
  }

  /** Commits one table's changes; creates the table when the request asserts it does not exist. */
  public TableMetadata commit(Warehouse warehouse, TableIdentifier identifier, UpdateTableRequest request) {
    return commit(warehouse, identifier, request, null, NOTHING_ELSE);
  }

  /**
   * A call's commit: its idempotency key's answer and its audit record are written in the transaction
   * that swaps the pointer, so they commit exactly when the change does; a key with an answer already
   * throws {@link CallRecords.AnsweredEarlier} before any work.
   */
  public TableMetadata commit(
      Warehouse warehouse, TableIdentifier identifier, UpdateTableRequest request, CallRecords.Call keyed) {
    if (keyed != null) {
      calls.requireFirst(keyed);
    }
    return commit(warehouse, identifier, request, keyed, NOTHING_ELSE);
  }

  /**
   * Commits one table's changes; {@code alsoInTransaction} runs in the PostgreSQL transaction that
   * swaps the pointer, so what it writes commits exactly when the table change does. When it throws,
   * nothing is committed and its exception propagates.
   */
  TableMetadata commit(
      Warehouse warehouse, TableIdentifier identifier, UpdateTableRequest request, Runnable alsoInTransaction) {
    return commit(warehouse, identifier, request, null, alsoInTransaction);
  }

  private static final Runnable NOTHING_ELSE = () -> {};

  private TableMetadata commit(
      Warehouse warehouse, TableIdentifier identifier, UpdateTableRequest request, CallRecords.Call keyed,
      Runnable alsoInTransaction) {
    // the service reads a commit's manifest lists (a rebase reads ahead at once): only the organization's
    OrganizationLocations.requireAddedSnapshots(warehouse, request.updates());
    FileIO io = fileIOs.forStorage(warehouse.storage());
    CommitTurns.Stripe turn = turns.stripeOf(warehouse, identifier);
    boolean inTransaction = QuarkusTransaction.isActive();
    // a change that must commit in a transaction of its own commits in its own turn
    CommitTurns.Writer writer = new CommitTurns.Writer(
        warehouse, identifier, request, keyed, !inTransaction && alsoInTransaction == NOTHING_ELSE);
    // a transaction that already holds this turn (another table of its stripe) keeps it until it ends
    if (inTransaction && transactions.getResource(turn) != null) {
      commitGroup(warehouse, identifier, List.of(writer), alsoInTransaction, io);
      return writer.outcome();
    }
    if (!turn.await(writer, () -> AppendRebase.readAhead(io, request))) {
      return writer.outcome(); // committed, or refused, in another writer's turn
    }
    List<CommitTurns.Writer> group = List.of(writer);
    try {
      group = turn.joining(writer);
      commitGroup(warehouse, identifier, group, alsoInTransaction, io);
    } finally {
      for (CommitTurns.Writer joined : group.subList(1, group.size())) {
        if (!joined.done()) {
          joined.refuse(new IllegalStateException("The commit turn of " + identifier + " ended without an outcome"));
        }
        joined.release();
      }
      passTurn(turn, writer.succeeded());
    }
    return writer.outcome();
  }

  /** How many writers of the table wait on this replica for their turn to commit. */
  int waiting(Warehouse warehouse, TableIdentifier identifier) {
    return turns.stripeOf(warehouse, identifier).waiting(warehouse, identifier);
  }

  /**
   * A swap inside a request's own transaction is visible, and its row unlocked, only when that
   * transaction ends: the turn passes then, so the next writer never finds it locked.
   */
  private void passTurn(CommitTurns.Stripe turn, boolean swapped) {
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

  /**
   * Commits a group's changes in order, retrying when another replica swapped the pointer first. A
   * writer whose key another call with the same key answered meanwhile leaves the group, which tries again.
   */
  private void commitGroup(
      Warehouse warehouse, TableIdentifier identifier, List<CommitTurns.Writer> group, Runnable alsoInTransaction,
      FileIO io) {
    List<CommitTurns.Writer> pending = new ArrayList<>(group);
    try {
      for (int attempt = 1; !pending.isEmpty(); pending.removeIf(CommitTurns.Writer::done)) {
        try {
          if (!attempt(warehouse, identifier, pending, alsoInTransaction, io)) {
            retry.lostRace(identifier, attempt++);
          }
        } catch (KeyAnsweredEarlier taken) {
          taken.writer.refuse(new CallRecords.AnsweredEarlier());
        }
      }
    } catch (RuntimeException e) {
      pending.stream().filter(writer -> !writer.done()).forEach(writer -> writer.refuse(e));
    }
  }

  /** A writer's key has an answer another call kept first: the group's transaction rolls back without it. */
  private static final class KeyAnsweredEarlier extends RuntimeException {
    final CommitTurns.Writer writer;

    KeyAnsweredEarlier(CommitTurns.Writer writer) {
      super(null, null, false, false);
      this.writer = writer;
    }
  }

  /**
   * One attempt at a group's changes, applied one after the other as if committed serially, then
   * written as one metadata file and swapped in: false when another commit swapped the pointer first;
   * otherwise every writer has its outcome, but for those after a writer that created the table (they
   * try again on the table it created). A change whose requirements fail on the state the earlier ones
   * left is refused alone.
   */
  private boolean attempt(
      Warehouse warehouse, TableIdentifier identifier, List<CommitTurns.Writer> group, Runnable alsoInTransaction,
      FileIO io) {
    var pointer = objects.find(warehouse, identifier);
    if (pointer.isEmpty() || pointer.get().kind() != CatalogObject.Kind.TABLE) {
      for (CommitTurns.Writer writer : group) {
        try {
          if (!isCreate(writer.request)) {
            throw new NoSuchTableException("Table does not exist: %s", identifier);
          }
          writer.succeed(create(warehouse, identifier, writer, io));
          return true;
        } catch (KeyAnsweredEarlier e) {
          writer.refuse(new CallRecords.AnsweredEarlier());
        } catch (RuntimeException e) {
          writer.refuse(e);
        }
      }
      return true;
    }
    TableMetadata base = metadataFiles.readTable(io, pointer.get().metadataLocation());
    TableMetadata current = base;
    RuntimeException[] refusals = new RuntimeException[group.size()];
    List<CommitTurns.Writer> accepted = new ArrayList<>();
    List<Prepared> applied = new ArrayList<>();
    for (int i = 0; i < group.size(); i++) {
      try {
        Prepared prepared = prepare(warehouse, pointer.get(), current, group.get(i).request, io);
        if (prepared.changed()) {
          applied.add(prepared);
          // the next change builds on this one as on a committed state: its snapshot stays in the log
          current = TableMetadata.buildFrom(prepared.updated()).discardChanges().build();
        }
        accepted.add(group.get(i));
      } catch (RuntimeException e) {
        refusals[i] = e;
      }
    }
    TableMetadata committed;
    if (applied.isEmpty()) {
      // every key's answer or none: one taken elsewhere meanwhile leaves the others to the next attempt
      if (accepted.stream().anyMatch(writer -> writer.keyed != null)) {
        QuarkusTransaction.joiningExisting().run(() -> keepAnswers(accepted, base));
      }
      committed = base;
    } else {
      committed = swap(pointer.get(), base, current, applied, accepted, alsoInTransaction, io);
      if (committed == null) {
        return false;
      }
    }
    for (int i = 0; i < group.size(); i++) {
      if (refusals[i] != null) {
        group.get(i).refuse(refusals[i]);
      } else {
        group.get(i).succeed(committed);
      }
    }
    return true;
  }

  /**
   * Writes {@code updated} and swaps the pointer to it, keeping the answers of the {@code accepted}
   * writers' keys in the same transaction: the written metadata, or null when the race was lost.
   */
  private TableMetadata swap(
      CatalogObjects.Pointer pointer, TableMetadata base, TableMetadata updated, List<Prepared> applied,
      List<CommitTurns.Writer> accepted, Runnable alsoInTransaction, FileIO io) {
    TableMetadata written;
    try {
      written = metadataFiles.writeTable(io, updated, base.metadataFileLocation());
    } catch (RuntimeException e) {
      applied.forEach(p -> p.discard(io));
      throw e;
    }
    boolean swapped;
    boolean[] ending = {false};
    try {
      // joins the request's transaction when one is open (a change of the service's own, see ServerTables)
      swapped = QuarkusTransaction.joiningExisting().call(() -> {
        // a pointer another request holds locked is a lost race at once: waiting for that request to
        // end would serialize every writer of the table behind the slowest one
        boolean done = objects.swapIfFree(pointer, written.metadataFileLocation());
        if (done) {
          keepAnswers(accepted, written);
          alsoInTransaction.run();
        }
        ending[0] = true;
        return done;
      });
    } catch (RuntimeException e) {
      // a failure while the transaction ends may have come after PostgreSQL committed: the files stay
      if (!ending[0]) {
        deleteQuietly(io, written.metadataFileLocation());
        applied.forEach(p -> p.discard(io));
      }
      throw e;
    }
    if (!swapped) {
      deleteQuietly(io, written.metadataFileLocation());
      applied.forEach(p -> p.discard(io));
      return null;
    }
    deleteReplacedMetadataFiles(io, base, written);
    return written;
  }

  /** Keeps, for each keyed writer, the answer its call gives: the committed table, as a load gives it. */
  private void keepAnswers(List<CommitTurns.Writer> writers, TableMetadata committed) {
    String body = null;
    Map<String, String> headers = null;
    for (CommitTurns.Writer writer : writers) {
      if (writer.keyed == null) {
        continue;
      }
      if (body == null) {
        body = new String(metadataFiles.loadAnswer(committed, SnapshotMode.ALL), StandardCharsets.UTF_8);
        headers = Map.of(HttpHeaders.ETAG, ETags.of(committed.metadataFileLocation(), SnapshotMode.ALL));
      }
      try {
        calls.keepInTransaction(writer.keyed, 200, MediaType.APPLICATION_JSON, headers, body);
      } catch (CallRecords.AnsweredEarlier e) {
        throw new KeyAnsweredEarlier(writer);
      }
    }
  }

  /**
   * Commits changes to several tables atomically: every pointer swaps in one PostgreSQL transaction,
   * or none does.
   */
  public void commitTransaction(Warehouse warehouse, CommitTransactionRequest request) {
    request.validate();
    Set<TableIdentifier> seen = new HashSet<>();
    for (UpdateTableRequest change : request.tableChanges()) {
      if (!seen.add(change.identifier())) {
        throw new IllegalArgumentException(
            "Invalid transaction: table " + change.identifier() + " appears more than once");
      }
    }
    for (UpdateTableRequest change : request.tableChanges()) {
      OrganizationLocations.requireAddedSnapshots(warehouse, change.updates());
    }
    FileIO io = fileIOs.forStorage(warehouse.storage());
    for (int attempt = 1; ; attempt++) {
      List<Prepared> prepared = new ArrayList<>();
      try {
        for (UpdateTableRequest change : request.tableChanges()) {
          CatalogObjects.Pointer pointer = objects.requireTable(warehouse, change.identifier());
          prepared.add(prepare(
              warehouse, pointer, metadataFiles.readTable(io, pointer.metadataLocation()), change, io));
        }
      } catch (RuntimeException e) {
        prepared.forEach(p -> p.discard(io));
        throw e;
      }
      List<Prepared> changed = prepared.stream().filter(Prepared::changed).toList();
      List<TableMetadata> written = new ArrayList<>();
      boolean swapped = false;
      try {
        for (Prepared p : changed) {
          written.add(write(io, p));
        }
        swapped = QuarkusTransaction.joiningExisting().call(() -> swapAll(changed, written));
      } finally {
        if (!swapped) {
          written.forEach(m -> io.deleteFile(m.metadataFileLocation()));
          prepared.forEach(p -> p.discard(io));
        }
      }
      if (swapped) {
        for (int i = 0; i < changed.size(); i++) {
          deleteReplacedMetadataFiles(io, changed.get(i).base(), written.get(i));
        }
        return;
      }
      retry.lostRace("the tables", attempt);
    }
  }

  /**
   * Locks every pointer (in a fixed order, so concurrent transactions never deadlock) and checks it is
   * still the one the changes were made against; only then swaps them all. Nothing is written when one
   * moved, so the transaction stays usable for the retry.
   */
  private boolean swapAll(List<Prepared> changed, List<TableMetadata> written) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < changed.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparing(i -> changed.get(i).pointer().id()));
    for (int i : order) {
      CatalogObjects.Pointer pointer = changed.get(i).pointer();
      if (!pointer.metadataLocation().equals(objects.lockedMetadataLocation(pointer.id()))) {
        return false;
      }
    }
    for (int i : order) {
      objects.swap(changed.get(i).pointer(), written.get(i).metadataFileLocation());
    }
    return true;
  }

  /**
   * The current state, the requirements checked against it, and the updates applied. An append whose
   * only failed requirement is its branch's head is rebased onto the new head ({@link AppendRebase}).
   */
  private Prepared prepare(
      Warehouse warehouse, CatalogObjects.Pointer pointer, TableMetadata base, UpdateTableRequest request, FileIO io) {
    List<CommitFailedException> failures = new ArrayList<>();
    UpdateRequirement.AssertRefSnapshotID lostHead = null;
    for (UpdateRequirement requirement : request.requirements()) {
      try {
        requirement.validate(base);
      } catch (CommitFailedException e) {
        failures.add(e);
        if (requirement instanceof UpdateRequirement.AssertRefSnapshotID ref) {
          lostHead = ref;
        }
      }
    }
    List<MetadataUpdate> updates = request.updates();
    String rebasedManifestList = null;
    if (!failures.isEmpty()) {
      AppendRebase.Rebased rebased =
          failures.size() == 1 && lostHead != null
              ? AppendRebase.rebase(io, base, request, lostHead).orElse(null)
              : null;
      if (rebased == null) {
        throw failures.get(0);
      }
      updates = rebased.updates();
      rebasedManifestList = rebased.manifestList();
    }
    try {
      TableMetadata.Builder builder = TableMetadata.buildFrom(base);
      for (MetadataUpdate update : updates) {
        update.applyTo(builder);
      }
      TableMetadata updated = builder.build();
      OrganizationLocations.requireMoved(warehouse, base, updated);
      return new Prepared(pointer, base, updated, !updated.changes().isEmpty(), rebasedManifestList);
    } catch (RuntimeException e) {
      deleteQuietly(io, rebasedManifestList);
      throw e;
    }
  }

  private TableMetadata write(FileIO io, Prepared prepared) {
    return metadataFiles.writeTable(io, prepared.updated(), prepared.base().metadataFileLocation());
  }

  private TableMetadata create(Warehouse warehouse, TableIdentifier identifier, CommitTurns.Writer writer, FileIO io) {
    UpdateTableRequest request = writer.request;
    for (UpdateRequirement requirement : request.requirements()) {
      if (!(requirement instanceof UpdateRequirement.AssertTableDoesNotExist)) {
        throw new NoSuchTableException("Table does not exist: %s", identifier);
      }
    }
    CatalogObjects.FreeName free = objects.checkFree(warehouse, identifier, CatalogObject.Kind.TABLE);
    TableMetadata.Builder builder =
        request.updates().stream()
            .filter(MetadataUpdate.UpgradeFormatVersion.class::isInstance)
            .map(u -> TableMetadata.buildFromEmpty(((MetadataUpdate.UpgradeFormatVersion) u).formatVersion()))
            .findFirst()
            .orElseGet(TableMetadata::buildFromEmpty);
    boolean hasLocation = false;
    for (MetadataUpdate update : request.updates()) {
      update.applyTo(builder);
      hasLocation |= update instanceof MetadataUpdate.SetLocation;
    }
    if (!hasLocation) {
      builder.setLocation(TableService.defaultLocation(warehouse, free, identifier));
    }
    TableMetadata created = builder.build();
    OrganizationLocations.require(warehouse, created);
    TableMetadata written = metadataFiles.writeTable(io, created, null);
    try {
      QuarkusTransaction.joiningExisting().run(() -> {
        objects.insert(warehouse, identifier, CatalogObject.Kind.TABLE, written.metadataFileLocation());
        keepAnswers(List.of(writer), written);
      });
    } catch (org.apache.iceberg.exceptions.AlreadyExistsException e) {
      io.deleteFile(written.metadataFileLocation());
      throw new CommitFailedException(e, "Commit failed: %s", e.getMessage());
    } catch (RuntimeException e) {
      io.deleteFile(written.metadataFileLocation());
      throw e;
    }
    return written;
  }

  private static boolean isCreate(UpdateTableRequest request) {
    return request.requirements().stream()
        .anyMatch(UpdateRequirement.AssertTableDoesNotExist.class::isInstance);
  }

  /** Honours write.metadata.delete-after-commit.enabled: drops metadata files that left the log. */
  private static void deleteReplacedMetadataFiles(FileIO io, TableMetadata base, TableMetadata written) {
    if (!PropertyUtil.propertyAsBoolean(
        written.properties(),
        TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED,
        TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED_DEFAULT)) {
      return;
    }
    Set<String> kept =
        written.previousFiles().stream().map(MetadataLogEntry::file).collect(Collectors.toSet());
    for (MetadataLogEntry entry : base.previousFiles()) {
      if (!kept.contains(entry.file())) {
        try {
          io.deleteFile(entry.file());
        } catch (RuntimeException e) {
          LOG.warnf("Could not delete replaced metadata file %s: %s", entry.file(), e.getMessage());
        }
      }
    }
  }

  /** A commit ready to swap in; {@code rebasedManifestList} is what a rebase wrote for it, if any. */
  private record Prepared(
      CatalogObjects.Pointer pointer, TableMetadata base, TableMetadata updated, boolean changed, String rebasedManifestList) {

    /** Removes what this attempt wrote besides the metadata file, once it will not commit. */
    void discard(FileIO io) {
      deleteQuietly(io, rebasedManifestList);
    }
  }

  private static void deleteQuietly(FileIO io, String location) {
    if (location == null) {
      return;
    }
    try {
      io.deleteFile(location);
    } catch (RuntimeException e) {
      LOG.warnf("Could not delete %s of a commit attempt that did not commit: %s", location, e.getMessage());
    }
  }
}
