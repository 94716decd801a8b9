package io.ailake.iceberg;

import org.apache.iceberg.TableMetadata;

/** The {@code snapshots} parameter of loadTable: all snapshots, or only those a branch or tag references. */
enum SnapshotMode {
  ALL,
  REFS;

  static SnapshotMode parse(String value) {
    if (value == null || value.isEmpty() || value.equalsIgnoreCase("all")) {
      return ALL;
    }
    if (value.equalsIgnoreCase("refs")) {
      return REFS;
    }
    throw new IllegalArgumentException("Invalid snapshots mode: " + value + " (all or refs)");
  }

  TableMetadata apply(TableMetadata metadata) {
    if (this == ALL) {
      return metadata;
    }
    return TableMetadata.buildFrom(metadata)
        .withMetadataLocation(metadata.metadataFileLocation())
        .suppressHistoricalSnapshots()
        .build();
  }
}
