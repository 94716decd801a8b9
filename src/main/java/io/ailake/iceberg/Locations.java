package io.ailake.iceberg;

import io.quarkus.narayana.jta.QuarkusTransaction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Which storage locations the catalog still uses, before anything under them is deleted. */
public final class Locations {

  private Locations() {}

  /** A location under which a live database or table keeps files, and what to call it in a report. */
  public record InUse(String location, String reason) {

    boolean covers(String file) {
      return OrganizationLocations.normalize(location)
          .map(root -> OrganizationLocations.isUnderAny(file, List.of(root)))
          .orElse(false);
    }
  }

  /**
   * The roots of other databases, and the directories of live tables and views (other than those of
   * {@code exceptWarehouse}), that lie at or under {@code prefix}: nothing under them may be deleted.
   * Warehouses nest (a database provisioned in the default warehouse's storage), and a table may be
   * registered twice, so a file a dropped table reaches can still be another one's.
   */
  public static List<InUse> usedUnder(String prefix, UUID exceptWarehouse) {
    // a prefix comparison, not LIKE: locations may hold '_' and '%', and escaping differs by dialect
    String under = prefix + "/";
    int length = under.length();
    UUID except = exceptWarehouse == null ? new UUID(0, 0) : exceptWarehouse;
    List<InUse> found = new ArrayList<>();
    QuarkusTransaction.joiningExisting().run(() -> {
      Warehouse.<Warehouse>list(
              "(substring(location, 1, ?1) = ?2 or location = ?3) and id <> ?4", length, under, prefix, except)
          .forEach(w -> found.add(new InUse(w.location, "the root of another database, which is still in use")));
      CatalogObject.<CatalogObject>list(
              "substring(metadataLocation, 1, ?1) = ?2 and warehouseId <> ?3", length, under, except)
          .forEach(o -> directoryOf(o.metadataLocation)
              .ifPresent(dir -> found.add(new InUse(dir, "in use by a live table or view"))));
    });
    return outermost(found);
  }

  /** The directory of a table or view whose metadata is {@code <dir>/metadata/<file>} (or {@code <dir>/<file>}). */
  private static Optional<String> directoryOf(String metadataLocation) {
    int slash = metadataLocation.lastIndexOf('/');
    if (slash <= 0) {
      return Optional.empty();
    }
    String dir = metadataLocation.substring(0, slash);
    return Optional.of(dir.endsWith("/metadata") ? dir.substring(0, dir.length() - "/metadata".length()) : dir);
  }

  /** Drops every location that lies under another one of the list. */
  private static List<InUse> outermost(List<InUse> locations) {
    List<InUse> kept = new ArrayList<>();
    locations.stream().sorted(Comparator.comparingInt(u -> u.location().length())).forEach(candidate -> {
      if (kept.stream().noneMatch(outer -> outer.covers(candidate.location()))) {
        kept.add(candidate);
      }
    });
    return kept;
  }
}
