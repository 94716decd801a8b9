package io.ailake.api;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Refuses a JSON body that holds what no field may hold: a NUL (raw, or as the escape {@code \u0000},
 * which PostgreSQL refuses in text and in jsonb), an unpaired UTF-16 surrogate escape (no UTF-8 text
 * can carry it: it would be stored as '?'), or bytes that are not UTF-8. Checked on the bytes before
 * any parser runs, for every JSON route at once; the routes then need no check of their own.
 */
@Provider
public class JsonBodyGuard implements ReaderInterceptor {

  private final BodyLimit bodyLimit;

  JsonBodyGuard(BodyLimit bodyLimit) {
    this.bodyLimit = bodyLimit;
  }

  @Override
  public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
    MediaType type = context.getMediaType();
    if (type != null && (type.getSubtype().equals("json") || type.getSubtype().endsWith("+json"))) {
      // a body sent without Content-Length is bounded here, as it is read
      long max = bodyLimit.bytes();
      byte[] body = context.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
      if (body.length > max) {
        throw new jakarta.ws.rs.WebApplicationException(bodyLimit.detail(), 413);
      }
      String problem = problem(body);
      if (problem != null) {
        throw new BadRequestException(problem);
      }
      context.setInputStream(new ByteArrayInputStream(body));
    }
    return context.proceed();
  }

  /** What is wrong with a JSON text's characters, or null. */
  static String problem(byte[] json) {
    int n = json.length;
    for (int i = 0; i < n; i++) {
      byte b = json[i];
      if (b == 0) {
        return "Malformed request body: a NUL byte at offset " + i;
      }
      if (b != '\\' || i + 1 >= n) {
        continue;
      }
      if (json[i + 1] != 'u' || i + 5 >= n) {
        i++; // the escaped character, which may be a backslash
        continue;
      }
      int c = hex4(json, i + 2);
      if (c == 0) {
        return "Invalid string in the request body: \\u0000 (NUL) at offset " + i + "; no name or value may contain NUL";
      }
      if (c >= 0xD800 && c <= 0xDBFF) {
        int low = i + 11 < n && json[i + 6] == '\\' && json[i + 7] == 'u' ? hex4(json, i + 8) : -1;
        if (low < 0xDC00 || low > 0xDFFF) {
          return unpaired(c, i);
        }
        i += 11;
      } else if (c >= 0xDC00 && c <= 0xDFFF) {
        return unpaired(c, i);
      } else {
        i += 5;
      }
    }
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(json));
      return null;
    } catch (CharacterCodingException notUtf8) {
      return "Malformed request body: it is not UTF-8 text";
    }
  }

  private static String unpaired(int c, int offset) {
    return String.format("Invalid string in the request body: \\u%04x at offset %d is half of a surrogate pair"
        + " without its other half", c, offset);
  }

  /** The value of four hex digits, or -1 (left for the JSON parser to refuse). */
  private static int hex4(byte[] json, int at) {
    int value = 0;
    for (int i = at; i < at + 4; i++) {
      int digit = Character.digit(json[i], 16);
      if (digit < 0) {
        return -1;
      }
      value = value * 16 + digit;
    }
    return value;
  }
}
