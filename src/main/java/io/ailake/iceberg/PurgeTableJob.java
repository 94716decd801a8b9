package io.ailake.iceberg;

import io.ailake.operations.JobHandler;
import io.ailake.storage.FileIOs;
import io.ailake.storage.ObjectStorage;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.FileIO;
import org.jboss.logging.Logger;

/**
 * Deletes a dropped table's files: only those its metadata reaches ({@link ReachedFiles}), one by one,
 * never everything under its location; then, on local disk, the directories under the table's location
 * that are empty after that. What stays under the location (a file someone else put there) is listed,
 * with why, in the job's result. Safe to run again after a crash: what is already gone is skipped.
 */
@ApplicationScoped
public class PurgeTableJob implements JobHandler {

  static final String KIND = "purge-table";
  /** The payload's keys. */
  static final String WAREHOUSE_ID = "warehouseId";
  static final String METADATA_LOCATION = "metadataLocation";
  private static final Logger LOG = Logger.getLogger(PurgeTableJob.class);

  private final FileIOs fileIOs;
  private final MetadataFiles metadataFiles;

  PurgeTableJob(FileIOs fileIOs, MetadataFiles metadataFiles) {
    this.fileIOs = fileIOs;
    this.metadataFiles = metadataFiles;
  }

  static Map<String, String> payload(UUID warehouseId, String metadataLocation) {
    return Map.of(WAREHOUSE_ID, warehouseId.toString(), METADATA_LOCATION, metadataLocation);
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Map<String, Object> run(Map<String, String> payload) {
    UUID warehouseId = UUID.fromString(payload.get(WAREHOUSE_ID));
    String metadataLocation = payload.get(METADATA_LOCATION);
    Warehouse warehouse =
        QuarkusTransaction.requiringNew().call(() -> Warehouse.<Warehouse>findById(warehouseId));
    if (warehouse == null) {
      return null; // the whole warehouse is gone, and the deprovision purged its tables
    }
    DeletionReport report = new DeletionReport();
    Purged purged = purge(warehouse, metadataLocation, null, List.of(), report);
    purged.reportLeftovers();
    if (report.retainedCount() > 0) {
      LOG.warnf("Purge of the table at %s left %d locations: %s", purged.tableLocation(), report.retainedCount(),
          report.result().get("retained"));
    }
    return report.result();
  }

  /** A purged table: its location (null when unknown), and what can report what is left there. */
  public static final class Purged {
    private final String tableLocation;
    private final ConfinedDeletes deletes;

    Purged(String tableLocation, ConfinedDeletes deletes) {
      this.tableLocation = tableLocation;
      this.deletes = deletes;
    }

    public String tableLocation() {
      return tableLocation;
    }

    Set<String> touchedDirectories() {
      return deletes.touchedDirectories();
    }

    /** Reports what is left under the table's location (see {@link ConfinedDeletes#reportLeftovers}). */
    public void reportLeftovers() {
      if (tableLocation != null) {
        deletes.reportLeftovers(tableLocation);
      }
    }
  }

  /**
   * Deletes the files the metadata at {@code metadataLocation} reaches, and on local disk the directories
   * under the table's location that are empty then. Idempotent.
   *
   * @param exceptWarehouse a warehouse being deleted whole: its own tables and views do not hold on to
   *     their locations
   * @param alsoInUse locations in use found by the caller, kept as well
   */
  public Purged purge(Warehouse warehouse, String metadataLocation, UUID exceptWarehouse,
      List<Locations.InUse> alsoInUse, DeletionReport report) {
    FileIO io = fileIOs.forStorage(warehouse.storage());
    TableMetadata metadata = null;
    try {
      metadata = metadataFiles.readTable(io, metadataLocation);
    } catch (NotFoundException e) {
      LOG.debugf("Metadata %s already deleted: an earlier attempt deleted the table's files", metadataLocation);
    }
    String tableLocation =
        metadata != null ? MetadataFiles.stripSlash(metadata.location()) : guessLocation(metadataLocation);
    List<Locations.InUse> inUse = new ArrayList<>(alsoInUse);
    if (tableLocation != null) {
      inUse.addAll(Locations.usedUnder(tableLocation, exceptWarehouse));
    }
    List<String> roots = OrganizationLocations.roots(warehouse);
    ConfinedDeletes deletes = new ConfinedDeletes(io, roots, inUse, report);
    if (metadata != null) {
      ReachedFiles reached = ReachedFiles.of(io, metadata, metadataLocation);
      if (!reached.gcEnabled()) {
        reached.contentFiles().forEach(file -> report.retained(file, DeletionReport.GC_DISABLED));
      }
      reached.deletionPhases().forEach(deletes::deleteAll);
      reached.metadataFiles().forEach(deletes::delete);
    }
    Optional<String> top = tableLocation == null ? Optional.empty() : OrganizationLocations.normalize(tableLocation);
    if (top.isPresent() && OrganizationLocations.isUnderAny(top.get(), roots)) {
      // the table's location itself goes too when empty, unless it is the root of a warehouse or a storage
      deletes.removeEmptyDirectories(deletes.touchedDirectories(), top.get(), roots.contains(top.get()));
    }
    LOG.infof("Purged the files of the table at %s", tableLocation);
    return new Purged(tableLocation, deletes);
  }

  /**
   * Deletes a whole warehouse's files: what each table's metadata reaches, each view's metadata file and
   * {@code ownFiles} (files the caller wrote under the root), then on local disk the directories that
   * are empty after that, up to the warehouse's root (the root too, unless a storage is rooted there).
   * Reports what is left under the root and under each table location outside it. Idempotent.
   *
   * @param tables the metadata locations of the warehouse's tables
   * @param views the metadata locations of the warehouse's views
   */
  public DeletionReport purgeWarehouse(
      Warehouse warehouse, List<String> tables, List<String> views, List<String> ownFiles) {
    DeletionReport report = new DeletionReport();
    List<Locations.InUse> inUse = Locations.usedUnder(warehouse.location, warehouse.id);
    List<Purged> outside = new ArrayList<>();
    Set<String> touched = new HashSet<>();
    Optional<String> root = OrganizationLocations.normalize(warehouse.location);
    for (String metadataLocation : tables) {
      Purged purged = purge(warehouse, metadataLocation, warehouse.id, inUse, report);
      touched.addAll(purged.touchedDirectories());
      if (root.isEmpty() || purged.tableLocation() == null
          || !OrganizationLocations.isUnderAny(purged.tableLocation(), List.of(root.get()))) {
        outside.add(purged);
      }
    }
    // a view's metadata is one file per version, and only the current one is known: older ones are reported
    ConfinedDeletes deletes =
        new ConfinedDeletes(fileIOs.forStorage(warehouse.storage()), OrganizationLocations.roots(warehouse), inUse,
            report);
    deletes.deleteAll(views);
    deletes.deleteAll(ownFiles);
    touched.addAll(deletes.touchedDirectories());
    if (root.isPresent()) {
      boolean keepRoot = QuarkusTransaction.joiningExisting()
          .call(() -> ObjectStorage.listByName(warehouse.organizationId))
          .stream()
          .anyMatch(storage -> OrganizationLocations.normalize(storage.root).equals(root));
      deletes.removeEmptyDirectories(touched, root.get(), keepRoot);
      deletes.reportLeftovers(root.get());
    }
    outside.forEach(Purged::reportLeftovers);
    return report;
  }

  /** The table's location when its metadata file is gone: the default layout puts it under {@code metadata/}. */
  private static String guessLocation(String metadataLocation) {
    int metadataDir = metadataLocation.lastIndexOf("/metadata/");
    return metadataDir > 0 ? metadataLocation.substring(0, metadataDir) : null;
  }
}
