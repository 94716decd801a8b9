package io.ailake.storage;

import java.io.ByteArrayOutputStream;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;

/**
 * An S3 file the catalog writes itself, a few kilobytes (a metadata file, a manifest list): kept in
 * memory and sent as one PUT when the stream closes. S3FileIO's own stream would first stage it in a
 * local file, then read it back to upload it. The PUT goes out as the storage's FileIO sends whole
 * objects (see {@link S3StorageFileIO}); the storages set no encryption, ACL, storage class or tags that
 * S3FileIO would add to it.
 */
final class WholeObjectOutputFile implements OutputFile {

  private final S3StorageFileIO io;
  private final String location;
  private final S3StorageFileIO.ObjectLocation object;

  WholeObjectOutputFile(S3StorageFileIO io, String location) {
    this.io = io;
    this.location = location;
    this.object = S3StorageFileIO.ObjectLocation.of(location);
  }

  /** Every file written this way has a fresh random name: there is nothing to overwrite. */
  @Override
  public PositionOutputStream create() {
    return createOrOverwrite();
  }

  @Override
  public PositionOutputStream createOrOverwrite() {
    return new Buffered();
  }

  @Override
  public String location() {
    return location;
  }

  @Override
  public InputFile toInputFile() {
    return io.newInputFile(location);
  }

  private final class Buffered extends PositionOutputStream {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
    private boolean closed;

    @Override
    public long getPos() {
      return bytes.size();
    }

    @Override
    public void write(int b) {
      bytes.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      bytes.write(b, off, len);
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      io.putWhole(object, bytes.toByteArray());
    }
  }
}
