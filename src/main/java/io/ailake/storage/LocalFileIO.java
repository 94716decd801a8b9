package io.ailake.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.FileVisitResult;
import java.nio.file.SimpleFileVisitor;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.io.SeekableInputStream;
import org.apache.iceberg.io.SupportsPrefixOperations;

/**
 * A FileIO over the local file system, without Hadoop. Locations are {@code file:/abs/path} URIs (the
 * form Hadoop-based clients read as well) or plain absolute paths. A file becomes visible only when
 * its stream is closed, by an atomic rename, so a reader never sees a half-written metadata file.
 */
public class LocalFileIO implements SupportsPrefixOperations {

  @Override
  public InputFile newInputFile(String location) {
    return new LocalInputFile(location, toPath(location));
  }

  @Override
  public OutputFile newOutputFile(String location) {
    return new LocalOutputFile(location, toPath(location));
  }

  @Override
  public void deleteFile(String location) {
    try {
      Files.deleteIfExists(toPath(location));
    } catch (IOException e) {
      throw new UncheckedIOException("Failed to delete file: " + location, e);
    }
  }

  @Override
  public Iterable<FileInfo> listPrefix(String prefix) {
    List<FileInfo> files = new ArrayList<>();
    walk(toPath(prefix), (file, attrs) -> files.add(fileInfo(file, attrs)), dir -> {});
    return files;
  }

  @Override
  public void deletePrefix(String prefix) {
    walk(toPath(prefix), (file, attrs) -> Files.deleteIfExists(file), Files::deleteIfExists);
  }

