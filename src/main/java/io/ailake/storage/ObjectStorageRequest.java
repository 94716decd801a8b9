package io.ailake.storage;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body of a create or a patch of an object storage. On create every rule applies; on patch a
 * field left out (or null) keeps its value. An S3 location is {@code bucket} (+ {@code prefix}) or
 * {@code root} = {@code s3://bucket[/prefix]}; a LOCAL storage takes an absolute directory as {@code root}.
 */
@Schema(name = "ObjectStorageRequest", example = """
    {"name": "s3-data-lake", "storageType": "S3", "bucket": "lake", "prefix": "raw", "endpoint": "http://minio:9000",
    "region": "us-east-1", "pathStyleAccess": true, "accessKeyId": "AKIA...", "secretAccessKey": "..."}""")
public record ObjectStorageRequest(
    @Schema(example = "s3-data-lake") String name,
    @Schema(description = "S3, MINIO or LOCAL (any case)", example = "S3") String storageType,
    @Schema(example = "lake") String bucket,
    @Schema(example = "raw/events") String prefix,
    @Schema(description = "s3://bucket[/prefix], or an absolute directory for LOCAL") String root,
    @Schema(example = "http://minio:9000") String endpoint,
    @Schema(example = "us-east-1") String region,
    @Schema(description = "Path-style addressing; default true for MINIO, false for S3") Boolean pathStyleAccess,
    String accessKeyId,
    @Schema(description = "Write-only: sealed at rest, never returned") String secretAccessKey) {

  static ObjectStorageRequest named(String name) {
    return new ObjectStorageRequest(name, null, null, null, null, null, null, null, null, null);
  }
}
