package io.ailake.iceberg;

import io.ailake.api.Sha256;
import java.util.HexFormat;

/**
 * ETags of loaded tables. Metadata files are immutable, so the metadata location and the snapshot
 * mode identify the response: a 304 needs only the pointer lookup.
 */
final class ETags {

  private ETags() {}

  static String of(String metadataLocation, SnapshotMode mode) {
    return '"' + HexFormat.of().formatHex(Sha256.of(mode.name() + '\n' + metadataLocation), 0, 16) + '"';
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
