package io.ailake.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.ContentFileParser;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.io.FileIO;
import org.jboss.logging.Logger;

/**
 * The files a sync wrote: the data files each uploaded file became (stored as Iceberg's own JSON of a
 * data file, read back for the end's commit), and where each upload streamed to. Deleting them deletes
 * only what the sync wrote.
 */
final class SyncFiles {

  private static final Logger LOG = Logger.getLogger(SyncFiles.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private SyncFiles() {}

  static String json(List<DataFile> files, Map<Integer, PartitionSpec> specs) {
    List<String> each = new ArrayList<>();
    for (DataFile file : files) {
      each.add(ContentFileParser.toJson(file, specs.get(file.specId())));
    }
    return "[" + String.join(",", each) + "]";
  }

  static List<DataFile> dataFiles(String json, Map<Integer, PartitionSpec> specs) {
    List<DataFile> files = new ArrayList<>();
    for (JsonNode node : tree(json)) {
      files.add((DataFile) ContentFileParser.fromJson(node, specs));
    }
    return files;
  }

  /** Every location the sync's files wrote. */
  static Set<String> locations(List<SyncRecords.File> files) {
    Set<String> locations = new LinkedHashSet<>();
    for (SyncRecords.File file : files) {
      if (file.uploadLocation() != null) {
        locations.add(file.uploadLocation());
      }
      for (JsonNode node : tree(file.dataFiles())) {
        locations.add(node.path("file-path").asText());
      }
    }
    return locations;
  }

  static void delete(FileIO io, Iterable<String> locations) {
    for (String location : locations) {
      deleteQuietly(io, location);
    }
  }

  static void deleteQuietly(FileIO io, String location) {
    try {
      io.deleteFile(location);
    } catch (RuntimeException e) {
      LOG.debugf("Could not delete %s, written by a sync: %s", location, e.getMessage());
    }
  }

  private static JsonNode tree(String json) {
    if (json == null) {
      return JSON.createArrayNode();
    }
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
