package io.ailake.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.io.SupportsPrefixOperations;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Proves a storage works with its own keys before it is accepted: lists under its root, writes a small
 * object there, reads it back and deletes it. The listing comes first because it carries no body: a
 * store that refuses the keys or lacks the bucket may close the connection before it reads an upload's
 * body, and then the client sees a broken upload instead of the store's answer. The service needs the
 * listing anyway, to purge tables and remove a database's root. A failure names the step and the likely cause in words an
 * operator can act on.
 */
final class StorageProbe {

  /** The probe failed at {@code step}; the message never holds a secret. */
  static final class ProbeFailedException extends RuntimeException {
    final String step;

    ProbeFailedException(String step, String reason) {
      super("the " + step + " step failed: " + reason);
      this.step = step;
    }
  }

  /** Shorter secrets are not looked for in messages (see {@link #withoutSecret}). */
  static final int MASKED_SECRET_MIN_LENGTH = 8;

  private StorageProbe() {}

  static void run(FileIOs fileIOs, Storage storage, String root, String endpoint, Optional<Credentials> keys) {
    String location = root + "/.ailake-probe-" + UUID.randomUUID();
    byte[] written = ("ailake probe " + location).getBytes(StandardCharsets.UTF_8);
    try (FileIO io = fileIOs.openUnshared(storage, keys)) {
      step("list", endpoint, keys, () -> ((SupportsPrefixOperations) io).listPrefix(location).iterator().hasNext());
      step("write", endpoint, keys, () -> {
        try (PositionOutputStream out = FileIOs.smallOutputFile(io, location).createOrOverwrite()) {
          out.write(written);
        }
      });
      try {
        step("read back", endpoint, keys, () -> {
          try (InputStream in = io.newInputFile(location).newStream()) {
            if (!Arrays.equals(in.readAllBytes(), written)) {
              throw new ProbeFailedException("read back", "the object read back differs from the one written");
            }
          }
        });
      } catch (ProbeFailedException e) {
        io.deleteFile(location); // best effort: leave no probe object behind
        throw e;
      }
      step("delete", endpoint, keys, () -> io.deleteFile(location));
    }
  }

  private interface Step {
    void run() throws IOException;
  }

  private static void step(String name, String endpoint, Optional<Credentials> keys, Step step) {
    try {
      step.run();
    } catch (ProbeFailedException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      String reason = reason(e, endpoint);
      throw new ProbeFailedException(name, keys.map(k -> withoutSecret(reason, k.secretAccessKey())).orElse(reason));
    }
  }

  /**
   * No message is built from the secret; this is a second line for a message a library wrote. Only a
   * secret long enough not to occur in ordinary words by chance is masked: masking a one-letter secret
   * would garble every message ("unreacha***le") and tell which letter the secret is.
   */
  static String withoutSecret(String message, String secret) {
    return secret == null || secret.length() < MASKED_SECRET_MIN_LENGTH || message == null
        ? message
        : message.replace(secret, "***");
  }

  /** The most telling cause in the chain: the storage's answer, or why it could not be reached. */
  static String reason(Throwable failure, String endpoint) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof S3Exception s3) {
        String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
        String answer = " (HTTP " + s3.statusCode() + (code == null ? "" : ", " + code) + ")";
        if ("NoSuchBucket".equals(code)) {
          return "the bucket does not exist" + answer;
        }
        if (s3.statusCode() == 403 || s3.statusCode() == 401) {
          return "access denied: wrong keys or missing permission" + answer;
        }
        return "the storage refused the request" + answer;
      }
      if (t instanceof ConnectException || t instanceof UnknownHostException
          || t instanceof NoRouteToHostException || t instanceof SocketTimeoutException
          || t instanceof ApiCallTimeoutException) {
        return "endpoint " + (endpoint == null ? "(AWS default)" : endpoint) + " is unreachable ("
            + t.getClass().getSimpleName() + ": " + t.getMessage() + ")";
      }
      if (t instanceof java.nio.file.AccessDeniedException denied) {
        return "access denied to " + denied.getFile();
      }
      if (t instanceof FileSystemException fs) {
        return fs.getClass().getSimpleName() + " on " + fs.getFile()
            + (fs.getReason() == null ? "" : ": " + fs.getReason());
      }
    }
    Throwable root = failure instanceof UncheckedIOException && failure.getCause() != null ? failure.getCause() : failure;
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