  /**
   * Removes {@code directory}, then each parent, while it is an empty directory (not a symbolic link),
   * up to {@code top}; {@code top} itself only unless {@code keepTop}. A directory that holds anything
   * stays, and so do its parents: a purge leaves what it did not write where it was. Directories
   * already gone are skipped. Nothing outside {@code top} is touched.
   */
  public static void removeEmptyDirectories(String directory, String top, boolean keepTop) {
    Path stop = toPath(top).normalize();
    Path dir = toPath(directory).normalize();
    while (dir != null && dir.startsWith(stop) && !(keepTop && dir.equals(stop))) {
      try {
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
          if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
          }
          Files.delete(dir); // fails on a directory that is not empty: the check and the removal are one
        }
      } catch (NoSuchFileException gone) {
        // removed meanwhile: go on with its parent
      } catch (DirectoryNotEmptyException holdsSomething) {
        return;
      } catch (IOException e) {
        throw new UncheckedIOException("Failed to remove the empty directory " + dir, e);
      }
      dir = dir.getParent();
    }
  }

  private interface FileAction {
    void apply(Path file, BasicFileAttributes attrs) throws IOException;
  }

  private interface DirectoryAction {
    void apply(Path directory) throws IOException;
  }

  /**
   * Visits the files under {@code root}, then each directory after its contents. Another process may
   * delete files meanwhile (a purge, another replica): what vanishes is skipped, as an S3 listing would.
   */
  private static void walk(Path root, FileAction onFile, DirectoryAction afterDirectory) {
    if (!Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          if (attrs.isRegularFile()) {
            onFile.apply(file, attrs);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
          if (e instanceof NoSuchFileException) {
            return FileVisitResult.CONTINUE;
          }
          throw e;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
          if (e != null && !(e instanceof NoSuchFileException)) {
            throw e;
          }
          afterDirectory.apply(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (NoSuchFileException vanished) {
      // the whole tree went away while we walked it
    } catch (IOException e) {
      throw new UncheckedIOException("Failed to walk " + root, e);
    }
  }

  private static FileInfo fileInfo(Path path, BasicFileAttributes attrs) {
    return new FileInfo(
        location(path),
        attrs.size(),
        attrs.lastModifiedTime().toMillis());
  }

  /** Accepts {@code file:/p}, {@code file:///p} and {@code /p}; only absolute locations. */
  static Path toPath(String location) {
    Path path = parse(location);
    if (!path.isAbsolute()) {
      throw new IllegalArgumentException("Not an absolute local location: " + location);
    }
    return path;
  }

  /**
   * The path of a local location: {@code file:/p} or {@code file:///p} (taken as written, not
   * percent-decoded, as Hadoop-based clients take them: a name may hold a space), or a plain path,
   * which may be relative.
   */
  public static Path parse(String location) {
    return location.regionMatches(true, 0, "file:", 0, 5) // a scheme's case means nothing
        ? Path.of("/" + location.substring("file:".length()).replaceFirst("^/+", ""))
        : Path.of(location);
  }

  /** The location of a local path, in the form this service writes: {@code file:/absolute/path}. */
  public static String location(Path path) {
    return "file:" + path.toAbsolutePath().normalize();
  }

  private record LocalInputFile(String location, Path path) implements InputFile {
    @Override
    public long getLength() {
      try {
        return Files.size(path);
      } catch (NoSuchFileException e) {
        throw new NotFoundException("File does not exist: %s", location);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public SeekableInputStream newStream() {
      try {
        return new LocalSeekableStream(new RandomAccessFile(path.toFile(), "r"));
      } catch (java.io.FileNotFoundException e) {
        throw new NotFoundException(e, "Failed to open input stream for file: %s", location);
      }
    }

    @Override
    public boolean exists() {
      return Files.exists(path);
    }
  }

  private record LocalOutputFile(String location, Path path) implements OutputFile {
    @Override
    public PositionOutputStream create() {
      if (Files.exists(path)) {
        throw new AlreadyExistsException("File already exists: %s", location);
      }
      return open(false);
    }

    @Override
    public PositionOutputStream createOrOverwrite() {
      return open(true);
    }

    private PositionOutputStream open(boolean overwrite) {
      try {
        Files.createDirectories(path.getParent());
        Path temp = path.resolveSibling("." + path.getFileName() + "." + UUID.randomUUID() + ".tmp");
        return new LocalPositionStream(temp, path, overwrite);
      } catch (IOException e) {
        throw new UncheckedIOException("Failed to create file: " + location, e);
      }
    }

    @Override
    public InputFile toInputFile() {
      return new LocalInputFile(location, path);
    }
  }

  private static final class LocalSeekableStream extends SeekableInputStream {
    private final RandomAccessFile file;

    LocalSeekableStream(RandomAccessFile file) {
      this.file = file;
    }

    @Override
    public long getPos() throws IOException {
      return file.getFilePointer();
    }

    @Override
    public void seek(long newPos) throws IOException {
      file.seek(newPos);
    }

    @Override
    public int read() throws IOException {
      return file.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return file.read(b, off, len);
    }

    @Override
    public long skip(long n) throws IOException {
      long target = Math.min(file.length(), file.getFilePointer() + Math.max(0, n));
      long skipped = target - file.getFilePointer();
      file.seek(target);
      return skipped;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(Integer.MAX_VALUE, file.length() - file.getFilePointer());
    }

    @Override
    public void close() throws IOException {
      file.close();
    }
  }

  /**
   * Writes to a hidden temporary sibling and renames it into place on close. The position stays
   * readable after close (writers ask for the final length then), and close may be called twice.
   */
  private static final class LocalPositionStream extends PositionOutputStream {
    private final Path temp;
    private final Path target;
    private final boolean overwrite;
    private final OutputStream out;
    private long pos;
    private boolean closed;

    LocalPositionStream(Path temp, Path target, boolean overwrite) throws IOException {
      this.temp = temp;
      this.target = target;
      this.overwrite = overwrite;
      this.out = Files.newOutputStream(temp);
    }

    @Override
    public long getPos() {
      return pos;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      pos++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      pos += len;
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      try {
        out.close();
        publish();
      } finally {
        Files.deleteIfExists(temp);
      }
    }

    private void publish() throws IOException {
      try {
        if (overwrite) {
          Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } else {
          // a hard link fails when the target exists, which makes create() exclusive
          Files.createLink(target, temp);
        }
      } catch (FileAlreadyExistsException e) {
        throw new AlreadyExistsException("File already exists: %s", target);
      } catch (AtomicMoveNotSupportedException | UnsupportedOperationException e) {
        // file systems without hard links or atomic renames: a plain move is the best they offer
        if (overwrite) {
          Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        } else {
          Files.move(temp, target);
        }
      }
    }
  }

}
