package io.ailake.storage;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An object storage as the admin API shows it: the AI Lake descriptors plus where it came from and
 * whether keys are sealed for it. Built from the row field by field, so a credential can only
 * appear here by someone adding it on purpose.
 */
@org.eclipse.microprofile.openapi.annotations.media.Schema(name = "ObjectStorage", requiredProperties = {"storageId", "name", "storageType", "storageConfig", "origin", "hasCredentials", "createdAt", "updatedAt"}, example = """
    {"storageId": "0b6d2f64-1e0a-4e8b-8a0e-5c1b2d3e4f50", "name": "s3-data-lake", "storageType": "S3",
    "storageConfig": {"bucket": "lake", "region": "us-east-1", "endpoint": "http://minio:9000",
    "pathStyleAccess": "true", "root": "s3://lake/raw"}, "origin": "api", "hasCredentials": true,
    "createdAt": "2026-05-07T10:15:30Z", "updatedAt": "2026-05-07T10:15:30Z"}""")
public record ObjectStorageView(
    String storageId,
    String name,
    String storageType,
    Map<String, String> storageConfig,
    String origin,
    boolean hasCredentials,
    Instant createdAt,
    Instant updatedAt) {

  @org.eclipse.microprofile.openapi.annotations.media.Schema(name = "ListAdminObjectStoragesResponse", example = """
      {"storages": [{"storageId": "0b6d2f64-1e0a-4e8b-8a0e-5c1b2d3e4f50", "name": "s3-data-lake", "storageType": "S3",
      "storageConfig": {"bucket": "lake", "root": "s3://lake/raw"}, "origin": "api", "hasCredentials": true,
      "createdAt": "2026-05-07T10:15:30Z", "updatedAt": "2026-05-07T10:15:30Z"}]}""")
  public record Listing(List<ObjectStorageView> storages) {}

  public static ObjectStorageView of(ObjectStorage storage) {
    return new ObjectStorageView(
        storage.id.toString(),
        storage.name,
        storage.storageType.name(),
        storage.storageConfig(),
        storage.origin,
        storage.sealedSecret != null,
        storage.createdAt,
        storage.updatedAt);
  }
}
