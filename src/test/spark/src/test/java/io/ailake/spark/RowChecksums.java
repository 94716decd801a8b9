package io.ailake.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Rows compared as canonical lines: the same count and a checksum of every value, whatever their order. */
final class RowChecksums {

  private RowChecksums() {}

  /** Same count and checksum of every value; on a difference, the rows only one side has. */
  static void assertAgree(String what, List<String> actual, List<String> expected) throws Exception {
    List<String> missing = new ArrayList<>(expected);
    missing.removeAll(actual);
    List<String> extra = new ArrayList<>(actual);
    extra.removeAll(expected);
    assertThat(figures(actual)).as("%s: rows not read %s, rows read but not expected %s", what, missing, extra)
        .isEqualTo(figures(expected));
  }

  /** The count and a SHA-256 of the rows' canonical lines, sorted. */
  static String figures(List<String> lines) throws Exception {
    List<String> sorted = lines.stream().sorted().toList();
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    for (String line : sorted) {
      digest.update(line.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) '\n');
    }
    return sorted.size() + " rows, sha256 " + HexFormat.of().formatHex(digest.digest());
  }
}
