package io.ailake.iceberg;

import io.ailake.AilakeConfig;
import io.ailake.api.Names;
import io.ailake.auth.Caller;
import io.ailake.storage.LocalFileIO;
import io.ailake.storage.Storage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NoSuchWarehouseException;

/** Resolves the warehouse a request names, and registers warehouses. */
@ApplicationScoped
public class WarehouseService {

  private final AilakeConfig config;
  private final Caller caller;

  WarehouseService(AilakeConfig config, Caller caller) {
    this.config = config;
    this.caller = caller;
  }

  /**
   * The caller's warehouse named {@code name}; without a name, the configured default one, or else the
   * organization's first by name. Only a ready warehouse serves the catalog: one being provisioned or
   * deleted does not exist for engines. Another organization's warehouse does not exist either.
   */
  public Warehouse resolve(String name) {
    UUID organizationId = caller.organizationId();
    String wanted = name == null || name.isBlank() ? config.warehouse().name() : name;
    Warehouse warehouse =
        Warehouse.findByName(organizationId, wanted)
            .or(() -> name == null || name.isBlank()
                ? Warehouse.<Warehouse>find("organizationId = ?1 order by name", organizationId).firstResultOptional()
                : java.util.Optional.empty())
            .orElseThrow(() -> new NoSuchWarehouseException("Warehouse does not exist: %s", wanted));
    if (!Warehouse.READY.equals(warehouse.state)) {
      throw new NoSuchWarehouseException("Warehouse is not ready: %s (%s)", wanted, warehouse.state);
    }
    return warehouse;
  }

  public String defaultWarehouseName() {
    return config.warehouse().name();
  }

  /** Registers a warehouse rooted at {@code location} (a directory, file: URI or s3:// URI). */
  @Transactional
  public Warehouse create(UUID organizationId, String name, String location, Storage storage) {
    if (!Names.isValid(name)) {
      throw new IllegalArgumentException("Invalid warehouse name: " + name + " (" + Names.RULE + ")");
    }
    if (Warehouse.findByName(organizationId, name).isPresent()) {
      throw new AlreadyExistsException("Warehouse already exists: %s", name);
    }
    Warehouse warehouse = new Warehouse();
    warehouse.id = UUID.randomUUID();
    warehouse.organizationId = organizationId;
    warehouse.name = name;
    warehouse.location = normalizeLocation(location, storage.type());
    warehouse.storageType = storage.type();
    warehouse.s3Endpoint = storage.endpoint();
    warehouse.s3Region = storage.region();
    warehouse.s3PathStyle = storage.pathStyleAccess();
    warehouse.persist();
    return warehouse;
  }

  /** Local directories become absolute {@code file:} URIs (created if missing); no trailing slash. */
  static String normalizeLocation(String location, Storage.Type type) {
    String trimmed = MetadataFiles.stripSlash(location.trim());
    if (type == Storage.Type.S3) {
      return trimmed;
    }
    Path dir = LocalFileIO.parse(trimmed).toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the warehouse directory " + dir, e);
    }
    return LocalFileIO.location(dir);
  }
}
