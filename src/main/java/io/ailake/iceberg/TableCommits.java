package io.ailake.iceberg;

import io.ailake.storage.FileIOs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
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
 * retry); a requirement that fails is a clean 409.
 */
@ApplicationScoped
public class TableCommits {

  private static final Logger LOG = Logger.getLogger(TableCommits.class);

  private final FileIOs fileIOs;
  private final MetadataFiles metadataFiles;
  private final CommitRetry retry;
  private final TransactionSynchronizationRegistry transactions;
  private final CatalogObjects objects;
  private final Semaphore[] turns = new Semaphore[64];

  TableCommits(
      FileIOs fileIOs, MetadataFiles metadataFiles, CommitRetry retry, TransactionSynchronizationRegistry transactions,
      CatalogObjects objects) {
    this.fileIOs = fileIOs;
    this.objects = objects;
    this.metadataFiles = metadataFiles;
    this.retry = retry;
    this.transactions = transactions;
    for (int i = 0; i < turns.length; i++) {
      turns[i] = new Semaphore(1, true);
    }
  }

  /** Commits one table's changes; creates the table when the request asserts it does not exist. */
  public TableMetadata commit(Warehouse warehouse, TableIdentifier identifier, UpdateTableRequest request) {
    return commit(warehouse, identifier, request, () -> {});
  }

  /**
   * Commits one table's changes; {@code alsoInTransaction} runs in the PostgreSQL transaction that
   * swaps the pointer, so what it writes commits exactly when the table change does. When it throws,
   * nothing is committed and its exception propagates.
   */
  TableMetadata commit(
      Warehouse warehouse, TableIdentifier identifier, UpdateTableRequest request, Runnable alsoInTransaction) {
    FileIO io = fileIOs.forStorage(warehouse.storage());
    Semaphore turn = turnOf(warehouse, identifier);
    for (int attempt = 1; ; attempt++) {
      // a transaction that already holds this turn (another table of its stripe) keeps it until it ends
      boolean held = QuarkusTransaction.isActive() && transactions.getResource(turn) != null;
      if (!held && !turn.tryAcquire()) {
        AppendRebase.readAhead(io, request);
        turn.acquireUninterruptibly();
      }
      TableMetadata committed = null;
      try {
        committed = attempt(warehouse, identifier, request, alsoInTransaction, io);
      } finally {
        if (!held) {
          passTurn(turn, committed != null);
        }
      }
      if (committed != null) {
        return committed;
      }
      retry.lostRace(identifier, attempt);
    }
  }

  /**
   * Commits to one table take turns on this replica: a writer that waits for its turn reads the head
   * its predecessor left and commits (or rebases) at once, where writers racing each other would all
   * but one lose and retry, again and again as their number grows. Replicas still race, through the
   * compare-and-swap. Turns are striped by table name and last one attempt.
   */
  private Semaphore turnOf(Warehouse warehouse, TableIdentifier identifier) {
    int hash = 31 * warehouse.id.hashCode() + identifier.hashCode();
    return turns[Math.floorMod(hash, turns.length)];
  }

  /**
   * A swap inside a request's own transaction (an idempotency key's) is visible, and its row unlocked,
   * only when that transaction ends: the turn passes then, so the next writer never finds it locked.
   */
  private void passTurn(Semaphore turn, boolean swapped) {
    if (swapped && QuarkusTransaction.isActive()) {
      try {
        transactions.registerInterposedSynchronization(new Synchronization() {
          @Override
          public void beforeCompletion() {}

          @Override
          public void afterCompletion(int status) {
            turn.release();
          }
        });
        transactions.putResource(turn, Boolean.TRUE);
        return;
      } catch (RuntimeException e) {
        // a transaction that can no longer commit (marked for rollback) takes no synchronization
        LOG.debugf("Passing the commit turn at once: %s", e.getMessage());
      }
    }
    turn.release();
  }

  /** One attempt: the committed metadata, or null when another commit swapped the pointer first. */
  private TableMetadata attempt(
      Warehouse warehouse, TableIdentifier identifier, UpdateTableRequest request, Runnable alsoInTransaction,
      FileIO io) {
    var pointer = objects.find(warehouse, identifier);
    if (pointer.isEmpty() || pointer.get().kind() != CatalogObject.Kind.TABLE) {
      if (isCreate(request)) {
        return create(warehouse, identifier, request, io);
      }
      throw new NoSuchTableException("Table does not exist: %s", identifier);
    }
    Prepared prepared = prepare(warehouse, pointer.get(), request, io);
    if (!prepared.changed()) {
      return prepared.base();
    }
    TableMetadata written;
    try {
      written = write(io, prepared);
    } catch (RuntimeException e) {
      prepared.discard(io);
      throw e;
    }
    boolean swapped;
    try {
      // joins the request's transaction when an idempotency key holds one open (see IdempotencyInterceptor)
      swapped = QuarkusTransaction.joiningExisting().call(() -> {
        // a pointer another request holds locked is a lost race at once: waiting for that request to
        // end would serialize every writer of the table behind the slowest one
        boolean done = objects.swapIfFree(prepared.pointer(), written.metadataFileLocation());
        if (done) {
          alsoInTransaction.run();
        }
        return done;
      });
    } catch (RuntimeException e) {
      io.deleteFile(written.metadataFileLocation());
      prepared.discard(io);
      throw e;
    }
    if (swapped) {
      deleteReplacedMetadataFiles(io, prepared.base(), written);
      return written;
    }
    io.deleteFile(written.metadataFileLocation());
    prepared.discard(io);
    return null;
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
    FileIO io = fileIOs.forStorage(warehouse.storage());
    for (int attempt = 1; ; attempt++) {
      List<Prepared> prepared = new ArrayList<>();
      try {
        for (UpdateTableRequest change : request.tableChanges()) {
          CatalogObjects.Pointer pointer = objects.requireTable(warehouse, change.identifier());
          prepared.add(prepare(warehouse, pointer, change, io));
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
      Warehouse warehouse, CatalogObjects.Pointer pointer, UpdateTableRequest request, FileIO io) {
    TableMetadata base = metadataFiles.readTable(io, pointer.metadataLocation());
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

  private TableMetadata create(
      Warehouse warehouse, TableIdentifier identifier, UpdateTableRequest request, FileIO io) {
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
      objects.insert(warehouse, identifier, CatalogObject.Kind.TABLE, written.metadataFileLocation());
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
