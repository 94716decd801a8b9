package io.ailake.iceberg;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.PartitionStatisticsFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StatisticsFile;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.util.PropertyUtil;
import org.apache.iceberg.util.Tasks;
import org.apache.iceberg.util.ThreadPools;
import org.jboss.logging.Logger;

/**
 * Every file a table's metadata reaches, in the order a purge deletes them: data and delete files, then
 * manifests, manifest lists, statistics and partition statistics files, the metadata files of the
 * metadata log, and the current metadata file last. Deleting in this order keeps a purge that died
 * midway able to start again: as long as the current metadata file is there, everything not deleted yet
 * is still reachable. What an earlier attempt deleted already is skipped while reading.
 *
 * @param contentFiles data and delete files, of every manifest entry (added, existing or deleted)
 * @param metadataFiles every metadata file the log reaches, oldest first, the current one last
 * @param gcEnabled the table's {@code gc.enabled}: when false its data files may be shared with other
 *     tables (a snapshot or migrate procedure made it), and they are not deleted, as Iceberg does
 */
record ReachedFiles(
    Set<String> contentFiles,
    boolean gcEnabled,
    Set<String> manifests,
    Set<String> manifestLists,
    Set<String> statistics,
    Set<String> metadataFiles) {

  private static final Logger LOG = Logger.getLogger(ReachedFiles.class);

  static ReachedFiles of(FileIO io, TableMetadata metadata, String metadataLocation) {
    Set<String> manifestLists = new LinkedHashSet<>();
    Set<ManifestFile> manifests = new LinkedHashSet<>();
    for (Snapshot snapshot : metadata.snapshots()) {
      if (snapshot.manifestListLocation() != null) {
        manifestLists.add(snapshot.manifestListLocation());
      }
      try {
        manifests.addAll(snapshot.allManifests(io));
      } catch (RuntimeException e) {
        // manifest lists go after the manifests and files they list: when it is gone, so are they
        requireGone(io, snapshot.manifestListLocation(), e);
      }
    }
    Set<String> contentFiles = ConcurrentHashMap.newKeySet();
    Tasks.foreach(manifests)
        .executeWith(ThreadPools.getWorkerPool())
        .noRetry()
        .run(manifest -> contentFiles.addAll(entries(io, manifest)));
    Set<String> statistics = new LinkedHashSet<>();
    metadata.statisticsFiles().stream().map(StatisticsFile::path).forEach(statistics::add);
    metadata.partitionStatisticsFiles().stream().map(PartitionStatisticsFile::path).forEach(statistics::add);
    Set<String> metadataFiles = new LinkedHashSet<>(olderMetadataFiles(io, metadata));
    metadataFiles.remove(metadataLocation);
    metadataFiles.add(metadataLocation);
    return new ReachedFiles(
        contentFiles,
        PropertyUtil.propertyAsBoolean(
            metadata.properties(), TableProperties.GC_ENABLED, TableProperties.GC_ENABLED_DEFAULT),
        manifests.stream().map(ManifestFile::path).collect(LinkedHashSet::new, Set::add, Set::addAll),
        manifestLists,
        statistics,
        metadataFiles);
  }

  /**
   * The metadata files before the current one, oldest first: the metadata log, and the logs of the
   * files it names, back to the table's first. A log holds the last {@code
   * write.metadata.previous-versions-max} files (100 by default); each older file holds the log before
   * it, so a table with more commits than that is followed back through its oldest logged file. Deleted
   * oldest first, what a purge that died midway left is still reached the same way.
   */
  private static List<String> olderMetadataFiles(FileIO io, TableMetadata metadata) {
    List<String> files = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    metadata.previousFiles().forEach(entry -> {
      if (seen.add(entry.file())) {
        files.add(entry.file());
      }
    });
    while (!files.isEmpty()) {
      String oldest = files.get(0);
      List<String> earlier = new ArrayList<>();
      try {
        TableMetadataParser.read(io, oldest).previousFiles().forEach(entry -> {
          if (seen.add(entry.file())) {
            earlier.add(entry.file());
          }
        });
      } catch (RuntimeException e) {
        if (!(e instanceof NotFoundException) && io.newInputFile(oldest).exists()) {
          LOG.warnf("Cannot read the metadata file %s for the files before it: %s", oldest, e.getMessage());
        }
      }
      if (earlier.isEmpty()) {
        break;
      }
      files.addAll(0, earlier);
    }
    return files;
  }

  /**
   * The files to delete, phase by phase; a phase starts when the one before it is done. The files of a
   * phase may go in any order; the metadata files go after them, one after the other, oldest first.
   */
  List<Set<String>> deletionPhases() {
    List<Set<String>> phases = new ArrayList<>();
    if (gcEnabled) {
      phases.add(contentFiles);
    }
    phases.add(manifests);
    phases.add(manifestLists);
    phases.add(statistics);
    return phases;
  }

  /**
   * The file path of every entry of a manifest, whatever its status: a file a later snapshot removed is
   * still the table's until it is deleted (Iceberg's own purge deletes it too). A data manifest and a
   * delete manifest have the same shape: entries with a {@code data_file} and its {@code file_path}.
   */
  private static List<String> entries(FileIO io, ManifestFile manifest) {
    List<String> paths = new ArrayList<>();
    try (InputStream in = io.newInputFile(manifest.path()).newStream();
        DataFileStream<GenericRecord> entries = new DataFileStream<>(in, new GenericDatumReader<>())) {
      for (GenericRecord entry : entries) {
        Object file = entry.get("data_file");
        if (file instanceof GenericRecord record && record.get("file_path") != null) {
          paths.add(Objects.toString(record.get("file_path")));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Failed to read manifest " + manifest.path(), e);
    } catch (RuntimeException e) {
      // manifests go after the files they list: when it is gone, so are they
      requireGone(io, manifest.path(), e);
    }
    return paths;
  }

  /**
   * Rethrows {@code failure} unless the file at {@code location} is gone (a FileIO may report a missing
   * file as its own exception: S3's HEAD answers NoSuchKey, local disk NotFoundException).
   */
  private static void requireGone(FileIO io, String location, RuntimeException failure) {
    if (failure instanceof NotFoundException) {
      return;
    }
    if (location == null || io.newInputFile(location).exists()) {
      throw failure;
    }
  }
}
