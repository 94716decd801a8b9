package io.ailake.iceberg;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * ETags of loaded tables. Metadata files are immutable, so the metadata location and the snapshot
 * mode identify the response: a 304 needs only the pointer lookup.
 */
final class ETags {

  private ETags() {}

  static String of(String metadataLocation, SnapshotMode mode) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] hash = digest.digest((mode.name() + '\n' + metadataLocation).getBytes(StandardCharsets.UTF_8));
      return '"' + HexFormat.of().formatHex(hash, 0, 16) + '"';
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** True when the If-None-Match header lists the tag (weak or strong) or is {@code *}. */
  static boolean matches(String ifNoneMatch, String etag) {
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.trim();
      if (tag.startsWith("W/")) {
        tag = tag.substring(2);
      }
      if (tag.equals("*") || tag.equals(etag)) {
        return true;
      }
    }
    return false;
  }
}
