package io.ailake.iceberg;

import io.ailake.events.CommitEvents;
import io.ailake.storage.FileIOs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.stream.Collectors;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadata.MetadataLogEntry;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.rest.requests.CommitTransactionRequest;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.apache.iceberg.util.PropertyUtil;
import org.jboss.logging.Logger;

/**
 * The one way a table change commits, for a REST client's commit and the service's own writers
 * ({@link ServerTables}) alike: {@link #commit}. The change is prepared against the table's real current
 * state ({@link CommitRequests}), its new metadata file written, then the pointer swapped with
 * compare-and-swap in a PostgreSQL transaction that also runs what the writer commits with it ({@link
 * AlongWithCommit}: a call's idempotency-key answer, a loader's record). When the swap loses a race, the
 * change is prepared again on the new state as long as its requirements hold there (server-side retry);
 * a requirement that fails is a clean 409. Writers of one table take turns ({@link CommitTurns}); the
 * writers queued for a turn commit in it together, one after the other, in one metadata file.
 */
@ApplicationScoped
public class TableCommits {

  private static final Logger LOG = Logger.getLogger(TableCommits.class);

  private final FileIOs fileIOs;
  private final MetadataFiles metadataFiles;
  private final CommitRetry retry;
  private final CatalogObjects objects;
  private final CommitTurns turns;
  private final CommitEvents events;

  TableCommits(
      FileIOs fileIOs, MetadataFiles metadataFiles, CommitRetry retry, TransactionSynchronizationRegistry transactions,
      CatalogObjects objects, CommitEvents events) {
    this.fileIOs = fileIOs;
    this.events = events;
    this.objects = objects;
    this.metadataFiles = metadataFiles;
    this.retry = retry;
    this.turns = new CommitTurns(transactions);
  }

  /**
   * {@link #commit(Warehouse, TableIdentifier, UpdateTableRequest, AlongWithCommit)} of a change the
   * service makes itself with nothing else to commit along (an AI Lake route's create transaction).
   */
  public TableMetadata commit(Warehouse warehouse, TableIdentifier identifier, UpdateTableRequest request) {
    return commit(warehouse, identifier, request, AlongWithCommit.NOTHING);
  }

  /**
   * Commits one table's changes (creates the table when the request asserts it does not exist), with
   * {@code along} in the transaction that swaps the pointer; joins the caller's transaction when one is
   * open. The committed metadata, or the refusal thrown.
   */
  TableMetadata commit(Warehouse warehouse, TableIdentifier identifier, UpdateTableRequest request, AlongWithCommit along) {
    // the service reads a commit's manifest lists (a rebase reads ahead at once): only the organization's
    OrganizationLocations.requireAddedSnapshots(warehouse, request.updates());
    FileIO io = fileIOs.forStorage(warehouse.storage());
    CommitTurns.Writer writer = new CommitTurns.Writer(warehouse, identifier, request, along);
    return turns.commit(writer, () -> AppendRebase.readAhead(io, request),
        group -> commitGroup(warehouse, identifier, group, io));
  }

  /** How many writers of the table wait on this replica for their turn to commit. */
  int waiting(Warehouse warehouse, TableIdentifier identifier) {
    return turns.waiting(warehouse, identifier);
  }

  /**
   * Commits a group's changes in order, retrying when another replica swapped the pointer first. A
   * writer whose work along the commit failed leaves the group, which tries again.
   */
  private void commitGroup(
      Warehouse warehouse, TableIdentifier identifier, List<CommitTurns.Writer> group, FileIO io) {
    List<CommitTurns.Writer> pending = new ArrayList<>(group);
    try {
      for (int attempt = 1; !pending.isEmpty(); pending.removeIf(CommitTurns.Writer::done)) {
        try {
          if (!attempt(warehouse, identifier, pending, io)) {
            retry.lostRace(identifier, attempt++);
          }
        } catch (AlongFailed failed) {
          failed.writer.refuse(failed.cause);
        }
      }
    } catch (RuntimeException e) {
      pending.stream().filter(writer -> !writer.done()).forEach(writer -> writer.refuse(e));
    }
  }

  /** A writer's work along the commit failed: the transaction rolls back, and the writer's outcome is the failure. */
  private static final class AlongFailed extends RuntimeException {
    final CommitTurns.Writer writer;
    final RuntimeException cause;

    AlongFailed(CommitTurns.Writer writer, RuntimeException cause) {
      super(null, null, false, false);
      this.writer = writer;
      this.cause = cause;
    }
  }

