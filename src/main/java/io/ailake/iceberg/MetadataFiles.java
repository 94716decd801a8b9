package io.ailake.iceberg;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.ailake.AilakeConfig;
import io.ailake.storage.FileIOs;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.inmemory.InMemoryInputFile;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.view.ViewMetadata;
import org.apache.iceberg.view.ViewMetadataParser;
import org.apache.iceberg.view.ViewProperties;

/**
 * Reads and writes Iceberg metadata files. A new metadata file gets the next version number and a
 * random UUID in its name, so two writers racing for the same version never overwrite each other.
 * Metadata files are immutable, so a table's file is cached by location, parsed and as the very bytes
 * a load answers: a load is a pointer lookup plus writing cached bytes. The cache is bounded by bytes
 * and filled when a file is read and when one is written.
 */
@ApplicationScoped
public class MetadataFiles {

  private static final Pattern VERSION = Pattern.compile("^(\\d+)-.*");

  /** A table metadata file: parsed, and the body of a load of it (all snapshots), UTF-8. */
  private record TableFile(TableMetadata metadata, byte[] loadAnswer) {
    /** Parsed metadata takes a few times the bytes of its JSON. */
    int weight() {
      return 4 * loadAnswer.length;
    }
  }

  private final Cache<String, TableFile> tables;
  /** Metadata files a conditional load found in storage lately (see {@link #stillExists}). */
  private final Cache<String, Boolean> seenInStorage;

  MetadataFiles(AilakeConfig config) {
    this.tables =
        Caffeine.newBuilder()
            .maximumWeight(config.iceberg().metadataCacheBytes())
            .weigher((String location, TableFile file) -> file.weight())
            .build();
    this.seenInStorage =
        Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(config.iceberg().metadataRecheck())
            .build();
  }

  TableMetadata readTable(FileIO io, String location) {
    return tables.get(location, l -> {
      TableMetadata metadata = TableMetadataParser.read(new InMemoryInputFile(l, FileIOs.readWhole(io, l)));
      return new TableFile(metadata, IcebergJson.loadTableResult(l, IcebergJson.tableMetadata(metadata)));
    }).metadata();
  }

  /**
   * The body of a load, create or commit answer (Iceberg's LoadTableResult) for {@code metadata}; the
   * cached bytes when it is a cached file and all snapshots are asked for.
   */
  byte[] loadAnswer(TableMetadata metadata, SnapshotMode mode) {
    if (mode == SnapshotMode.ALL && metadata.metadataFileLocation() != null) {
      TableFile file = tables.getIfPresent(metadata.metadataFileLocation());
      if (file != null && file.metadata() == metadata) {
        return file.loadAnswer();
      }
    }
    return IcebergJson.loadTableResult(
        metadata.metadataFileLocation(), IcebergJson.tableMetadata(mode.apply(metadata)));
  }

  /**
   * Whether the metadata file is still in storage, for answering "not modified". Someone may delete it
   * behind the catalog's back; a look at storage per conditional load would cost as much as the load,
   * so a file seen lately ({@code ailake.iceberg.metadata-recheck}) counts as still there.
   */
  boolean stillExists(FileIO io, String location) {
    if (seenInStorage.getIfPresent(location) != null) {
      return true;
    }
    boolean exists = FileIOs.exists(io, location);
    if (exists) {
      seenInStorage.put(location, Boolean.TRUE);
    }
    return exists;
  }

  ViewMetadata readView(FileIO io, String location) {
    // whole, so that the size cap holds; the parser still tells gzip by the file's name
    return ViewMetadataParser.read(new InMemoryInputFile(location, FileIOs.readWhole(io, location)));
  }

  /** Writes {@code metadata} as the next version after {@code previousLocation}; returns it with its location. */
  TableMetadata writeTable(FileIO io, TableMetadata metadata, String previousLocation) {
    String codec =
        metadata
            .properties()
            .getOrDefault(
                TableProperties.METADATA_COMPRESSION, TableProperties.METADATA_COMPRESSION_DEFAULT);
    String dir =
        metadata.properties().getOrDefault(
            TableProperties.WRITE_METADATA_LOCATION, metadata.location() + "/metadata");
    String location =
        newFileName(stripSlash(dir), previousLocation, TableMetadataParser.getFileExtension(codec));
    byte[] json = IcebergJson.tableMetadata(metadata);
    write(FileIOs.smallOutputFile(io, location), json, isGzip(codec));
    // the same metadata, now with its location: no need to parse what was just serialized
    TableMetadata written = TableMetadata.buildFrom(metadata).withMetadataLocation(location).discardChanges().build();
    tables.put(location, new TableFile(written, IcebergJson.loadTableResult(location, json)));
    return written;
  }

  ViewMetadata writeView(FileIO io, ViewMetadata metadata, String previousLocation) {
    String dir = metadata.properties().getOrDefault(
        ViewProperties.WRITE_METADATA_LOCATION, metadata.location() + "/metadata");
    String location = newFileName(stripSlash(dir), previousLocation, ".gz.metadata.json");
    String json = ViewMetadataParser.toJson(metadata);
    write(FileIOs.smallOutputFile(io, location), json.getBytes(StandardCharsets.UTF_8), true);
    return ViewMetadataParser.fromJson(location, json);
  }

  private static String newFileName(String dir, String previousLocation, String extension) {
    return String.format(
        Locale.ROOT, "%s/%05d-%s%s", dir, nextVersion(previousLocation), UUID.randomUUID(), extension);
  }

  static int nextVersion(String previousLocation) {
    if (previousLocation == null) {
      return 0;
    }
    String fileName = previousLocation.substring(previousLocation.lastIndexOf('/') + 1);
    Matcher matcher = VERSION.matcher(fileName);
    // a registered table may use any file name; start counting after it
    return matcher.matches() ? Integer.parseInt(matcher.group(1)) + 1 : 1;
  }

  private static boolean isGzip(String codec) {
    return "gzip".equalsIgnoreCase(codec);
  }

  private static void write(OutputFile file, byte[] json, boolean gzip) {
    // every name holds a random UUID, so there is nothing to overwrite; create() would spend a request
    // on object storage (a HEAD) proving it
    try (OutputStream raw = file.createOrOverwrite();
        OutputStream out = gzip ? new GZIPOutputStream(raw) : raw) {
      out.write(json);
    } catch (IOException e) {
      throw new UncheckedIOException("Failed to write metadata file " + file.location(), e);
    }
  }

  static String stripSlash(String location) {
    return location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
  }
}
