package io.ailake.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ailake.api.ApiException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The streaming multipart/form-data reader: what a client's body turns into, however the bytes arrive. */
class MultipartFilesTest {

  private static final String BOUNDARY = "----ailake-test-boundary-7MA4YWxkTrZu0gW";
  private static final String TYPE = "multipart/form-data; boundary=" + BOUNDARY;

  /** A part as the consumer saw it. */
  record Seen(String field, String fileName, String contentType, boolean formField, byte[] content) {
    String text() {
      return new String(content, StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void aDelimiterSplitAtEveryOffsetAcrossReadsEndsThePartAtTheSameByte() {
    for (int readSize = 1; readSize <= BOUNDARY.length() + 8; readSize++) {
      for (int contentLength = 0; contentLength <= 2 * BOUNDARY.length() + 8; contentLength++) {
        byte[] first = bytes(contentLength, 'a' + contentLength % 26);
        byte[] second = bytes(contentLength + 3, 'A' + contentLength % 26);
        byte[] body = body(file("one.bin", first), file("two.bin", second));
        List<Seen> parts = parse(new Trickle(body, readSize, false), 1 + contentLength % 5);
        assertThat(parts).as("read size %d, content length %d", readSize, contentLength).hasSize(2);
        assertThat(parts.get(0).content()).isEqualTo(first);
        assertThat(parts.get(1).content()).isEqualTo(second);
      }
    }
  }

  @Test
  void aDelimiterAcrossTheReadBufferEdgeAtEveryOffsetEndsThePartAtTheSameByte() {
    int edge = MultipartStream.BUFFER_BYTES;
    int delimiter = ("\r\n--" + BOUNDARY).length();
    for (int contentLength = edge - 2 * delimiter - 200; contentLength <= edge + delimiter; contentLength++) {
      byte[] first = bytes(contentLength, 'x');
      byte[] second = bytes(17, 'y');
      byte[] body = body(file("one.bin", first), file("two.bin", second));
      // whole reads: the buffer fills to its end, so the delimiter falls on each side of its edge in turn
      List<Seen> parts = parse(new Trickle(body, Integer.MAX_VALUE, true), 8192);
      assertThat(parts).as("content length %d", contentLength).hasSize(2);
      assertThat(parts.get(0).content()).as("content length %d", contentLength).isEqualTo(first);
      assertThat(parts.get(1).content()).isEqualTo(second);
    }
  }

  @Test
  void contentWithLineBreaksDashesAndAlmostTheBoundaryIsKeptByteForByte() {
    String[] nearMisses = {"\r\n--" + BOUNDARY.substring(0, BOUNDARY.length() - 1), "\r\n-" + BOUNDARY,
        "\n--" + BOUNDARY, "--" + BOUNDARY, "\r--" + BOUNDARY, "\r\n--", "\r\n", "\r", "\r\r\n\r\n--",
        "\r\n--" + BOUNDARY.substring(0, 10) + "X" + BOUNDARY.substring(11), "\r\n--" + BOUNDARY.toUpperCase()};
    StringBuilder content = new StringBuilder("start");
    for (String miss : nearMisses) {
      content.append(miss).append("|");
    }
    for (String miss : nearMisses) {
      // a content that ends with a near miss, right before the real delimiter
      String text = content + miss;
      for (int readSize : new int[] {1, 5, 13, 4096}) {
        List<Seen> parts = parse(new Trickle(body(file("f.csv", text.getBytes(StandardCharsets.ISO_8859_1)),
            field("note", "\r\n--")), readSize, false), 3);
        assertThat(parts).hasSize(2);
        assertThat(parts.get(0).text()).isEqualTo(text);
        assertThat(parts.get(1).text()).isEqualTo("\r\n--");
      }
    }
  }

  @Test
  void severalPartsWithPreambleAndEpilogueAreHandedOverInOrderWithTheirNamesAndTypes() {
    String body = "This is the preamble, ignored.\r\n--" + BOUNDARY + "\r\n"
        + "Content-Disposition: form-data; name=\"file\"; filename=\"orders 1.csv\"\r\n"
        + "Content-Type: text/csv\r\n\r\n"
        + "id,amount\r\n1,2\r\n"
        + "\r\n--" + BOUNDARY + "  \t\r\n" // transport padding after the boundary
        + "content-disposition: form-data; name=comment\r\n\r\n"
        + "hello"
        + "\r\n--" + BOUNDARY + "\r\n"
        + "Content-Disposition: form-data; name=\"file\"; filename=\"C:\\data\\b.ndjson\"\r\n"
        + "Content-Type: application/x-ndjson\r\n\r\n"
        + "\r\n--" + BOUNDARY + "\r\n"
        + "Content-Disposition: form-data; name=\"file\"; filename=\"plain.txt\";"
        + " filename*=UTF-8''na%C3%AFve%20%E2%82%AC.csv\r\n\r\n"
        + "x"
        + "\r\n--" + BOUNDARY + "--\r\nThe epilogue, ignored, with a --" + BOUNDARY + " in it.\r\n";
    List<Seen> parts = parse("multipart/form-data; charset=utf-8; boundary=\"" + BOUNDARY + "\"",
        new Trickle(body.getBytes(StandardCharsets.UTF_8), 7, false), 2);

    assertThat(parts).extracting(Seen::field).containsExactly("file", "comment", "file", "file");
    assertThat(parts).extracting(Seen::fileName)
        .containsExactly("orders 1.csv", null, "C:\\data\\b.ndjson", "na\u00efve \u20ac.csv");
    assertThat(parts).extracting(Seen::contentType)
        .containsExactly("text/csv", null, "application/x-ndjson", null);
    assertThat(parts).extracting(Seen::formField).containsExactly(false, true, false, false);
    assertThat(parts).extracting(Seen::text).containsExactly("id,amount\r\n1,2\r\n", "hello", "", "x");
  }

  @Test
  void aBodyThatBeginsWithItsDelimiterAndEndsWithoutALineBreakIsRead() {
    String body = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\n"
        + "abc\r\n--" + BOUNDARY + "--";
    assertThat(parse(TYPE, new Trickle(body.getBytes(StandardCharsets.UTF_8), 3, false), 1))
        .extracting(Seen::text).containsExactly("abc");
  }

  @Test
  void partsWithoutAFormDataNameArePassedOver() {
    String body = "--" + BOUNDARY + "\r\nContent-Type: text/plain\r\n\r\nno disposition"
        + "\r\n--" + BOUNDARY + "\r\nContent-Disposition: attachment; name=\"file\"\r\n\r\nnot form-data"
        + "\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; filename=\"x\"\r\n\r\nno name"
        + "\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"kept\"\r\n\r\nkept"
        + "\r\n--" + BOUNDARY + "--\r\n";
    assertThat(parse(TYPE, new Trickle(body.getBytes(StandardCharsets.UTF_8), 1000, false), 4))
        .extracting(Seen::text).containsExactly("kept");
  }

  @Test
  void aConsumerThatStopsEarlyOrReadsNothingLeavesTheNextPartIntact() {
    byte[] big = random(300_000, 1);
    byte[] body = body(file("a.bin", big), file("b.bin", big), file("c.bin", "last".getBytes(StandardCharsets.UTF_8)));
    List<String> seen = new ArrayList<>();
    MultipartFiles.each(TYPE, body.length, new Trickle(body, 5000, true), part -> {
      if (part.fileName().equals("a.bin")) {
        part.content().readNBytes(1000); // stops early
      } else if (part.fileName().equals("c.bin")) {
        seen.add(new String(part.content().readAllBytes(), StandardCharsets.UTF_8));
      }
      seen.add(part.fileName());
    });
    assertThat(seen).containsExactly("a.bin", "b.bin", "last", "c.bin");
  }

  @Test
  void binaryFilesRoundTripWithTheSameSha256() throws Exception {
    Random random = new Random(26);
    for (int round = 0; round < 4; round++) {
      byte[] one = random(3_000_000 + random.nextInt(100_000), random.nextLong());
      byte[] two = random(random.nextInt(200_000), random.nextLong());
      byte[] body = body(file("one.parquet", one), file("two.parquet", two));
      List<String> digests = new ArrayList<>();
      MultipartFiles.each(TYPE, body.length, new Trickle(body, 1 + random.nextInt(70_000), random.nextBoolean()),
          part -> {
            UploadStream in = new UploadStream(part.content(), Long.MAX_VALUE);
            in.drain();
            digests.add(in.sha256());
          });
      assertThat(digests).containsExactly(sha256(one), sha256(two));
    }
  }

  @Test
  void aBodyCutShortAnywhereIsA400AndNeverAnotherFailure() {
    byte[] body = body(file("a.csv", "id\n1\n2\n".getBytes(StandardCharsets.UTF_8)), field("note", "n"));
    for (int cut = 0; cut < body.length - 2; cut++) { // the close delimiter's CRLF may go
      byte[] truncated = java.util.Arrays.copyOf(body, cut);
      assertThatThrownBy(() -> parse(new Trickle(truncated, 3, false), 2))
          .as("cut at %d", cut)
          .isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).startsWith("The body is no well-formed multipart/form-data");
          });
    }
  }

