package io.ailake.iceberg;

import io.ailake.operations.JobHandler;
import io.ailake.storage.FileIOs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.jboss.logging.Logger;

/**
 * Deletes a dropped table's files: every data, delete, manifest, statistics and metadata file its
 * metadata reaches, then whatever is left under a table location the service assigned. Safe to run
 * again after a crash: what is already gone is skipped.
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
      return null; // the whole warehouse is gone, and its files with it
    }
    purge(warehouse, metadataLocation, false);
    return null;
  }

  /**
   * Deletes the files of the table whose last metadata is {@code metadataLocation}. Idempotent.
   *
   * @param warehouseGoing the whole warehouse is being deleted, so its own tables do not hold on to
   *     locations
   */
  public void purge(Warehouse warehouse, String metadataLocation, boolean warehouseGoing) {
    FileIO io = fileIOs.forStorage(warehouse.storage());
    String tableLocation = null;
    try {
      TableMetadata metadata = metadataFiles.readTable(io, metadataLocation);
      tableLocation = metadata.location();
      CatalogUtil.dropTableData(new ConfinedDeletes(io, OrganizationLocations.roots(warehouse)), metadata);
    } catch (NotFoundException e) {
      LOG.debugf("Metadata %s already deleted; cleaning up the table location", metadataLocation);
    }
    if (tableLocation == null) {
      int metadataDir = metadataLocation.lastIndexOf("/metadata/");
      tableLocation = metadataDir > 0 ? metadataLocation.substring(0, metadataDir) : null;
    }
    if (tableLocation != null && io instanceof SupportsPrefixOperations prefixes
        && ownedByNobodyElse(warehouse, tableLocation, warehouseGoing)) {
      prefixes.deletePrefix(tableLocation + "/");
    }
    LOG.infof("Purged table files under %s", tableLocation);
  }

  /**
   * Only a location inside the warehouse that no other live table or view, of any warehouse, points
   * into may be wiped: warehouses may nest (a database provisioned in the default warehouse's storage).
   */
  private static boolean ownedByNobodyElse(Warehouse warehouse, String tableLocation, boolean warehouseGoing) {
    return tableLocation.startsWith(warehouse.location + "/")
        && !Locations.inUseUnder(tableLocation, warehouseGoing ? warehouse.id : null);
  }

}
