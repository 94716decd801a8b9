package io.ailake.iceberg;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ailake.storage.FileIOs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.MetadataUpdate;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.SnapshotRefType;
import org.apache.iceberg.SnapshotParser;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.UpdateRequirement;
import org.apache.iceberg.encryption.EncryptionManager;
import org.apache.iceberg.encryption.PlaintextEncryptionManager;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.inmemory.InMemoryInputFile;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.apache.iceberg.util.JsonUtil;
import org.apache.iceberg.util.PropertyUtil;
import org.jboss.logging.Logger;

/**
 * Server-side rebase of appends. An append that lost the race for its branch's head only because
 * other commits moved the head is re-applied on the new head, exactly as Iceberg's client would on a
 * retry: a new manifest list of the new head's manifests plus the append's own (unchanged) manifests,
 * the snapshot keeping its id, with a new sequence number and the summary's totals recomputed. The
 * client's own manifest list is then unreferenced and its client deletes it, as after any retry.
 *
 * <p>Anything else stays a conflict: deletes, overwrites, replaced or merged manifests, a schema that
 * changed, other updates in the same request, format version 3 (row lineage), or the table property
 * {@value #PROPERTY} set to false.
 */
final class AppendRebase {

  static final String PROPERTY = "ailake.rebase-appends.enabled";

  /** Iceberg's package-private factory of manifest-list writers (also registered for native images). */
  static final String MANIFEST_LISTS = "org.apache.iceberg.ManifestLists";

  /** Totals of a snapshot summary and the counts of one commit that move them: total, added, removed. */
  private static final String[][] TOTALS = {
    {SnapshotSummary.TOTAL_DATA_FILES_PROP, SnapshotSummary.ADDED_FILES_PROP, SnapshotSummary.DELETED_FILES_PROP},
    {SnapshotSummary.TOTAL_DELETE_FILES_PROP, SnapshotSummary.ADDED_DELETE_FILES_PROP, SnapshotSummary.REMOVED_DELETE_FILES_PROP},
    {SnapshotSummary.TOTAL_RECORDS_PROP, SnapshotSummary.ADDED_RECORDS_PROP, SnapshotSummary.DELETED_RECORDS_PROP},
    {SnapshotSummary.TOTAL_FILE_SIZE_PROP, SnapshotSummary.ADDED_FILE_SIZE_PROP, SnapshotSummary.REMOVED_FILE_SIZE_PROP},
    {SnapshotSummary.TOTAL_POS_DELETES_PROP, SnapshotSummary.ADDED_POS_DELETES_PROP, SnapshotSummary.REMOVED_POS_DELETES_PROP},
    {SnapshotSummary.TOTAL_EQ_DELETES_PROP, SnapshotSummary.ADDED_EQ_DELETES_PROP, SnapshotSummary.REMOVED_EQ_DELETES_PROP},
  };

  /** The updates to commit instead of the request's, and the manifest list written for them. */
  record Rebased(List<MetadataUpdate> updates, String manifestList) {}

  private static final Logger LOG = Logger.getLogger(AppendRebase.class);

  private AppendRebase() {}

