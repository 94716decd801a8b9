package io.ailake.testing;

import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Requests sent exactly as written, to the service under test: a malformed percent-escape, any
 * Content-Type, any bytes (java.net.URI and rest-assured refuse or rewrite some of these). One
 * connection per request, closed by the server after its answer, read to the end; a stream of
 * Server-Sent Events, which has no end, is read to the end of its headers.
 */
public final class RawHttp {

  public record Answer(int status, String contentType, String body) {
    public JsonPath json() {
      return JsonPath.from(body);
    }
  }

  private RawHttp() {}

  public static Answer send(String method, String uri, Map<String, String> headers, byte[] body) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("Host", "localhost:" + RestAssured.port);
    all.put("Connection", "close");
    all.put("Authorization", TestTokens.bearer(TestTokens.defaultAdmin()));
    all.putAll(headers);
    all.values().removeIf(java.util.Objects::isNull); // a header given as null is not sent (no token at all)
    if (body != null) {
      all.put("Content-Length", String.valueOf(body.length));
    }
    StringBuilder head = new StringBuilder(method).append(' ').append(uri).append(" HTTP/1.1\r\n");
    all.forEach((name, value) -> head.append(name).append(": ").append(value.replace("\r", "").replace("\n", ""))
        .append("\r\n"));
    head.append("\r\n");
    try (Socket socket = new Socket("localhost", RestAssured.port)) {
      socket.setSoTimeout(90_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.UTF_8));
      if (body != null) {
        out.write(body);
      }
      out.flush();
      return parse(method, read(socket.getInputStream()));
    } catch (IOException e) {
      throw new UncheckedIOException("No answer to " + method + " " + uri, e);
    }
  }

  public static Answer get(String uri) {
    return send("GET", uri, Map.of(), null);
  }

  public static Answer post(String uri, String contentType, String body) {
    return send("POST", uri, Map.of("Content-Type", contentType), body.getBytes(StandardCharsets.UTF_8));
  }

  /** The answer to its end, or to the end of its headers when it is an event stream. */
  private static byte[] read(java.io.InputStream in) throws IOException {
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      answer.write(buffer, 0, n);
      String text = answer.toString(StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      if (end >= 0) {
        if (text.substring(0, end).toLowerCase(Locale.ROOT).contains("content-type: text/event-stream")) {
          return text.substring(0, end + 4).getBytes(StandardCharsets.ISO_8859_1);
        }
        answer.write(in.readAllBytes());
        break;
      }
    }
    return answer.toByteArray();
  }

  private static Answer parse(String method, byte[] answer) throws IOException {
    String text = new String(answer, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new IOException("Incomplete answer: " + text);
    }
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    byte[] content = java.util.Arrays.copyOfRange(answer, end + 4, answer.length);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      content = dechunk(content);
    }
    return new Answer(status, headers.get("content-type"), new String(content, StandardCharsets.UTF_8));
  }

  private static byte[] dechunk(byte[] chunked) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = 0;
    while (at < chunked.length) {
      int lineEnd = indexOf(chunked, at);
      String size = new String(chunked, at, lineEnd - at, StandardCharsets.ISO_8859_1).split(";")[0].trim();
      int length = Integer.parseInt(size, 16);
      if (length == 0) {
        break;
      }
      out.write(chunked, lineEnd + 2, length);
      at = lineEnd + 2 + length + 2;
    }
    return out.toByteArray();
  }

  private static int indexOf(byte[] bytes, int from) {
    for (int i = from; i + 1 < bytes.length; i++) {
      if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
        return i;
      }
    }
    return bytes.length;
  }
}
