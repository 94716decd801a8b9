package io.ailake.data.query;

import io.ailake.AilakeConfig;
import io.ailake.api.Sha256;
import io.ailake.storage.LocalFileIO;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.jboss.logging.Logger;

/**
 * Local copies of the data files queries read, for DuckDB (which reads no object storage here: its
 * httpfs extension is not available). Data files are immutable, so a copy is keyed by location and
 * size and never goes stale. Bounded by size: the least recently used copies go first, never one a
 * running query holds. Files of a local-disk storage are read where they are.
 */
@ApplicationScoped
public class QueryFileCache {

  private static final Logger LOG = Logger.getLogger(QueryFileCache.class);

  private final Path directory;
  private final long capacity;
  /** In access order: the eldest entry is the least recently used. */
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;
  /** Which files lack field ids, by path; bounded, eldest first out. */
  private final Map<String, List<String>> footers = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, List<String>> eldest) {
      return size() > 100_000;
    }
  };

  private static final class Entry {
    final Path path;
    final long size;
    int holders;

    Entry(Path path, long size) {
      this.path = path;
      this.size = size;
    }
  }

  QueryFileCache(AilakeConfig config) {
    this.directory = Path.of(config.query().cacheDirectory()).toAbsolutePath().normalize();
    this.capacity = config.query().cacheSize().asLongValue();
    try {
      Files.createDirectories(directory);
      // what a previous process left: kept, oldest first in the LRU order
      try (Stream<Path> files = Files.list(directory)) {
        files.sorted(Comparator.comparing(QueryFileCache::modified)).forEach(file -> {
          String name = file.getFileName().toString();
          if (name.endsWith(".parquet")) {
            long size = file.toFile().length();
            entries.put(name.substring(0, name.length() - ".parquet".length()), new Entry(file, size));
            bytes += size;
          } else {
            file.toFile().delete();
          }
        });
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot use the query cache directory " + directory, e);
    }
  }

  Path directory() {
    return directory;
  }

  /**
   * A local path of {@code location} for DuckDB, held until {@link #release}: the file itself on a
   * local-disk storage, else a copy read through {@code io} (the table's FileIO, which refuses a
   * location outside the organization's storages).
   */
  Path hold(FileIO io, String location, long size) {
    InputFile input = io.newInputFile(location, size);
    if (location.startsWith("file:") || location.startsWith("/")) {
      return LocalFileIO.parse(location).toAbsolutePath().normalize();
    }
    String key = Sha256.hex(location + "\n" + size);
    synchronized (this) {
      Entry entry = entries.get(key);
      if (entry != null && Files.exists(entry.path)) {
        entry.holders++;
        return entry.path;
      }
    }
    Path target = directory.resolve(key + ".parquet");
    Path part = directory.resolve(key + "." + UUID.randomUUID() + ".part");
    try (InputStream in = input.newStream()) {
      long copied = Files.copy(in, part);
      if (copied != size) {
        throw new UncheckedIOException(new IOException("Read " + copied + " bytes of " + location + ", expected " + size));
      }
      Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      part.toFile().delete();
      throw new UncheckedIOException(e);
    }
    synchronized (this) {
      Entry entry = entries.get(key);
      if (entry == null) {
        entry = new Entry(target, size);
        entries.put(key, entry);
        bytes += size;
      }
      entry.holders++;
      evict();
      return entry.path;
    }
  }

  /** Lets the cache remove these copies again when it needs the room. */
  synchronized void release(Collection<Path> paths) {
    for (Entry entry : entries.values()) {
      if (entry.holders > 0 && paths.contains(entry.path)) {
        entry.holders--;
      }
    }
    evict();
  }

  private void evict() {
    for (Iterator<Map.Entry<String, Entry>> eldest = entries.entrySet().iterator(); bytes > capacity && eldest.hasNext(); ) {
      Entry entry = eldest.next().getValue();
      if (entry.holders == 0) {
        eldest.remove();
        bytes -= entry.size;
        if (!entry.path.toFile().delete()) {
          LOG.debugf("Query cache: %s was already gone", entry.path);
        }
      }
    }
  }

  /**
   * The top-level column names of a Parquet file written without field ids (one a client added as it
   * was, read by name through the table's name mapping); null for a file whose columns carry their ids.
   * Data files are immutable, so the answer is kept per path.
   */
  List<String> namesWithoutFieldIds(Path file) {
    String key = file.toString();
    synchronized (footers) {
      if (footers.containsKey(key)) {
        return footers.get(key);
      }
    }
    List<String> names;
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      boolean ids = schema.getFields().stream().allMatch(field -> field.getId() != null);
      names = ids ? null : schema.getFields().stream().map(Type::getName).toList();
    } catch (IOException | RuntimeException notParquet) {
      names = null; // DuckDB then says what is wrong with the file, in the words the user reads
    }
    synchronized (footers) {
      footers.put(key, names);
    }
    return names;
  }

  synchronized long bytes() {
    return bytes;
  }

  private static long modified(Path file) {
    return file.toFile().lastModified();
  }
}
