package io.ailake.data.rows;

import com.fasterxml.jackson.annotation.JsonValue;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An insert's body, spooled to a temporary file as it streamed in (never whole in memory), with its
 * size and SHA-256: the digest is what an idempotency key's fingerprint sees of it (its JSON form), so
 * a retried insert with the same key and body replays, and another body with the key is a 422.
 */
public final class RowsBody implements AutoCloseable {

  /** The media types an insert takes. */
  public enum Format {
    JSON("application/json"), NDJSON("application/x-ndjson"), CSV("text/csv");

    final String mediaType;

    Format(String mediaType) {
      this.mediaType = mediaType;
    }
  }

  private final Path file;
  private final Format format;
  private final Charset charset;
  private final long size;
  private final String sha256;

  RowsBody(Path file, Format format, Charset charset, long size, String sha256) {
    this.file = file;
    this.format = format;
    this.charset = charset;
    this.size = size;
    this.sha256 = sha256;
  }

  /** A JSON array of rows another route received whole (the envelope's {@code rows} parameter), spooled as an insert's body is. */
  public static RowsBody json(byte[] rows) {
    try {
      Path file = Files.createTempFile("ailake-rows-", ".body");
      try {
        Files.write(file, rows);
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(file);
        throw e;
      }
      return new RowsBody(file, Format.JSON, java.nio.charset.StandardCharsets.UTF_8, rows.length,
          java.util.HexFormat.of().formatHex(io.ailake.api.Sha256.of(rows)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Format format() {
    return format;
  }

  public Charset charset() {
    return charset;
  }

  public long size() {
    return size;
  }

  @JsonValue
  public String fingerprint() {
    return format.mediaType + ";" + charset.name() + ";" + size + ";sha256=" + sha256;
  }

  public InputStream open() {
    try {
      return new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      file.toFile().deleteOnExit();
    }
  }
}
