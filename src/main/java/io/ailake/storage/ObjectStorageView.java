package io.ailake.storage;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An object storage as the admin API shows it: the AI Lake descriptors plus where it came from and
 * whether keys are sealed for it. Built from the row field by field, so a credential can only
 * appear here by someone adding it on purpose.
 */
public record ObjectStorageView(
    String storageId,
    String name,
    String storageType,
    Map<String, String> storageConfig,
    String origin,
    boolean hasCredentials,
    Instant createdAt,
    Instant updatedAt) {

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
