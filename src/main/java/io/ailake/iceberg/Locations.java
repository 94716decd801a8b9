package io.ailake.iceberg;

import io.quarkus.narayana.jta.QuarkusTransaction;
import java.util.UUID;

/** Which storage locations the catalog still uses, before anything under them is deleted. */
public final class Locations {

  private Locations() {}

  /**
   * True when a live table or view (other than those of {@code exceptWarehouse}), or the root of
   * another warehouse, lies under {@code prefix}.
   */
  public static boolean inUseUnder(String prefix, UUID exceptWarehouse) {
    // a prefix comparison, not LIKE: locations may hold '_' and '%', and escaping differs by dialect
    String under = prefix + "/";
    int length = under.length();
    UUID except = exceptWarehouse == null ? new UUID(0, 0) : exceptWarehouse;
    return QuarkusTransaction.joiningExisting().call(() ->
        CatalogObject.count(
                "substring(metadataLocation, 1, ?1) = ?2 and warehouseId <> ?3", length, under, except) > 0
            || Warehouse.count(
                "(substring(location, 1, ?1) = ?2 or location = ?3) and id <> ?4", length, under, prefix, except) > 0);
  }
}