  @Test
  void aBodyWithoutItsCloseDelimiterIsA400AndItsLastPartNeverEnds() {
    String body = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nabc\r\n";
    List<String> contents = new ArrayList<>();
    assertThatThrownBy(() -> MultipartFiles.each(TYPE, -1,
        new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)),
        part -> contents.add(new String(part.content().readAllBytes(), StandardCharsets.UTF_8))))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.getMessage()).contains("ends before its closing boundary");
        });
    assertThat(contents).isEmpty();
  }

  @Test
  void aConsumerThatWrapsTheReadFailureStillAnswers400() {
    String body = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nabc";
    assertThatThrownBy(() -> MultipartFiles.each(TYPE, -1,
        new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), part -> {
          try {
            part.content().readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException("the parser's own words", e);
          }
        }))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
  }

  @Test
  void aBoundaryLineThatGoesOnOrABodyWithoutItsBoundaryIsA400() {
    assertBadRequest(TYPE, "no boundary in here at all", "no boundary line");
    assertBadRequest(TYPE, "--" + BOUNDARY + "X\r\n\r\nabc\r\n--" + BOUNDARY + "--", "goes on after the boundary");
    assertBadRequest(TYPE, "--" + BOUNDARY, "ends after a boundary");
    assertBadRequest(TYPE, "--" + BOUNDARY + "\r\n", "ends in a part's headers");
  }

  @Test
  void headersLargerThanTheCapAreA400BeforeTheyFillMemory() {
    String huge = "X-Filler: " + "a".repeat(MultipartStream.MAX_HEADER_BYTES) + "\r\n";
    assertBadRequest(TYPE, "--" + BOUNDARY + "\r\n" + huge + "\r\nabc\r\n--" + BOUNDARY + "--", "larger than");
    String many = "X-Small: a\r\n".repeat(MultipartStream.MAX_HEADER_BYTES / 12 + 1);
    assertBadRequest(TYPE, "--" + BOUNDARY + "\r\n" + many + "\r\nabc\r\n--" + BOUNDARY + "--", "larger than");
    // a header line with no end, longer than the read buffer
    byte[] endless = ("--" + BOUNDARY + "\r\nX: " + "b".repeat(3 * MultipartStream.BUFFER_BYTES))
        .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> parse(new Trickle(endless, Integer.MAX_VALUE, true), 10))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).contains("larger than"));
    // just under the cap is fine
    String fits = "X-Filler: " + "a".repeat(MultipartStream.MAX_HEADER_BYTES - 200) + "\r\n";
    assertThat(parse(TYPE, new ByteArrayInputStream(("--" + BOUNDARY + "\r\n" + fits
        + "Content-Disposition: form-data; name=\"file\"\r\n\r\nabc\r\n--" + BOUNDARY + "--")
        .getBytes(StandardCharsets.UTF_8)), 10)).extracting(Seen::text).containsExactly("abc");
  }

  @Test
  void aContentTypeWithoutAUsableBoundaryIsA400AndAnotherTypeA415() {
    String body = "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nx\r\n--b--";
    assertBadRequest("multipart/form-data", body, "names no boundary");
    assertBadRequest("multipart/form-data; boundary=", body, "names no boundary");
    assertBadRequest("multipart/form-data; boundary=" + "b".repeat(71), body, "1 to 70");
    assertBadRequest("multipart/form-data; boundary=\"caf\u00e9\"", body, "printable ASCII");
    assertThat(parse("multipart/form-data; boundary=" + "b".repeat(70),
        new ByteArrayInputStream(body.replace("--b", "--" + "b".repeat(70)).getBytes(StandardCharsets.UTF_8)), 1))
        .extracting(Seen::text).containsExactly("x");
    assertThatThrownBy(() -> MultipartFiles.each("application/json", -1, new ByteArrayInputStream(new byte[0]),
        part -> {})).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(415));
  }

  // ---- bodies and how they arrive ----------------------------------------------------------------

  private static String file(String name, byte[] content) {
    return "Content-Disposition: form-data; name=\"file\"; filename=\"" + name + "\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n" + new String(content, StandardCharsets.ISO_8859_1);
  }

  private static String field(String name, String value) {
    return "Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value;
  }

  /** The parts (headers and content, as Latin-1 text) between delimiters, then the close delimiter. */
  private static byte[] body(String... parts) {
    StringBuilder body = new StringBuilder();
    for (String part : parts) {
      body.append("--").append(BOUNDARY).append("\r\n").append(part).append("\r\n");
    }
    body.append("--").append(BOUNDARY).append("--\r\n");
    return body.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private static List<Seen> parse(InputStream in, int consumerReadSize) {
    return parse(TYPE, in, consumerReadSize);
  }

  /** Every part, its content read in reads of at most {@code consumerReadSize} bytes. */
  private static List<Seen> parse(String contentType, InputStream in, int consumerReadSize) {
    List<Seen> parts = new ArrayList<>();
    MultipartFiles.each(contentType, -1, in, part -> {
      ByteArrayOutputStream content = new ByteArrayOutputStream();
      byte[] buffer = new byte[consumerReadSize];
      int n;
      while ((n = consumerReadSize == 1 ? single(part.content(), buffer) : part.content().read(buffer)) >= 0) {
        content.write(buffer, 0, n);
      }
      parts.add(new Seen(part.field(), part.fileName(), part.contentType(), part.formField(), content.toByteArray()));
    });
    return parts;
  }

  private static int single(InputStream in, byte[] buffer) throws IOException {
    int b = in.read();
    if (b < 0) {
      return -1;
    }
    buffer[0] = (byte) b;
    return 1;
  }

  private static void assertBadRequest(String contentType, String body, String why) {
    assertThatThrownBy(() -> parse(contentType, new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), 100))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.getMessage()).startsWith("The body is no well-formed multipart/form-data").contains(why);
        });
  }

  private static byte[] bytes(int length, int value) {
    byte[] bytes = new byte[length];
    java.util.Arrays.fill(bytes, (byte) value);
    return bytes;
  }

  private static byte[] random(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static String sha256(byte[] bytes) throws Exception {
    return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /**
   * A body that arrives at most {@code readSize} bytes per read, cycling through 1 to that many so the
   * split points move; with {@code saysAvailable} it reports what is left, as a network stream with data at
   * hand does, so that the reader fills its whole buffer.
   */
  private static final class Trickle extends InputStream {
    private final byte[] bytes;
    private final int readSize;
    private final boolean saysAvailable;
    private int position;
    private int next = 1;

    Trickle(byte[] bytes, int readSize, boolean saysAvailable) {
      this.bytes = bytes;
      this.readSize = readSize;
      this.saysAvailable = saysAvailable;
    }

    @Override
    public int read() {
      return position < bytes.length ? bytes[position++] & 0xff : -1;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (position >= bytes.length) {
        return -1;
      }
      int size = readSize == Integer.MAX_VALUE ? length : Math.min(length, next);
      next = next % readSize + 1;
      int n = Math.min(size, bytes.length - position);
      System.arraycopy(bytes, position, buffer, offset, n);
      position += n;
      return n;
    }

    @Override
    public int available() {
      return saysAvailable ? bytes.length - position : 0;
    }
  }
}
