package io.ailake.iceberg;

import io.ailake.storage.LocalFileIO;
import io.ailake.storage.LocalRoots;
import io.ailake.storage.ObjectStorage;
import io.ailake.storage.Storage;
import io.ailake.storage.StoragePlaces;
import io.quarkus.arc.Arc;
import io.quarkus.narayana.jta.QuarkusTransaction;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.iceberg.MetadataUpdate;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.view.ViewMetadata;
import org.apache.iceberg.view.ViewProperties;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The locations a warehouse's tables and views may use: under the warehouse's root, or under the root of
 * an object storage registered by the warehouse's organization. The service reads, writes and deletes
 * files with its own keys wherever a table points, so a location outside these roots would let one
 * organization reach another's files. Every route that takes a location from a client (create,
 * register, commit; tables and views) passes through here before any file is read or written, and so
 * does every read the service makes itself for a table ({@link ConfinedFileIO}).
 *
 * <p>An S3 location carries no endpoint: it is reached through the warehouse's S3 FileIO, so only the
 * storages on that endpoint count for it (the same bucket and prefix on another endpoint may be
 * another organization's).
 */
public final class OrganizationLocations {

  /** The table properties that move where files are written. */
  static final List<String> TABLE_PATH_PROPERTIES =
      List.of(
          TableProperties.WRITE_DATA_LOCATION,
          TableProperties.WRITE_METADATA_LOCATION,
          TableProperties.OBJECT_STORE_PATH);

  private OrganizationLocations() {}

  /** A location outside every storage of the warehouse's organization. */
  public static class LocationOutsideStoragesException extends BadRequestException {
    LocationOutsideStoragesException(String location, Warehouse warehouse) {
      super(
          "Location %s is outside the storages of warehouse %s: use a location under the warehouse's root "
              + "or under an object storage registered by its organization",
          location,
          warehouse.name);
    }
  }

  /** Refuses {@code location} unless it lies under one of the warehouse's roots. */
  public static void require(Warehouse warehouse, String location) {
    requireAll(warehouse, List.of(location));
  }

  /**
   * For a commit, before anything is read: the manifest lists of the snapshots it adds. The service reads
   * them (a rebase, a purge, statistics), and a client may name any file.
   */
  static void requireAddedSnapshots(Warehouse warehouse, List<MetadataUpdate> updates) {
    List<String> manifestLists = new ArrayList<>();
    for (MetadataUpdate update : updates) {
      if (update instanceof MetadataUpdate.AddSnapshot add && add.snapshot().manifestListLocation() != null) {
        manifestLists.add(add.snapshot().manifestListLocation());
      }
    }
    requireAll(warehouse, manifestLists);
  }

  /** The table's location and path properties; on register also its snapshots' manifest lists. */
  static void require(Warehouse warehouse, TableMetadata metadata) {
    requireAll(warehouse, locationsOf(metadata, true));
  }

  /**
   * For a commit: only when the change moves a location, so a commit that moves nothing costs no
   * lookup. Snapshots are written by the client under the table's location, which is checked.
   */
  static void requireMoved(Warehouse warehouse, TableMetadata base, TableMetadata updated) {
    if (!Objects.equals(base.location(), updated.location())
        || TABLE_PATH_PROPERTIES.stream()
            .anyMatch(p -> !Objects.equals(base.properties().get(p), updated.properties().get(p)))) {
      requireAll(warehouse, locationsOf(updated, false));
    }
  }

  static void require(Warehouse warehouse, ViewMetadata metadata) {
    List<String> locations = new ArrayList<>();
    locations.add(metadata.location());
    Optional.ofNullable(metadata.properties().get(ViewProperties.WRITE_METADATA_LOCATION))
        .ifPresent(locations::add);
    requireAll(warehouse, locations);
  }

  static void requireMoved(Warehouse warehouse, ViewMetadata base, ViewMetadata updated) {
    String key = ViewProperties.WRITE_METADATA_LOCATION;
    if (!Objects.equals(base.location(), updated.location())
        || !Objects.equals(base.properties().get(key), updated.properties().get(key))) {
      require(warehouse, updated);
    }
  }

  private static List<String> locationsOf(TableMetadata metadata, boolean withSnapshots) {
    List<String> locations = new ArrayList<>();
    locations.add(metadata.location());
    Map<String, String> properties = metadata.properties();
    TABLE_PATH_PROPERTIES.stream().map(properties::get).filter(Objects::nonNull).forEach(locations::add);
    if (withSnapshots) {
      // a registered file is written by someone else: its manifest lists are what a purge follows
      metadata.snapshots().stream()
          .map(Snapshot::manifestListLocation)
          .filter(Objects::nonNull)
          .forEach(locations::add);
    }
    return locations;
  }

  private static void requireAll(Warehouse warehouse, List<String> locations) {
    // most locations are the warehouse's own (the default): the storages are read only for the others
    List<String> warehouseRoot = normalize(warehouse.location).map(List::of).orElse(List.of());
    List<String> roots = null;
    for (String location : locations) {
      if (isUnderAny(location, warehouseRoot)) {
        continue;
      }
      if (roots == null) {
        roots = roots(warehouse);
      }
      if (!isUnderAny(location, roots)) {
        throw new LocationOutsideStoragesException(location, warehouse);
      }
    }
  }

  /**
   * The warehouse's root and the roots of its organization's registered storages that its FileIO reaches
   * as they are: the LOCAL ones, and the S3 ones on the endpoint its S3 locations go to. Normalized. A
   * LOCAL root that really is another organization's place (registered, before roots were compared by
   * real path, as an alias such as {@code /proc/self/root/...}) grants nothing.
   */
  static List<String> roots(Warehouse warehouse) {
    List<String> roots = new ArrayList<>();
    normalize(warehouse.location).ifPresent(roots::add);
    String endpoint = StoragePlaces.endpointKey(s3EndpointOf(warehouse));
    List<ObjectStorage> storages =
        QuarkusTransaction.joiningExisting().call(() -> ObjectStorage.listByName(warehouse.organizationId));
    List<StoragePlaces.Place> others = null;
    for (ObjectStorage storage : storages) {
      if (storage.storageType == ObjectStorage.Type.LOCAL) {
        if (others == null) {
          others = QuarkusTransaction.joiningExisting()
              .call(() -> ObjectStorage.placesOfOthers(warehouse.organizationId));
        }
        StoragePlaces.Place place = storage.place();
        if (others.stream().anyMatch(place::overlaps) || !localRoots().allows(storage)) {
          continue;
        }
      } else if (!StoragePlaces.endpointKey(storage.endpoint).equals(endpoint)) {
        continue;
      }
      normalize(storage.root).ifPresent(roots::add);
    }
    return roots;
  }

  private static LocalRoots localRoots() {
    return Arc.container().instance(LocalRoots.class).get();
  }

  /** The endpoint S3 locations of the warehouse go to: its own, or the service's for a local warehouse. */
  private static String s3EndpointOf(Warehouse warehouse) {
    return warehouse.storageType == Storage.Type.S3
        ? warehouse.s3Endpoint
        : ConfigProvider.getConfig().getOptionalValue("ailake.s3.endpoint", String.class).orElse(null);
  }

  static boolean isUnderAny(String location, List<String> normalizedRoots) {
    Optional<String> normalized = normalize(location);
    return normalized.isPresent()
        && normalizedRoots.stream()
            .anyMatch(root -> normalized.get().equals(root) || normalized.get().startsWith(root + "/"));
  }

  /**
   * One spelling per place, so that a prefix comparison means containment: {@code file:/x},
   * {@code file:///x} and {@code /x} become {@code file:/x}; {@code s3a://} and {@code s3n://} become
   * {@code s3://}; trailing slashes go. Empty for what no root can contain: blank, relative, a path or
   * an object key with {@code .}, {@code ..} or empty segments (a file system resolves them after
   * symlinks, and so do stores that keep objects as files: a prefix comparison would mislead), anything
   * unparsable.
   */
  static Optional<String> normalize(String location) {
    if (location == null || location.isBlank()) {
      return Optional.empty();
    }
    String trimmed = location.trim();
    if (Storage.typeOf(trimmed) == Storage.Type.S3) {
      String s3 = "s3://" + trimmed.substring(trimmed.indexOf("://") + 3).replaceFirst("/+$", "");
      for (String segment : s3.substring("s3://".length()).split("/", -1)) {
        if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
          return Optional.empty();
        }
      }
      return Optional.of(s3);
    }
    if (!trimmed.regionMatches(true, 0, "file:", 0, 5) && trimmed.matches("(?i)^[a-z][a-z0-9+.-]*:.*")) {
      return Optional.empty(); // a scheme this service keeps no storage on
    }
    try {
      Path path = LocalFileIO.parse(trimmed);
      for (Path name : path) {
        if (name.toString().equals(".") || name.toString().equals("..")) {
          return Optional.empty();
        }
      }
      return path.isAbsolute() ? Optional.of(LocalFileIO.location(path.normalize())) : Optional.empty();
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
  }
}
