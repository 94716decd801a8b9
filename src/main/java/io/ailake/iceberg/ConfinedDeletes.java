package io.ailake.iceberg;

import java.util.List;
import java.util.Map;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.jboss.logging.Logger;

/**
 * A purge's FileIO: it deletes only under the organization's roots. A purge follows every file a
 * table's metadata reaches, and a registered table's manifests were written by someone else: a data
 * file they name in another organization's storage stays where it is, with a warning.
 */
final class ConfinedDeletes implements FileIO {

  private static final Logger LOG = Logger.getLogger(ConfinedDeletes.class);

  private final FileIO io;
  private final List<String> roots;

  ConfinedDeletes(FileIO io, List<String> roots) {
    this.io = io;
    this.roots = roots;
  }

  @Override
  public void deleteFile(String location) {
    if (OrganizationLocations.isUnderAny(location, roots)) {
      io.deleteFile(location);
    } else {
      LOG.warnf("Purge skipped %s: it is outside the storages of the table's organization", location);
    }
  }

  @Override
  public InputFile newInputFile(String location) {
    return io.newInputFile(location);
  }

  @Override
  public InputFile newInputFile(String location, long length) {
    return io.newInputFile(location, length);
  }

  @Override
  public OutputFile newOutputFile(String location) {
    throw new UnsupportedOperationException("A purge writes nothing: " + location);
  }

  @Override
  public Map<String, String> properties() {
    return io.properties();
  }

  /** The underlying FileIO is shared and closed by its owner. */
  @Override
  public void close() {}
}
