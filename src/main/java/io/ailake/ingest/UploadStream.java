package io.ailake.ingest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A file part's bytes as they stream: counted against the per-file cap and hashed (SHA-256) on the way. */
final class UploadStream extends FilterInputStream {

  /** The file goes past the cap; what was read of it so far is all that was read. */
  static final class TooLarge extends IOException {
    TooLarge(long cap) {
      super(String.format("the file is larger than %d bytes (ailake.ingest.max-file-bytes)", cap), null);
    }
  }

  private final long cap;
  private final MessageDigest digest;
  private long count;
  /** A part's stream closes itself at its end: nothing is read from it after that. */
  private boolean ended;

  UploadStream(InputStream in, long cap) {
    super(in);
    this.cap = cap;
    try {
      this.digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public int read() throws IOException {
    if (ended) {
      return -1;
    }
    int b = super.read();
    ended = b < 0;
    if (b >= 0) {
      counted(1);
      digest.update((byte) b);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (ended) {
      return -1;
    }
    int n = super.read(buffer, offset, length);
    ended = n < 0;
    if (n > 0) {
      counted(n);
      digest.update(buffer, offset, n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // skipped bytes must be hashed too
    byte[] buffer = new byte[(int) Math.min(n, 8192)];
    int read = read(buffer, 0, buffer.length);
    return Math.max(read, 0);
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /** Reads what is left of the part (a parser may stop before its end), so that count and hash cover it all. */
  void drain() throws IOException {
    byte[] buffer = new byte[64 * 1024];
    while (read(buffer, 0, buffer.length) >= 0) {
      // counted and hashed
    }
  }

  long count() {
    return count;
  }

  String sha256() {
    return HexFormat.of().formatHex(digest.digest());
  }

  private void counted(int n) throws TooLarge {
    count += n;
    if (count > cap) {
      throw new TooLarge(cap);
    }
  }
}
