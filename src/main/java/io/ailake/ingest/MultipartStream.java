package io.ailake.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A multipart body (RFC 2046, section 5.1) read part by part as it streams: the preamble is skipped, each
 * part's header lines are read (a capped block), then its content is handed out in whole runs of bytes up to
 * where the next delimiter may begin; the CRLF before a delimiter belongs to the delimiter, and the close
 * delimiter ends the body (its epilogue is not read). A body that ends before the close delimiter, or whose
 * delimiter or headers are malformed, is {@link Malformed}, and stays so for every later call.
 *
 * <p>Written here rather than taken from Commons FileUpload: its per-byte boundary search in 4 KiB buffers
 * was the upload's bottleneck; this one skips through a large buffer (Boyer-Moore-Horspool).
 */
final class MultipartStream {

  /** The body breaks the multipart syntax; the message says where. */
  static final class Malformed extends IOException {
    Malformed(String message) {
      super(message, null);
    }
  }

  /** The read buffer: content is handed out from it in runs of up to this size. */
  static final int BUFFER_BYTES = 128 * 1024;
  /** The most header bytes (lines and their line breaks) one part may have. */
  static final int MAX_HEADER_BYTES = 16 * 1024;
  /** The most spaces and tabs (transport padding) a delimiter line may end with. */
  private static final int MAX_PADDING = 1024;

  private enum State { PREAMBLE, HEADERS, CONTENT, DELIMITER, DONE }

  private final InputStream in;
  /** CRLF, "--", then the boundary. */
  private final byte[] delimiter;
  /** Horspool's shift for each byte value found at the end of the window. */
  private final int[] shift = new int[256];
  private final byte[] buffer = new byte[BUFFER_BYTES];
  private int position;
  private int limit;
  /** The bytes from {@code position} up to here are content for sure (a delimiter may begin here, or not). */
  private int runEnd;
  /** Whether a whole delimiter begins at {@code runEnd}. */
  private boolean delimiterAtRunEnd;
  private State state = State.PREAMBLE;
  private Malformed failure;
  /** Counts the parts, so that the content stream of a part gone by reads nothing. */
  private int part;

  MultipartStream(InputStream in, String boundary) {
    this.in = in;
    this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    int length = delimiter.length;
    Arrays.fill(shift, length);
    for (int i = 0; i < length - 1; i++) {
      shift[delimiter[i] & 0xff] = length - 1 - i;
    }
    // a body may begin with its first delimiter, without the CRLF that belongs to it
    buffer[0] = '\r';
    buffer[1] = '\n';
    limit = 2;
  }

  /** Moves to the next part (past what is left of the current one); false after the close delimiter. */
  boolean next() throws IOException {
    failIfFailed();
    try {
      while (state == State.PREAMBLE || state == State.CONTENT || state == State.HEADERS) {
        if (state == State.HEADERS) {
          headers();
        }
        if (contentRun() > 0) {
          position = runEnd; // skipped: preamble, or the rest of a part
        }
      }
      if (state == State.DONE) {
        return false;
      }
      position += delimiter.length;
      require(2, "the body ends after a boundary");
      if (buffer[position] == '-' && buffer[position + 1] == '-') {
        state = State.DONE;
        return false;
      }
      for (int padding = 0; ; padding++) {
        require(1, "the body ends after a boundary");
        byte b = buffer[position];
        if (b != ' ' && b != '\t') {
          break;
        }
        if (padding == MAX_PADDING) {
          throw new Malformed("a boundary line goes on after the boundary");
        }
        position++;
      }
      require(2, "the body ends after a boundary");
      if (buffer[position] != '\r' || buffer[position + 1] != '\n') {
        throw new Malformed("a boundary line goes on after the boundary");
      }
      position += 2;
      state = State.HEADERS;
      part++;
      return true;
    } catch (Malformed e) {
      failure = e;
      throw e;
    }
  }

  /** The current part's header lines, unfolded, as UTF-8; the part's content follows. */
  List<String> headers() throws IOException {
    failIfFailed();
    if (state != State.HEADERS) {
      throw new IllegalStateException("headers are read once, right after next()");
    }
    List<String> lines = new ArrayList<>();
    int total = 0;
    try {
      while (true) {
        int end = indexOf((byte) '\n', position, limit);
        if (end < 0) {
          if (total + (limit - position) > MAX_HEADER_BYTES) {
            throw new Malformed("a part's headers are larger than " + MAX_HEADER_BYTES + " bytes");
          }
          if (!fill()) {
            throw new Malformed("the body ends in a part's headers");
          }
          continue;
        }
        total += end + 1 - position;
        if (total > MAX_HEADER_BYTES) {
          throw new Malformed("a part's headers are larger than " + MAX_HEADER_BYTES + " bytes");
        }
        int lineEnd = end > position && buffer[end - 1] == '\r' ? end - 1 : end;
        String line = new String(buffer, position, lineEnd - position, StandardCharsets.UTF_8);
        position = end + 1;
        if (line.isEmpty()) {
          break;
        }
        boolean folded = (line.charAt(0) == ' ' || line.charAt(0) == '\t') && !lines.isEmpty();
        if (folded) {
          lines.set(lines.size() - 1, lines.get(lines.size() - 1) + " " + line.strip());
        } else {
          lines.add(line);
        }
      }
    } catch (Malformed e) {
      failure = e;
      throw e;
    }
    runEnd = position;
    delimiterAtRunEnd = false;
    state = State.CONTENT;
    return lines;
  }

