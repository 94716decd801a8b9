package io.ailake.iceberg;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.iceberg.MetadataUpdate;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.UpdateRequirement;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.rest.requests.CommitTransactionRequest;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.jboss.logging.Logger;

/**
 * The commit protocol: Iceberg's commit requests checked and turned into new table metadata. No
 * PostgreSQL, no turns, no keys here: {@link TableCommits} swaps what this prepares.
 */
final class CommitRequests {

  private static final Logger LOG = Logger.getLogger(CommitRequests.class);

  private CommitRequests() {}

  /** A commit ready to swap in; {@code rebasedManifestList} is what a rebase wrote for it, if any. */
  record Prepared(
      CatalogObjects.Pointer pointer, TableMetadata base, TableMetadata updated, boolean changed,
      String rebasedManifestList) {

    /** Removes what this attempt wrote besides the metadata file, once it will not commit. */
    void discard(FileIO io) {
      deleteQuietly(io, rebasedManifestList);
    }
  }

  /** Whether the request creates its table (a staged create's second step). */
  static boolean isCreate(UpdateTableRequest request) {
    return request.requirements().stream()
        .anyMatch(UpdateRequirement.AssertTableDoesNotExist.class::isInstance);
  }

  /** A valid multi-table request: each table once, every added snapshot the organization's. */
  static void validate(Warehouse warehouse, CommitTransactionRequest request) {
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
  }

  /**
   * The current state, the requirements checked against it, and the updates applied. An append whose
   * only failed requirement is its branch's head is rebased onto the new head ({@link AppendRebase}).
   */
  static Prepared prepare(
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

  /**
   * The first metadata of a table a commit creates: only {@code assert-create} may be required; without
   * a location of its own the table goes under its namespace's ({@code free}, asked for once the
   * requirements hold).
   */
  static TableMetadata newTable(Warehouse warehouse, TableIdentifier identifier, UpdateTableRequest request,
      Supplier<CatalogObjects.FreeName> free) {
    for (UpdateRequirement requirement : request.requirements()) {
      if (!(requirement instanceof UpdateRequirement.AssertTableDoesNotExist)) {
        throw new NoSuchTableException("Table does not exist: %s", identifier);
      }
    }
    CatalogObjects.FreeName namespace = free.get();
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
      builder.setLocation(TableService.defaultLocation(warehouse, namespace, identifier));
    }
    TableMetadata created = builder.build();
    OrganizationLocations.require(warehouse, created);
    return created;
  }

  static void deleteQuietly(FileIO io, String location) {
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
