package io.ailake.data.rows;

import io.ailake.AilakeConfig;
import io.ailake.api.ApiException;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Streams an insert's body to a temporary file, counting it against {@code ailake.rows.max-body-bytes}
 * (a 413 the moment it is passed, or at once when Content-Length says so) and hashing it.
 */
@Provider
@Consumes({MediaType.APPLICATION_JSON, RowsResource.NDJSON, RowsResource.CSV})
public class RowsBodyReader implements MessageBodyReader<RowsBody> {

  private final AilakeConfig config;
  private final CurrentVertxRequest request;

  RowsBodyReader(AilakeConfig config, CurrentVertxRequest request) {
    this.config = config;
    this.request = request;
  }

  @Override
  public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
    return type == RowsBody.class;
  }

  @Override
  public RowsBody readFrom(Class<RowsBody> type, Type genericType, Annotation[] annotations, MediaType mediaType,
      MultivaluedMap<String, String> headers, InputStream body) throws IOException, WebApplicationException {
    long cap = config.rows().maxBodyBytes().asLongValue();
    String length = headers.getFirst(HttpHeaders.CONTENT_LENGTH);
    if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > cap) {
      throw tooLarge(cap);
    }
    RowsBody.Format format = format(mediaType);
    Charset charset = charset(mediaType);
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    Path file = Files.createTempFile("ailake-rows-", ".body");
    long size = 0;
    try (InputStream in = new DigestInputStream(body, sha256); OutputStream out = Files.newOutputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        size += n;
        if (size > cap) {
          throw tooLarge(cap);
        }
        out.write(buffer, 0, n);
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
    RowsBody spooled = new RowsBody(file, format, charset, size, HexFormat.of().formatHex(sha256.digest()));
    // the route may never run (a replayed idempotency key, a refusal before it): the file goes when the request ends
    if (request.getCurrent() != null) {
      request.getCurrent().addEndHandler(ended -> spooled.close());
    }
    return spooled;
  }

  private static ApiException tooLarge(long cap) {
    return new ApiException(413, "Content Too Large", String.format(
        "The body is larger than %d bytes (ailake.rows.max-body-bytes); insert the rows in several requests", cap));
  }

  private static RowsBody.Format format(MediaType type) {
    String subtype = type == null ? "" : type.getSubtype().toLowerCase(Locale.ROOT);
    return switch (subtype) {
      case "x-ndjson" -> RowsBody.Format.NDJSON;
      case "csv" -> RowsBody.Format.CSV;
      default -> RowsBody.Format.JSON;
    };
  }

  private static Charset charset(MediaType type) {
    String name = type == null ? null : type.getParameters().get(MediaType.CHARSET_PARAMETER);
    if (name == null) {
      return StandardCharsets.UTF_8;
    }
    try {
      return Charset.forName(name);
    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
      throw new ApiException(415, "Unsupported Media Type", String.format("Unknown charset '%s'; send UTF-8", name));
    }
  }
}
