package io.ailake.storage;

import org.apache.iceberg.aws.s3.S3FileIO;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * The S3FileIO of one storage, as {@link FileIOs} opens it: with a {@link SignedPut} for the catalog's
 * own whole-object writes when the storage has an explicit endpoint and keys, else those go through the
 * SDK client like everything else.
 */
final class S3StorageFileIO extends S3FileIO {

  private final transient SignedPut signedPut;

  S3StorageFileIO(SignedPut signedPut) {
    this.signedPut = signedPut;
  }

  /** Writes {@code content} as the object {@code key} of {@code bucket} in one request. */
  void putWhole(String bucket, String key, byte[] content) {
    if (signedPut != null) {
      signedPut.put(bucket, key, content);
      return;
    }
    client().putObject(
        PutObjectRequest.builder().bucket(bucket).key(key).contentLength((long) content.length).build(),
        RequestBody.fromBytes(content));
  }
}
