package io.ailake.ingest;

import io.ailake.api.ApiException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The parts of a {@code multipart/form-data} body (RFC 7578), one at a time as the body streams in
 * ({@link MultipartStream}): a part's bytes are read by its consumer and never held whole.
 */
final class MultipartFiles {

  /** RFC 2046's longest boundary. */
  static final int MAX_BOUNDARY = 70;

  /** One part: its form field, the file name and content type it declares, and its bytes as they arrive. */
  record Part(String field, String fileName, String contentType, boolean formField, InputStream content) {}

  interface Consumer {
    void accept(Part part) throws IOException;
  }

  private MultipartFiles() {}

  /**
   * Hands every form-data part of the body to {@code consumer}, in order (a part without a form-data
   * Content-Disposition naming its field is passed over); a body that is no multipart form is a 400.
   */
  static void each(String contentType, long contentLength, InputStream body, Consumer consumer) {
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      throw new ApiException(415, "Unsupported Media Type", "Files are uploaded as multipart/form-data, in parts named file");
    }
    try {
      MultipartStream parts = new MultipartStream(body, boundary(contentType));
      while (parts.next()) {
        Part part = part(parts.headers(), parts.content());
        if (part == null) {
          continue;
        }
        try (InputStream content = part.content()) {
          consumer.accept(part);
        }
      }
    } catch (IOException | RuntimeException e) {
      MultipartStream.Malformed malformed = malformed(e);
      if (malformed != null) {
        throw ApiException.badRequest("The body is no well-formed multipart/form-data: %s", malformed.getMessage());
      }
      if (e instanceof IOException) {
        throw ApiException.badRequest("The upload could not be read to its end: %s", e.getMessage());
      }
      throw (RuntimeException) e;
    }
  }

  /** The boundary parameter of a multipart Content-Type, quoted or not. */
  static String boundary(String contentType) throws MultipartStream.Malformed {
    int semicolon = contentType.indexOf(';');
    String boundary = semicolon < 0 ? null : parameters(contentType.substring(semicolon)).get("boundary");
    if (boundary == null || boundary.isEmpty()) {
      throw new MultipartStream.Malformed("the Content-Type names no boundary");
    }
    if (boundary.length() > MAX_BOUNDARY || !boundary.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      throw new MultipartStream.Malformed("the boundary is not 1 to " + MAX_BOUNDARY + " printable ASCII characters");
    }
    return boundary;
  }

  /** The part its headers describe, or null when it is no form-data field. */
  private static Part part(List<String> headers, InputStream content) {
    String disposition = null;
    String type = null;
    for (String line : headers) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue; // no header: tolerated as Commons FileUpload did
      }
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      if (name.equals("content-disposition") && disposition == null) {
        disposition = value;
      } else if (name.equals("content-type") && type == null) {
        type = value;
      }
    }
    if (disposition == null || !disposition.toLowerCase(Locale.ROOT).startsWith("form-data")) {
      return null;
    }
    int semicolon = disposition.indexOf(';');
    Map<String, String> parameters = semicolon < 0 ? Map.of() : parameters(disposition.substring(semicolon));
    String field = parameters.get("name");
    if (field == null) {
      return null;
    }
    String extended = extendedValue(parameters.get("filename*"));
    String fileName = extended != null ? extended : parameters.get("filename");
    return new Part(field, fileName, type, fileName == null, content);
  }

  /**
   * The {@code ;name=value} parameters of a header value (names in lower case), each a token or a
   * quoted string; in a quoted string a backslash escapes a quote or a backslash and is kept before
   * anything else (a Windows path some browsers send as it is).
   */
  static Map<String, String> parameters(String text) {
    Map<String, String> parameters = new HashMap<>();
    int i = 0;
    int length = text.length();
    while (i < length) {
      while (i < length && (text.charAt(i) == ';' || Character.isWhitespace(text.charAt(i)))) {
        i++;
      }
      int nameStart = i;
      while (i < length && text.charAt(i) != '=' && text.charAt(i) != ';') {
        i++;
      }
      String name = text.substring(nameStart, i).trim().toLowerCase(Locale.ROOT);
      if (i >= length || text.charAt(i) == ';') {
        continue; // a name without a value
      }
      i++; // '='
      while (i < length && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
        i++;
      }
      StringBuilder value = new StringBuilder();
      boolean quoted = i < length && text.charAt(i) == '"';
      if (quoted) {
        i++;
        while (i < length && text.charAt(i) != '"') {
          char c = text.charAt(i);
          if (c == '\\' && i + 1 < length && (text.charAt(i + 1) == '"' || text.charAt(i + 1) == '\\')) {
            c = text.charAt(++i);
          }
          value.append(c);
          i++;
        }
        i++; // the closing quote
        while (i < length && text.charAt(i) != ';') {
          i++;
        }
      } else {
        int valueStart = i;
        while (i < length && text.charAt(i) != ';') {
          i++;
        }
        value.append(text.substring(valueStart, i).trim());
      }
      if (!name.isEmpty()) {
        parameters.putIfAbsent(name, value.toString());
      }
    }
    return parameters;
  }

  /** An RFC 8187 value ({@code UTF-8''na%C3%AFve.csv}) decoded, or null when absent or not UTF-8 / Latin-1. */
  static String extendedValue(String value) {
    if (value == null) {
      return null;
    }
    int first = value.indexOf('\'');
    int second = first < 0 ? -1 : value.indexOf('\'', first + 1);
    if (second < 0) {
      return null;
    }
    String charsetName = value.substring(0, first).trim().toUpperCase(Locale.ROOT);
    Charset charset = switch (charsetName) {
      case "UTF-8" -> StandardCharsets.UTF_8;
      case "ISO-8859-1" -> StandardCharsets.ISO_8859_1;
      default -> null;
    };
    if (charset == null) {
      return null;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    String encoded = value.substring(second + 1);
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%' && i + 2 < encoded.length() && hex(encoded.charAt(i + 1)) >= 0 && hex(encoded.charAt(i + 2)) >= 0) {
        bytes.write(hex(encoded.charAt(i + 1)) * 16 + hex(encoded.charAt(i + 2)));
        i += 2;
      } else if (c < 0x80) {
        bytes.write(c);
      } else {
        return null; // not an RFC 8187 value
      }
    }
    return bytes.toString(charset);
  }

  private static int hex(char c) {
    return Character.digit(c, 16);
  }

  /** The parser's refusal, when it is what ended a read (a consumer may have wrapped it). */
  private static MultipartStream.Malformed malformed(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof MultipartStream.Malformed malformed) {
        return malformed;
      }
    }
    return null;
  }
}