  /**
   * The request re-applied on {@code current}, when it is an append whose only failed requirement is
   * {@code lost}, the head of the branch it appends to; empty when it must stay a conflict.
   */
  static Optional<Rebased> rebase(
      FileIO io, TableMetadata current, UpdateTableRequest request, UpdateRequirement.AssertRefSnapshotID lost) {
    if (!PropertyUtil.propertyAsBoolean(current.properties(), PROPERTY, true)
        || current.formatVersion() > 2
        || request.updates().size() != 2
        || !(request.updates().get(0) instanceof MetadataUpdate.AddSnapshot add)
        || !(request.updates().get(1) instanceof MetadataUpdate.SetSnapshotRef ref)) {
      return Optional.empty();
    }
    Snapshot append = add.snapshot();
    SnapshotRef head = current.ref(lost.refName());
    boolean appendsToLostBranch =
        ref.name().equals(lost.refName())
            && SnapshotRefType.BRANCH.name().equalsIgnoreCase(ref.type())
            && ref.snapshotId() == append.snapshotId()
            && Objects.equals(append.parentId(), lost.snapshotId());
    if (!appendsToLostBranch
        || !DataOperations.APPEND.equals(append.operation())
        || append.keyId() != null
        || current.snapshot(append.snapshotId()) != null
        || !Objects.equals(append.schemaId(), current.currentSchemaId())
        || (head != null && !head.isBranch())
        || (head == null && lost.snapshotId() != null)) {
      return Optional.empty();
    }
    io = new OneRequestPerFile(io);
    Optional<List<ManifestFile>> added;
    Snapshot newParent = head == null ? null : current.snapshot(head.snapshotId());
    List<ManifestFile> inherited;
    try {
      added = addedManifests(io, current, append);
      inherited = newParent == null ? List.of() : newParent.allManifests(io);
    } catch (RuntimeException e) {
      // a manifest list the service cannot read (another store, gone): the client's retry decides
      LOG.debugf("Not rebasing snapshot %d: %s", append.snapshotId(), e.getMessage());
      return Optional.empty();
    }
    if (added.isEmpty()) {
      return Optional.empty();
    }
    String manifestList = rebasedLocation(append);
    long sequenceNumber = current.nextSequenceNumber();
    Long parentId = newParent == null ? null : newParent.snapshotId();
    writeManifestList(io, manifestList, current.formatVersion(), append.snapshotId(), parentId, sequenceNumber,
        inherited, added.get());
    Snapshot rebased =
        rebasedSnapshot(
            append,
            parentId,
            sequenceNumber,
            Math.max(System.currentTimeMillis(), current.lastUpdatedMillis()),
            manifestList,
            summary(append.summary(), newParent == null ? null : newParent.summary()));
    return Optional.of(new Rebased(List.of(new MetadataUpdate.AddSnapshot(rebased), ref), manifestList));
  }

  /**
   * Reads an append's manifest list ahead, while its writer waits for its turn on a busy table: a
   * rebase will need it, and reading it then would hold up every writer queued behind.
   */
  static void readAhead(FileIO io, UpdateTableRequest request) {
    if (request.updates().size() == 2
        && request.updates().get(0) instanceof MetadataUpdate.AddSnapshot add
        && DataOperations.APPEND.equals(add.snapshot().operation())) {
      try {
        add.snapshot().allManifests(new OneRequestPerFile(io));
      } catch (RuntimeException e) {
        LOG.debugf("Could not read ahead the manifests of snapshot %d: %s", add.snapshot().snapshotId(),
            e.getMessage());
      }
    }
  }

  /**
   * The append's own manifests, when its manifest list is its parent's manifests unchanged plus
   * manifests that only add files of this snapshot (sequence numbers inherited from it).
   */
  private static Optional<List<ManifestFile>> addedManifests(FileIO io, TableMetadata current, Snapshot append) {
    Set<String> parentManifests = new HashSet<>();
    if (append.parentId() != null) {
      Snapshot parent = current.snapshot(append.parentId());
      if (parent == null) {
        return Optional.empty(); // expired meanwhile: nothing to compare the append with
      }
      parent.allManifests(io).forEach(m -> parentManifests.add(m.path()));
    }
    List<ManifestFile> added = new ArrayList<>();
    int kept = 0;
    for (ManifestFile manifest : append.allManifests(io)) {
      if (parentManifests.contains(manifest.path())) {
        kept++;
      } else if (addsOnly(manifest, append)) {
        added.add(manifest);
      } else {
        return Optional.empty();
      }
    }
    return kept == parentManifests.size() && !added.isEmpty() ? Optional.of(added) : Optional.empty();
  }

  private static boolean addsOnly(ManifestFile manifest, Snapshot append) {
    return manifest.content() == ManifestContent.DATA
        && Long.valueOf(append.snapshotId()).equals(manifest.snapshotId())
        && Integer.valueOf(0).equals(manifest.existingFilesCount())
        && Integer.valueOf(0).equals(manifest.deletedFilesCount())
        && (append.sequenceNumber() == 0
            || manifest.sequenceNumber() == append.sequenceNumber()
                && manifest.minSequenceNumber() == append.sequenceNumber());
  }

