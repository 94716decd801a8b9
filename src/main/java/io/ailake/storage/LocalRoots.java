package io.ailake.storage;

import io.ailake.AilakeConfig;
import io.ailake.api.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where LOCAL storages may be. A LOCAL storage reaches whatever the service's process can read, so the
 * operator names the directories it may use ({@code ailake.storage.local-roots}); the service's own data
 * directory (its embedded PostgreSQL, its key) is never one, nor what holds it, nor anything in it but
 * the default warehouse's directory. Every comparison is between real paths.
 */
@ApplicationScoped
public class LocalRoots {

  private final AilakeConfig config;

  LocalRoots(AilakeConfig config) {
    this.config = config;
  }

  /**
   * Refuses (403) a real directory in or around the data directory and, unless the operator declared the
   * storage in configuration, one outside the allowed roots.
   */
  void require(Path real, boolean declaredInConfiguration) {
    Path dataDir = StoragePlaces.realPathOrNormal(Path.of(config.dataDir()));
    Optional<Path> warehouse = warehouseDirectory();
    if (dataDir.startsWith(real)) {
      throw forbidden("Directory %s holds the service's own data directory (ailake.data-dir); "
          + "a LOCAL storage cannot be there", real);
    }
    if (real.startsWith(dataDir) && warehouse.map(w -> !real.startsWith(w)).orElse(true)) {
      throw forbidden("Directory %s lies in the service's own data directory (ailake.data-dir), outside "
          + "the default warehouse; a LOCAL storage cannot be there", real);
    }
    if (declaredInConfiguration) {
      return;
    }
    List<Path> allowed = new ArrayList<>();
    warehouse.ifPresent(allowed::add);
    config.storage().localRoots().orElse(List.of()).stream()
        .filter(root -> !root.isBlank())
        .map(root -> StoragePlaces.realPathOrNormal(LocalFileIO.parse(root.trim())))
        .forEach(allowed::add);
    if (allowed.stream().noneMatch(real::startsWith)) {
      throw forbidden("Directory %s is outside the directories the operator allows for LOCAL storages "
          + "(ailake.storage.local-roots)", real);
    }
  }

  /**
   * Whether a registered storage obeys these rules now. A LOCAL storage an organization registered
   * before them may lie outside the allowed roots or in the data directory: it then grants nothing.
   */
  public boolean allows(ObjectStorage storage) {
    if (storage.storageType != ObjectStorage.Type.LOCAL || ObjectStorage.ORIGIN_DEFAULT.equals(storage.origin)) {
      return true;
    }
    try {
      require(StoragePlaces.realPathOrNormal(LocalFileIO.parse(storage.root)),
          ObjectStorage.ORIGIN_CONFIG.equals(storage.origin));
      return true;
    } catch (ApiException refused) {
      return false;
    }
  }

  /** 403 for a storage registered before these rules that breaks them, named with what it was to do. */
  public void requireAllowed(ObjectStorage storage, String use) {
    if (!allows(storage)) {
      throw forbidden("Object storage %s is a LOCAL directory outside the directories the operator allows "
          + "(ailake.storage.local-roots) or in the service's data directory; it cannot %s", storage.name, use);
    }
  }

  /** The default warehouse's directory, when it is on local disk. */
  Optional<Path> warehouseDirectory() {
    String location = config.warehouse().location().trim();
    return Storage.typeOf(location) == Storage.Type.LOCAL
        ? Optional.of(StoragePlaces.realPathOrNormal(LocalFileIO.parse(location)))
        : Optional.empty();
  }

  /** Refuses a default warehouse that is the data directory or holds it: a purge would reach the database. */
  void requireOutsideDataDirectory(Path warehouseDirectory) {
    Path dataDir = StoragePlaces.realPathOrNormal(Path.of(config.dataDir()));
    Path warehouse = StoragePlaces.realPathOrNormal(warehouseDirectory);
    if (dataDir.startsWith(warehouse)) {
      throw new IllegalStateException("The default warehouse's directory " + warehouse + " is the data directory"
          + " (ailake.data-dir " + dataDir + ") or holds it; use a directory of its own, e.g. <data-dir>/warehouse");
    }
  }

  private static ApiException forbidden(String detail, Object... args) {
    return new ApiException(403, "Forbidden", String.format(detail, args));
  }
}
