package io.ailake.testing;

import io.ailake.iceberg.Warehouse;
import io.ailake.storage.LocalFileIO;
import io.ailake.storage.Storage;
import java.net.URL;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.rest.RESTCatalog;

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
}
