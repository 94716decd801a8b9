package io.ailake.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which spellings of a location count as inside a root: containment by whole path segments. */
class OrganizationLocationsTest {

  private static final List<String> ROOTS = List.of(
      OrganizationLocations.normalize("file:/srv/lake").orElseThrow(),
      OrganizationLocations.normalize("s3://bucket/org-a").orElseThrow());

  @Test
  void theSamePlaceSpelledDifferentlyIsInside() {
    assertThat(List.of(
            "file:/srv/lake/ns/t", "file:///srv/lake/ns/t", "FILE:/srv/lake/ns/t", "/srv/lake/ns/t", "/srv/lake/ns/t/",
            "/srv/lake", "s3://bucket/org-a/t", "s3a://bucket/org-a/t/", "s3n://bucket/org-a"))
        .allMatch(location -> OrganizationLocations.isUnderAny(location, ROOTS));
  }

  /** {@code ..} after a symlink leads elsewhere than the lexical answer, so no such spelling is inside. */
  @Test
  void aSiblingWithTheSameNamePrefixOrAnEscapeIsOutside() {
    assertThat(List.of(
            "/srv/lake2/t", "file:/srv/lake/../lake2/t", "/srv", "relative/lake/t", "", "  ",
            "/srv/other/../lake/t", "/srv/lake/link/../t", "/srv/lake/./t",
            "s3://bucket/org-a2/t", "s3://bucket/org-a/../org-b/t", "s3://bucket/org-a/./t", "s3://bucket/org-a//t",
            "s3://other/org-a/t", "gs://bucket/org-a/t", "hdfs:/srv/lake/t"))
        .noneMatch(location -> OrganizationLocations.isUnderAny(location, ROOTS));
  }
}