  /** The append's summary with its totals moved onto the new parent's, as Iceberg computes them. */
  static Map<String, String> summary(Map<String, String> appendSummary, Map<String, String> parentSummary) {
    Map<String, String> summary = new HashMap<>(appendSummary);
    for (String[] total : TOTALS) {
      summary.remove(total[0]);
      String parentTotal = parentSummary == null ? "0" : parentSummary.get(total[0]);
      if (parentTotal == null) {
        continue; // unknown before, unknown after
      }
      try {
        long value = Long.parseLong(parentTotal)
            + Long.parseLong(appendSummary.getOrDefault(total[1], "0"))
            - Long.parseLong(appendSummary.getOrDefault(total[2], "0"));
        if (value >= 0) {
          summary.put(total[0], Long.toString(value));
        }
      } catch (NumberFormatException e) {
        // a total that is not a number stays unknown
      }
    }
    return summary;
  }

  /** The append's snapshot moved onto the new parent: Iceberg's own JSON form, with the fields that change. */
  private static Snapshot rebasedSnapshot(
      Snapshot append, Long parentId, long sequenceNumber, long timestampMillis, String manifestList,
      Map<String, String> summary) {
    ObjectNode json = (ObjectNode) JsonUtil.parse(SnapshotParser.toJson(append), JsonNode.class::cast);
    if (parentId == null) {
      json.remove("parent-snapshot-id");
    } else {
      json.put("parent-snapshot-id", parentId);
    }
    json.put("sequence-number", sequenceNumber);
    json.put("timestamp-ms", timestampMillis);
    json.put("manifest-list", manifestList);
    ObjectNode summaryJson = json.putObject("summary");
    summaryJson.put("operation", append.operation());
    summary.forEach((key, value) -> {
      if (!"operation".equals(key)) {
        summaryJson.put(key, value);
      }
    });
    return SnapshotParser.fromJson(json.toString());
  }

