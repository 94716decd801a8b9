package io.ailake.storage;

import org.apache.iceberg.exceptions.BadRequestException;

/**
 * A file the service reads whole (a metadata file, a manifest list) is larger than
 * {@code ailake.storage.max-small-file-size}: refused instead of read into the heap. A 400 in either
 * API family: the file was named by a client.
 */
public class FileTooLargeException extends BadRequestException {

  FileTooLargeException(String location, long limit) {
    super("File %s is larger than %d bytes, the most the service reads whole (ailake.storage.max-small-file-size)",
        location, limit);
  }
}
