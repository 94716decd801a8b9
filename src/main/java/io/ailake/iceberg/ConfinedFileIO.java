package io.ailake.iceberg;

import java.util.List;
import java.util.Map;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.jboss.logging.Logger;

/**
 * The FileIO of the work the service does itself on a table (pipe loads, statistics): it reads and
 * writes only under the roots of the table's organization, and deletes nothing outside them. A
 * table's manifests are a client's writing and may name any file, another organization's included;
 * such a read is refused before a byte is read.
 */
final class ConfinedFileIO implements FileIO {

  private static final Logger LOG = Logger.getLogger(ConfinedFileIO.class);

  private final FileIO io;
  private final Warehouse warehouse;
  private final List<String> warehouseRoot;
  /** The organization's roots, looked up once, at the first location outside the warehouse's root. */
  private volatile List<String> roots;

  ConfinedFileIO(FileIO io, Warehouse warehouse) {
    this.io = io;
    this.warehouse = warehouse;
    this.warehouseRoot = OrganizationLocations.normalize(warehouse.location).map(List::of).orElse(List.of());
  }

  private boolean allowed(String location) {
    if (OrganizationLocations.isUnderAny(location, warehouseRoot)) {
      return true;
    }
    if (roots == null) {
      roots = OrganizationLocations.roots(warehouse);
    }
    return OrganizationLocations.isUnderAny(location, roots);
  }

  private String require(String location) {
    if (!allowed(location)) {
      throw new OrganizationLocations.LocationOutsideStoragesException(location, warehouse);
    }
    return location;
  }

  @Override
  public InputFile newInputFile(String location) {
    return io.newInputFile(require(location));
  }

  @Override
  public InputFile newInputFile(String location, long length) {
    return io.newInputFile(require(location), length);
  }

  @Override
  public OutputFile newOutputFile(String location) {
    return io.newOutputFile(require(location));
  }

  @Override
  public void deleteFile(String location) {
    if (allowed(location)) {
      io.deleteFile(location);
    } else {
      LOG.warnf("Skipped deleting %s: it is outside the storages of the table's organization", location);
    }
  }

  @Override
  public Map<String, String> properties() {
    return io.properties();
  }

  /** The underlying FileIO is shared and closed by its owner. */
  @Override
  public void close() {}
}
