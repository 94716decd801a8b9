package io.ailake.storage;

import java.util.Map;
import java.util.function.Supplier;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.SupportsPrefixOperations;

/**
 * A warehouse's FileIO. A table or view may live outside its warehouse root (clients may ask for any
 * location), so each location goes to the FileIO of its own scheme: S3 locations to the warehouse's S3
 * settings, local paths to the local-disk FileIO.
 */
final class RoutingFileIO implements SupportsPrefixOperations {

  private final FileIO local;
  private final Supplier<FileIO> s3;
  private final long smallFileLimit;

  RoutingFileIO(FileIO local, Supplier<FileIO> s3, long smallFileLimit) {
    this.local = local;
    this.s3 = s3;
    this.smallFileLimit = smallFileLimit;
  }

  /** The most bytes {@link FileIOs#readWhole} reads through this FileIO. */
  long smallFileLimit() {
    return smallFileLimit;
  }

  /** The FileIO that serves {@code location}. */
  FileIO route(String location) {
    return Storage.typeOf(location) == Storage.Type.S3 ? s3.get() : local;
  }

  @Override
  public InputFile newInputFile(String location) {
    return route(location).newInputFile(location);
  }

  @Override
  public InputFile newInputFile(String location, long length) {
    return route(location).newInputFile(location, length);
  }

  @Override
  public OutputFile newOutputFile(String location) {
    return route(location).newOutputFile(location);
  }

  @Override
  public void deleteFile(String location) {
    route(location).deleteFile(location);
  }

  @Override
  public Iterable<FileInfo> listPrefix(String prefix) {
    return ((SupportsPrefixOperations) route(prefix)).listPrefix(prefix);
  }

  @Override
  public void deletePrefix(String prefix) {
    ((SupportsPrefixOperations) route(prefix)).deletePrefix(prefix);
  }

  @Override
  public Map<String, String> properties() {
    return Map.of();
  }

  /** The underlying FileIOs are shared and closed by {@link FileIOs}. */
  @Override
  public void close() {}
}
