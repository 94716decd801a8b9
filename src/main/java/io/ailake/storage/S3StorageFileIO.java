package io.ailake.storage;

import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.exceptions.NotFoundException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * The S3FileIO of one storage, as {@link FileIOs} opens it. When the storage has an explicit endpoint and
 * keys, the catalog's own whole-object writes and reads and its existence checks go out as
 * {@link SignedRequests}; else, like everything else, through the SDK client.
 */
final class S3StorageFileIO extends S3FileIO {

  private final transient SignedRequests signed;

  S3StorageFileIO(SignedRequests signed) {
    this.signed = signed;
  }

  /** Writes {@code content} as {@code object} in one request. */
  void putWhole(ObjectLocation object, byte[] content) {
    if (signed != null) {
      signed.put(object.bucket(), object.key(), content);
      return;
    }
    client().putObject(
        PutObjectRequest.builder().bucket(object.bucket()).key(object.key())
            .contentLength((long) content.length).build(),
        RequestBody.fromBytes(content));
  }

  /** Whether the object at {@code location} exists. */
  boolean exists(String location) {
    if (signed == null) {
      return newInputFile(location).exists();
    }
    ObjectLocation object = ObjectLocation.of(location);
    return signed.exists(object.bucket(), object.key());
  }

  /** The whole object at {@code location}, a small one ({@code limit} bytes at most), in one request. */
  byte[] readWhole(String location, long limit) {
    if (signed == null) {
      return FileIOs.readAll(newInputFile(location), limit);
    }
    ObjectLocation object = ObjectLocation.of(location);
    try {
      return signed.get(object.bucket(), object.key(), limit)
          .orElseThrow(() -> new NotFoundException("File does not exist: %s", location));
    } catch (FileTooLargeException e) {
      throw new FileTooLargeException(location, limit); // named as the client named it, not by its URL
    }
  }

  /** The bucket and key of an {@code s3://}, {@code s3a://} or {@code s3n://} location. */
  record ObjectLocation(String bucket, String key) {
    static ObjectLocation of(String location) {
      int start = location.indexOf("://") + 3;
      int slash = location.indexOf('/', start);
      if (start < 3 || slash < 0 || slash == location.length() - 1) {
        throw new IllegalArgumentException("Not an S3 object location: " + location);
      }
      return new ObjectLocation(location.substring(start, slash), location.substring(slash + 1));
    }
  }
}
