package io.ailake.testing;

import io.ailake.organization.Organizations;
import io.ailake.iceberg.Warehouse;
import io.ailake.iceberg.WarehouseService;
import io.ailake.storage.Storage;
import jakarta.enterprise.inject.spi.CDI;
import java.nio.file.Path;
import java.util.UUID;

/** Fresh, empty warehouses for tests that need a catalog of their own. */
public final class Warehouses {

  private Warehouses() {}

  /** A new warehouse in a new directory under target/. */
  public static Warehouse local(String prefix) {
    String name = prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    Path dir = Path.of("target", "test-warehouses", name).toAbsolutePath();
    return service().create(Organizations.DEFAULT_ID, name, dir.toString(), Storage.local());
  }

  /** A new warehouse under a new prefix of the S3Proxy bucket. */
  public static Warehouse s3(String prefix) {
    String name = prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    return service()
        .create(
            Organizations.DEFAULT_ID,
            name,
            "s3://" + S3ProxyResource.BUCKET + "/" + name,
            Storage.s3(S3ProxyResource.endpoint(), S3ProxyResource.REGION, true));
  }

  private static WarehouseService service() {
    return CDI.current().select(WarehouseService.class).get();
  }
}
