package io.ailake.testing;

import io.ailake.iceberg.Warehouse;
import io.ailake.storage.LocalFileIO;
import io.ailake.storage.Storage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;

/** Iceberg's own Java REST client, pointed at the service under test. */
public final class IcebergClients {

  private IcebergClients() {}

  /** A client of {@code warehouse} that writes data files itself, as engines do. */
  public static RESTCatalog connect(URL catalog, Warehouse warehouse) {
    Map<String, String> props = new HashMap<>();
    props.put("uri", catalog.toString());
    props.put("warehouse", warehouse.name);
    props.put("rest-metrics-reporting-enabled", "false");
    props.put("header.Authorization", TestTokens.bearer(TestTokens.defaultAdmin()));
    if (warehouse.storageType == Storage.Type.S3) {
      props.putAll(S3ProxyResource.clientProperties());
      props.put("io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
      props.put("http-client.type", "urlconnection");
    } else {
      props.put("io-impl", LocalFileIO.class.getName());
    }
    RESTCatalog client = new RESTCatalog();
    client.initialize("ailake-test", props);
    return client;
  }

  /**
   * Table {@code ns.orders} in {@code warehouse}, with one appended data file the client wrote, as an
   * engine would; its location.
   */
  public static String tableWithOneDataFile(URL catalog, Warehouse warehouse) {
    try (RESTCatalog client = connect(catalog, warehouse)) {
      client.createNamespace(Namespace.of("ns"));
      Table table = client.createTable(TableIdentifier.of("ns", "orders"),
          new Schema(Types.NestedField.required(1, "id", Types.LongType.get())));
      String path = table.location() + "/data/part-0.parquet";
      try (PositionOutputStream out = table.io().newOutputFile(path).create()) {
        out.write(new byte[64]);
      }
      table.newAppend().appendFile(DataFiles.builder(PartitionSpec.unpartitioned())
          .withPath(path).withFileSizeInBytes(64).withRecordCount(1).withFormat(FileFormat.PARQUET).build())
          .commit();
      return table.location();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
