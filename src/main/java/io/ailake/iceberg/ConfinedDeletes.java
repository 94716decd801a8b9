package io.ailake.iceberg;

import io.ailake.storage.LocalFileIO;
import io.ailake.storage.Storage;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.apache.iceberg.util.Tasks;
import org.apache.iceberg.util.ThreadPools;
import org.jboss.logging.Logger;

/**
 * The deletes of a purge or a deprovision: one file at a time, each named by a table's metadata, never
 * a prefix. A file stays, with its reason in the {@link DeletionReport}, when it lies outside the
 * organization's roots (a registered table's manifests were written by someone else and may name
 * another organization's files) or under a location a live database or table still uses.
 */
final class ConfinedDeletes {

  private static final Logger LOG = Logger.getLogger(ConfinedDeletes.class);

  private final FileIO io;
  private final List<String> roots;
  private final List<Locations.InUse> inUse;
  private final DeletionReport report;
  /** Directories on local disk that held a deleted file: candidates for removal once empty. */
  private final Set<String> touchedDirectories = ConcurrentHashMap.newKeySet();

  ConfinedDeletes(FileIO io, List<String> roots, List<Locations.InUse> inUse, DeletionReport report) {
    this.io = io;
    this.roots = roots;
    this.inUse = inUse;
    this.report = report;
  }

  /** Deletes the files, in parallel; returns when each is deleted or reported retained. */
  void deleteAll(Collection<String> locations) {
    Tasks.foreach(locations)
        .executeWith(ThreadPools.getWorkerPool())
        .noRetry()
        .run(this::delete);
  }

  void delete(String location) {
    if (!OrganizationLocations.isUnderAny(location, roots)) {
      LOG.warnf("Purge skipped %s: it is outside the storages of the table's organization", location);
      report.retained(location, DeletionReport.OUTSIDE_STORAGES);
      return;
    }
    Optional<Locations.InUse> user = user(location);
    if (user.isPresent()) {
      report.retained(user.get().location(), user.get().reason());
      return;
    }
    try {
      io.deleteFile(location);
    } catch (NotFoundException alreadyGone) {
      // an earlier attempt deleted it
    } catch (RuntimeException e) {
      LOG.warnf("Purge could not delete %s: %s", location, e.getMessage());
      report.retained(location, "the delete failed: " + e.getMessage());
      return;
    }
    report.deleted();
    if (Storage.typeOf(location) == Storage.Type.LOCAL && location.lastIndexOf('/') > 0) {
      touchedDirectories.add(location.substring(0, location.lastIndexOf('/')));
    }
  }

  /** The directories on local disk that held a file deleted here. */
  Set<String> touchedDirectories() {
    return Set.copyOf(touchedDirectories);
  }

  /**
   * Removes the directories on local disk that held a deleted file and are empty now, and their parents
   * while empty, up to {@code top} (normalized); {@code top} itself too unless {@code keepTop}.
   */
  void removeEmptyDirectories(Set<String> directories, String top, boolean keepTop) {
    for (String directory : directories) {
      if (OrganizationLocations.isUnderAny(directory, List.of(top))) {
        LocalFileIO.removeEmptyDirectories(directory, top, keepTop);
      }
    }
  }

  /**
   * Reports every file left under {@code prefix}: under a location in use, that location once; any
   * other file that no deleted table's metadata reached (a foreign file, or one the catalog wrote for
   * a commit that never happened). Lists nothing outside the organization's roots.
   */
  void reportLeftovers(String prefix) {
    if (!(io instanceof SupportsPrefixOperations prefixes) || !OrganizationLocations.isUnderAny(prefix, roots)) {
      return;
    }
    for (FileInfo file : prefixes.listPrefix(prefix + "/")) {
      Optional<Locations.InUse> user = user(file.location());
      if (user.isPresent()) {
        report.retained(user.get().location(), user.get().reason());
      } else if (!report.isAccounted(file.location())) {
        report.retained(file.location(), DeletionReport.NOT_REACHED);
      }
    }
  }

  private Optional<Locations.InUse> user(String location) {
    return inUse.stream().filter(use -> use.covers(location)).findFirst();
  }
}
