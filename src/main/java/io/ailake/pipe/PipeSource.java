package io.ailake.pipe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.SeekableInputStream;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.schema.MessageType;

/**
 * The parquet files under a pipe's prefix. Files and directories whose names start with {@code _} or
 * {@code .} are skipped (job markers such as {@code _SUCCESS}, temporary directories), as Spark and
 * Hive skip them. Directories named {@code key=value} carry Hive partition values.
 */
public final class PipeSource {

  static final String HIVE_NULL = "__HIVE_DEFAULT_PARTITION__";

  /** One source file; {@code path} is relative to the pipe's root, {@code hive} its directories' values in order. */
  record SourceFile(String path, String location, long size, Map<String, String> hive) {}

  private PipeSource() {}

  /** The pipe's root: the storage root joined with the prefix, without a trailing slash. */
  static String root(String storageRoot, String pathPrefix) {
    String prefix = pathPrefix.replaceAll("^/+|/+$", "");
    return prefix.isEmpty() ? storageRoot : storageRoot + "/" + prefix;
  }

  /** Every parquet file under {@code root} (or under {@code root/subdirectory}), ordered by path. */
  static List<SourceFile> list(FileIO io, String root, String subdirectory) {
    String base = subdirectory == null ? root : root + "/" + subdirectory;
    List<SourceFile> files = new ArrayList<>();
    for (FileInfo info : ((SupportsPrefixOperations) io).listPrefix(base + "/")) {
      String location = info.location();
      int at = location.indexOf(root + "/");
      if (at < 0) {
        continue;
      }
      String path = location.substring(at + root.length() + 1);
      if (!path.toLowerCase(Locale.ROOT).endsWith(".parquet") || hidden(path)) {
        continue;
      }
      files.add(new SourceFile(path, root + "/" + path, info.size(), hive(path)));
    }
    files.sort(Comparator.comparing(SourceFile::path));
    return files;
  }

  private static boolean hidden(String path) {
    for (String segment : path.split("/")) {
      if (segment.startsWith("_") || segment.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  /** The {@code key=value} directories of a path, decoded; a directory of another form ends them. */
  static Map<String, String> hive(String path) {
    Map<String, String> values = new LinkedHashMap<>();
    String[] segments = path.split("/");
    for (int i = 0; i < segments.length - 1; i++) {
      int eq = segments[i].indexOf('=');
      if (eq <= 0) {
        return Map.of(); // not a Hive layout: the directories are just directories
      }
      String key = URLDecoder.decode(segments[i].substring(0, eq), StandardCharsets.UTF_8);
      String value = URLDecoder.decode(segments[i].substring(eq + 1), StandardCharsets.UTF_8);
      values.put(key, HIVE_NULL.equals(value) ? null : value);
    }
    return values;
  }

  /** The directory of a partition, as {@code key=value/...} in the order of the partition columns. */
  static String partitionDirectory(List<String> columns, Map<String, String> values) {
    List<String> segments = new ArrayList<>();
    for (String column : columns) {
      String value = values.get(column);
      segments.add(column + "=" + (value == null ? HIVE_NULL : value));
    }
    return String.join("/", segments);
  }

  /** The schema in a file's footer. */
  public static MessageType footer(InputFile file) {
    ParquetReadOptions options = ParquetReadOptions.builder(new PlainParquetConfiguration()).build();
    try (ParquetFileReader reader = ParquetFileReader.open(new ParquetInput(file), options)) {
      return reader.getFooter().getFileMetaData().getSchema();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the parquet footer of " + file.location(), e);
    }
  }

  /** An Iceberg input file as Parquet's reader wants it. */
  private record ParquetInput(InputFile file) implements org.apache.parquet.io.InputFile {
    @Override
    public long getLength() {
      return file.getLength();
    }

    @Override
    public org.apache.parquet.io.SeekableInputStream newStream() {
      SeekableInputStream in = file.newStream();
      return new DelegatingSeekableInputStream(in) {
        @Override
        public long getPos() throws IOException {
          return in.getPos();
        }

        @Override
        public void seek(long newPos) throws IOException {
          in.seek(newPos);
        }
      };
    }
  }
}