  /** The current part's content, from after its headers to its delimiter. */
  InputStream content() {
    if (state != State.CONTENT) {
      throw new IllegalStateException("a part's content follows its headers");
    }
    return new Content(part);
  }

  /**
   * The bytes of content (or preamble) at {@code position} before a delimiter may begin, reading more of
   * the body when none are known yet; 0 when a delimiter begins at {@code position} (the state turns to
   * DELIMITER). A body that ends first is malformed.
   */
  private int contentRun() throws IOException {
    while (true) {
      if (position < runEnd) {
        return runEnd - position;
      }
      if (delimiterAtRunEnd && position == runEnd) {
        delimiterAtRunEnd = false;
        state = State.DELIMITER;
        return 0;
      }
      if (position < limit) {
        search();
        if (position < runEnd || delimiterAtRunEnd) {
          continue;
        }
      }
      if (!fill()) {
        throw new Malformed(state == State.PREAMBLE ? "the body holds no boundary line of its Content-Type"
            : "the body ends before its closing boundary");
      }
    }
  }

  /** Sets {@code runEnd}: the first whole delimiter at or after {@code position}, else where one may begin. */
  private void search() {
    int length = delimiter.length;
    byte last = delimiter[length - 1];
    int i = position;
    while (i <= limit - length) {
      byte b = buffer[i + length - 1];
      if (b == last && Arrays.equals(buffer, i, i + length, delimiter, 0, length)) {
        runEnd = i;
        delimiterAtRunEnd = true;
        return;
      }
      i += shift[b & 0xff];
    }
    delimiterAtRunEnd = false;
    for (int p = Math.max(position, limit - length + 1); p < limit; p++) {
      if (buffer[p] == '\r' && Arrays.equals(buffer, p, limit, delimiter, 0, limit - p)) {
        runEnd = p;
        return;
      }
    }
    runEnd = limit;
  }

  /** Makes {@code count} bytes available at {@code position}, or fails with {@code why}. */
  private void require(int count, String why) throws IOException {
    while (limit - position < count) {
      if (!fill()) {
        throw new Malformed(why);
      }
    }
  }

  /**
   * Moves the unread bytes to the buffer's start and reads more of the body after them (while the body
   * has more at hand and there is room); false at the body's end.
   */
  private boolean fill() throws IOException {
    if (position == 0 && limit == buffer.length) {
      throw new IllegalStateException("the buffer is full of bytes that are not handed out");
    }
    if (position > 0) {
      int shifted = position;
      System.arraycopy(buffer, position, buffer, 0, limit - position);
      limit -= shifted;
      runEnd = Math.max(runEnd - shifted, 0);
      position = 0;
    }
    int read = in.read(buffer, limit, buffer.length - limit);
    while (read == 0) {
      read = in.read(buffer, limit, buffer.length - limit);
    }
    if (read < 0) {
      return false;
    }
    limit += read;
    while (limit < buffer.length && in.available() > 0) {
      read = in.read(buffer, limit, buffer.length - limit);
      if (read <= 0) {
        break;
      }
      limit += read;
    }
    return true;
  }

  private void failIfFailed() throws Malformed {
    if (failure != null) {
      throw failure;
    }
  }

  private int indexOf(byte value, int from, int to) {
    for (int i = from; i < to; i++) {
      if (buffer[i] == value) {
        return i;
      }
    }
    return -1;
  }

  /** One part's content: runs of the buffer up to the next delimiter, then -1. */
  private final class Content extends InputStream {
    private final int ofPart;

    Content(int ofPart) {
      this.ofPart = ofPart;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
      java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
      int run = run();
      if (run < 0) {
        return -1;
      }
      if (length == 0) {
        return 0;
      }
      int n = Math.min(run, length);
      System.arraycopy(buffer, position, bytes, offset, n);
      position += n;
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      int run = run();
      if (run <= 0 || n <= 0) {
        return 0;
      }
      int skipped = (int) Math.min(run, n);
      position += skipped;
      return skipped;
    }

    @Override
    public int available() {
      return ofPart == part && state == State.CONTENT && position < runEnd ? runEnd - position : 0;
    }

    /** The bytes at hand before a delimiter may begin, or -1 at the part's end. */
    private int run() throws IOException {
      failIfFailed();
      if (ofPart != part || state != State.CONTENT) {
        return -1;
      }
      try {
        int run = contentRun();
        return run == 0 ? -1 : run;
      } catch (Malformed e) {
        failure = e;
        throw e;
      }
    }
  }
}
