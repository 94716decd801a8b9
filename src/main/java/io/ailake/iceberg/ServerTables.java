package io.ailake.iceberg;

import io.ailake.storage.FileIOs;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.LocationProviders;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.UpdateRequirements;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.CleanableFailure;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.LocationProvider;
import org.apache.iceberg.rest.requests.UpdateTableRequest;

/**
 * Iceberg's own Table API over this catalog, for the work the service does itself (pipe loads,
 * statistics). Commits go through {@link TableCommits} exactly as a REST client's would: the same
 * requirements, the same compare-and-swap, the same server-side retry.
 */
@ApplicationScoped
public class ServerTables {

  private final FileIOs fileIOs;
  private final MetadataFiles metadataFiles;
  private final TableCommits commits;
  private final CatalogObjects objects;

  ServerTables(FileIOs fileIOs, MetadataFiles metadataFiles, TableCommits commits, CatalogObjects objects) {
    this.objects = objects;
    this.fileIOs = fileIOs;
    this.metadataFiles = metadataFiles;
    this.commits = commits;
  }

  public Table load(Warehouse warehouse, TableIdentifier identifier) {
    return load(warehouse, identifier, () -> {});
  }

  /**
   * A table whose commits also run {@code alsoInTransaction} in the PostgreSQL transaction that swaps
   * its pointer: a record of what a commit loaded lands exactly when the commit does. A route whose
   * change is such a commit passes {@code CallRecords.keepingAnswer(status, body)}: its idempotency key's
   * answer then lands with the commit, and a retry with the key never commits again.
   */
  public Table load(Warehouse warehouse, TableIdentifier identifier, Runnable alsoInTransaction) {
    Operations ops = new Operations(warehouse, identifier, alsoInTransaction);
    ops.refresh();
    return new BaseTable(ops, warehouse.name + "." + identifier);
  }

  /**
   * The FileIO of the service's own files of a warehouse that no table reaches yet (a sync's staged
   * upload), confined as a table's is to the roots of the warehouse's organization.
   */
  public FileIO io(Warehouse warehouse) {
    return new ConfinedFileIO(fileIOs.forStorage(warehouse.storage()), warehouse);
  }

  /**
   * The work a commit also does in its transaction failed (a pipe's record of a file another loader
   * recorded first): the transaction rolled back, so the commit did not happen, and Iceberg deletes the
   * manifests and manifest list it wrote for it, as it does after a lost race. Else they would stay in
   * the table's location, reached by no metadata, where no purge deletes them.
   */
  static final class RolledBack extends RuntimeException implements CleanableFailure {
    RolledBack(RuntimeException cause) {
      super(cause.getMessage(), cause);
    }
  }

  private final class Operations implements TableOperations {
    private final Warehouse warehouse;
    private final TableIdentifier identifier;
    private final Runnable alsoInTransaction;
    /** The warehouse's FileIO, for the table's own metadata files (checked when they were committed). */
    private final FileIO warehouseIO;
    /** What the table's metadata names (manifest lists, manifests, data files) goes through this one. */
    private final FileIO io;
    private TableMetadata current;

    Operations(Warehouse warehouse, TableIdentifier identifier, Runnable alsoInTransaction) {
      this.warehouse = warehouse;
      this.identifier = identifier;
      this.alsoInTransaction = () -> {
        try {
          alsoInTransaction.run();
        } catch (RuntimeException e) {
          throw new RolledBack(e);
        }
      };
      this.warehouseIO = fileIOs.forStorage(warehouse.storage());
      this.io = new ConfinedFileIO(warehouseIO, warehouse);
    }

    @Override
    public TableMetadata current() {
      return current;
    }

    @Override
    public TableMetadata refresh() {
      current = metadataFiles.readTable(warehouseIO, objects.requireTable(warehouse, identifier).metadataLocation());
      return current;
    }

    @Override
    public void commit(TableMetadata base, TableMetadata metadata) {
      UpdateTableRequest request =
          new UpdateTableRequest(
              UpdateRequirements.forUpdateTable(base, metadata.changes()), metadata.changes());
      current = commits.commit(warehouse, identifier, request, AlongWithCommit.ownTurn(alsoInTransaction));
    }

    @Override
    public FileIO io() {
      return io;
    }

    @Override
    public String metadataFileLocation(String fileName) {
      String dir = current.properties().get(TableProperties.WRITE_METADATA_LOCATION);
      return (dir != null ? MetadataFiles.stripSlash(dir) : current.location() + "/metadata") + "/" + fileName;
    }

    @Override
    public LocationProvider locationProvider() {
      return LocationProviders.locationsFor(current.location(), current.properties());
    }
  }
}
