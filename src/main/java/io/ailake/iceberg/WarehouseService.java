package io.ailake.iceberg;

import io.ailake.AilakeConfig;
import io.ailake.api.Names;
import io.ailake.organization.Organizations;
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

  WarehouseService(AilakeConfig config) {
    this.config = config;
  }

  /**
   * The warehouse named {@code name}, or the default one when no name is given. Only a ready warehouse
   * serves the catalog: one being provisioned or deleted does not exist for engines.
   */
  public Warehouse resolve(String name) {
    String wanted = name == null || name.isBlank() ? config.warehouse().name() : name;
    Warehouse warehouse =
        Warehouse.findByName(Organizations.DEFAULT_ID, wanted)
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
  public Warehouse create(String name, String location, Storage storage) {
    if (!Names.isValid(name)) {
      throw new IllegalArgumentException("Invalid warehouse name: " + name + " (" + Names.RULE + ")");
    }
    if (Warehouse.findByName(Organizations.DEFAULT_ID, name).isPresent()) {
      throw new AlreadyExistsException("Warehouse already exists: %s", name);
    }
    Warehouse warehouse = new Warehouse();
    warehouse.id = UUID.randomUUID();
    warehouse.organizationId = Organizations.DEFAULT_ID;
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