  /**
   * One attempt at a group's changes, applied one after the other as if committed serially, then
   * written as one metadata file and swapped in: false when another commit swapped the pointer first;
   * otherwise every writer has its outcome, but for those after a writer that created the table (they
   * try again on the table it created). A change whose requirements fail on the state the earlier ones
   * left is refused alone.
   */
  private boolean attempt(Warehouse warehouse, TableIdentifier identifier, List<CommitTurns.Writer> group, FileIO io) {
    var pointer = objects.find(warehouse, identifier);
    if (pointer.isEmpty() || pointer.get().kind() != CatalogObject.Kind.TABLE) {
      for (CommitTurns.Writer writer : group) {
        try {
          if (!CommitRequests.isCreate(writer.request)) {
            throw new NoSuchTableException("Table does not exist: %s", identifier);
          }
          writer.succeed(create(warehouse, identifier, writer, io));
          return true;
        } catch (AlongFailed failed) {
          writer.refuse(failed.cause);
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
    List<CommitRequests.Prepared> applied = new ArrayList<>();
    for (int i = 0; i < group.size(); i++) {
      try {
        CommitRequests.Prepared prepared =
            CommitRequests.prepare(warehouse, pointer.get(), current, group.get(i).request, io);
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
      // nothing to swap: what the writers commit along still commits, all of it or none
      if (accepted.stream().anyMatch(writer -> writer.along != AlongWithCommit.NOTHING)) {
        QuarkusTransaction.joiningExisting().run(() -> runAlong(accepted, base));
      }
      committed = base;
    } else {
      committed = swap(warehouse, identifier, pointer.get(), base, current, applied, accepted, io);
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
   * Writes {@code updated} and swaps the pointer to it, with what the {@code accepted} writers commit
   * along, in one transaction: the written metadata, or null when the race was lost.
   */
  private TableMetadata swap(Warehouse warehouse, TableIdentifier identifier,
      CatalogObjects.Pointer pointer, TableMetadata base, TableMetadata updated, List<CommitRequests.Prepared> applied,
      List<CommitTurns.Writer> accepted, FileIO io) {
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
        boolean done = objects.swapIfFree(pointer, written.metadataFileLocation(),
            announced(warehouse, identifier, base, written));
        if (done) {
          runAlong(accepted, written);
        }
        ending[0] = true;
        return done;
      });
    } catch (RuntimeException e) {
      // a failure while the transaction ends may have come after PostgreSQL committed: the files stay
      if (!ending[0]) {
        CommitRequests.deleteQuietly(io, written.metadataFileLocation());
        applied.forEach(p -> p.discard(io));
      }
      throw e;
    }
    if (!swapped) {
      CommitRequests.deleteQuietly(io, written.metadataFileLocation());
      applied.forEach(p -> p.discard(io));
      return null;
    }
    deleteReplacedMetadataFiles(io, base, written);
    return written;
  }

  /** Runs what each writer commits along, in the current transaction; the first failure names its writer. */
  private static void runAlong(List<CommitTurns.Writer> writers, TableMetadata committed) {
    for (CommitTurns.Writer writer : writers) {
      try {
        writer.along.run(committed);
      } catch (RuntimeException e) {
        throw new AlongFailed(writer, e);
      }
    }
  }

  /**
   * Commits changes to several tables atomically: every pointer swaps in one PostgreSQL transaction,
   * or none does.
   */
  public void commitTransaction(Warehouse warehouse, CommitTransactionRequest request) {
    CommitRequests.validate(warehouse, request);
    FileIO io = fileIOs.forStorage(warehouse.storage());
    for (int attempt = 1; ; attempt++) {
      List<CommitRequests.Prepared> prepared = new ArrayList<>();
      List<CommitRequests.Prepared> changed = new ArrayList<>();
      List<TableIdentifier> identifiers = new ArrayList<>();
      try {
        for (UpdateTableRequest change : request.tableChanges()) {
          CatalogObjects.Pointer pointer = objects.requireTable(warehouse, change.identifier());
          CommitRequests.Prepared one = CommitRequests.prepare(
              warehouse, pointer, metadataFiles.readTable(io, pointer.metadataLocation()), change, io);
          prepared.add(one);
          if (one.changed()) {
            changed.add(one);
            identifiers.add(change.identifier());
          }
        }
      } catch (RuntimeException e) {
        prepared.forEach(p -> p.discard(io));
        throw e;
      }
      List<TableMetadata> written = new ArrayList<>();
      boolean swapped = false;
      try {
        for (CommitRequests.Prepared p : changed) {
          written.add(write(io, p));
        }
        swapped = QuarkusTransaction.joiningExisting().call(() -> swapAll(warehouse, identifiers, changed, written));
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
  private boolean swapAll(Warehouse warehouse, List<TableIdentifier> identifiers, List<CommitRequests.Prepared> changed,
      List<TableMetadata> written) {
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
      CommitRequests.Prepared prepared = changed.get(i);
      objects.swap(prepared.pointer(), written.get(i).metadataFileLocation(),
          announced(warehouse, identifiers.get(i), prepared.base(), written.get(i)));
    }
    return true;
  }

  private TableMetadata write(FileIO io, CommitRequests.Prepared prepared) {
    return metadataFiles.writeTable(io, prepared.updated(), prepared.base().metadataFileLocation());
  }

  /** Creates the table a writer's commit asserts does not exist, with what it commits along. */
  private TableMetadata create(Warehouse warehouse, TableIdentifier identifier, CommitTurns.Writer writer, FileIO io) {
    TableMetadata created = CommitRequests.newTable(warehouse, identifier, writer.request,
        () -> objects.checkFree(warehouse, identifier, CatalogObject.Kind.TABLE));
    TableMetadata written = metadataFiles.writeTable(io, created, null);
    try {
      QuarkusTransaction.joiningExisting().run(() -> {
        objects.insert(warehouse, identifier, CatalogObject.Kind.TABLE, written.metadataFileLocation(),
            announced(warehouse, identifier, null, written));
        runAlong(List.of(writer), written);
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

  /** The events of a commit from {@code base} (null: a create) to {@code written}, for the outbox. */
  private String announced(Warehouse warehouse, TableIdentifier identifier, TableMetadata base, TableMetadata written) {
    return events.of(warehouse.name, String.join(".", identifier.namespace().levels()), identifier.name(), base, written);
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
}