  /**
   * Writes a manifest list of {@code inherited} (the new parent's manifests, as they are) then
   * {@code added}, whose files take the new sequence number. Iceberg's manifest-list writer, the one
   * its client uses, is package-private, so it is reached reflectively rather than re-implemented.
   */
  private static void writeManifestList(
      FileIO io, String location, int formatVersion, long snapshotId, Long parentId, long sequenceNumber,
      List<ManifestFile> inherited, List<ManifestFile> added) {
    FileAppender<ManifestFile> writer;
    try {
      @SuppressWarnings("unchecked")
      FileAppender<ManifestFile> opened = (FileAppender<ManifestFile>) MANIFEST_LISTS_WRITE.invoke(
          null, formatVersion, io.newOutputFile(location), PlaintextEncryptionManager.instance(),
          snapshotId, parentId, sequenceNumber, null);
      writer = opened;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Cannot open Iceberg's manifest list writer", e);
    }
    try (FileAppender<ManifestFile> open = writer) {
      open.addAll(inherited);
      for (ManifestFile manifest : added) {
        open.add(new NewSequenceNumber(manifest));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Failed to write manifest list " + location, e);
    }
  }

  private static final Method MANIFEST_LISTS_WRITE = manifestListsWrite();

  private static Method manifestListsWrite() {
    try {
      Method write = Class.forName(MANIFEST_LISTS, true, ManifestFile.class.getClassLoader())
          .getDeclaredMethod("write", int.class, OutputFile.class, EncryptionManager.class, long.class,
              Long.class, long.class, Long.class);
      write.setAccessible(true);
      return write;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("This Iceberg version has no manifest list writer we know", e);
    }
  }

  /**
   * The manifest lists this replica rebased lately, by location. The next racing append is rebased
   * onto the last one, so it reads its new parent's list from here instead of from storage. Files are
   * immutable and their names unique, so an entry is never stale.
   */
  private static final Cache<String, byte[]> WRITTEN_LISTS =
      Caffeine.newBuilder().maximumWeight(8L << 20).weigher((String location, byte[] bytes) -> bytes.length).build();

  /**
   * The rebase's view of storage: a manifest list (small) is read with one request instead of a HEAD
   * for its length and then a GET, or not at all when this replica wrote it; one is written with one
   * PUT instead of a HEAD proving that its new name is free first (the name holds a random UUID).
   */
  private record OneRequestPerFile(FileIO io) implements FileIO {
    @Override
    public InputFile newInputFile(String path) {
      byte[] written = WRITTEN_LISTS.getIfPresent(path);
      if (written != null) {
        return new InMemoryInputFile(path, written);
      }
      return new InMemoryInputFile(path, FileIOs.readWhole(io, path));
    }

    @Override
    public OutputFile newOutputFile(String path) {
      // this wrapper hides the service's FileIO from FileIOs.smallOutputFile, so it asks for the PUT here
      OutputFile file = FileIOs.smallOutputFile(io, path);
      return new OutputFile() {
        @Override
        public PositionOutputStream create() {
          return createOrOverwrite();
        }

        @Override
        public PositionOutputStream createOrOverwrite() {
          return remembered(path, file.createOrOverwrite());
        }

        @Override
        public String location() {
          return file.location();
        }

        @Override
        public InputFile toInputFile() {
          return file.toInputFile();
        }
      };
    }

    @Override
    public void deleteFile(String path) {
      io.deleteFile(path);
    }

    /** Keeps a copy of what is written, once it is stored. */
    private static PositionOutputStream remembered(String location, PositionOutputStream out) {
      ByteArrayOutputStream copy = new ByteArrayOutputStream();
      return new PositionOutputStream() {
        @Override
        public long getPos() throws IOException {
          return out.getPos();
        }

        @Override
        public void write(int b) throws IOException {
          out.write(b);
          copy.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
          out.write(bytes, offset, length);
          copy.write(bytes, offset, length);
        }

        @Override
        public void flush() throws IOException {
          out.flush();
        }

        @Override
        public void close() throws IOException {
          out.close();
          WRITTEN_LISTS.put(location, copy.toByteArray());
        }
      };
    }
  }

  /**
   * A manifest whose files inherit the sequence number of the snapshot that commits it: the writer
   * assigns a manifest's numbers only when they are unassigned ({@code -1}), as before a first commit.
   */
  private record NewSequenceNumber(ManifestFile manifest) implements ManifestFile {
    private static final long UNASSIGNED = -1L;

    @Override
    public long sequenceNumber() {
      return UNASSIGNED;
    }

    @Override
    public long minSequenceNumber() {
      return UNASSIGNED;
    }

    @Override
    public String path() {
      return manifest.path();
    }

    @Override
    public long length() {
      return manifest.length();
    }

    @Override
    public int partitionSpecId() {
      return manifest.partitionSpecId();
    }

    @Override
    public ManifestContent content() {
      return manifest.content();
    }

    @Override
    public Long snapshotId() {
      return manifest.snapshotId();
    }

    @Override
    public Integer addedFilesCount() {
      return manifest.addedFilesCount();
    }

    @Override
    public Long addedRowsCount() {
      return manifest.addedRowsCount();
    }

    @Override
    public Integer existingFilesCount() {
      return manifest.existingFilesCount();
    }

    @Override
    public Long existingRowsCount() {
      return manifest.existingRowsCount();
    }

    @Override
    public Integer deletedFilesCount() {
      return manifest.deletedFilesCount();
    }

    @Override
    public Long deletedRowsCount() {
      return manifest.deletedRowsCount();
    }

    @Override
    public List<PartitionFieldSummary> partitions() {
      return manifest.partitions();
    }

    @Override
    public ByteBuffer keyMetadata() {
      return manifest.keyMetadata();
    }

    @Override
    public Long firstRowId() {
      return manifest.firstRowId();
    }

    @Override
    public int formatVersion() {
      return manifest.formatVersion();
    }

    @Override
    public ManifestFile copy() {
      return new NewSequenceNumber(manifest.copy());
    }
  }

  /** Beside the client's manifest list, under a name of its own for each attempt. */
  private static String rebasedLocation(Snapshot append) {
    String clientList = append.manifestListLocation();
    String dir = clientList.substring(0, clientList.lastIndexOf('/') + 1);
    return dir + "snap-" + append.snapshotId() + "-rebased-" + UUID.randomUUID() + ".avro";
  }
}
