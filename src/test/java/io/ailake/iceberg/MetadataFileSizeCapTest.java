package io.ailake.iceberg;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.ailake.storage.FileIOs;
import io.ailake.testing.IcebergClients;
import io.ailake.testing.Warehouses;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/**
 * A metadata file the service reads whole is refused past {@code ailake.storage.max-small-file-size}
 * (16 KiB here) with a 400 in Iceberg's error model, on local disk and on S3 alike; a smaller one is read.
 */
@QuarkusTest
@TestProfile(MetadataFileSizeCapTest.SmallCap.class)
class MetadataFileSizeCapTest {

  public static class SmallCap implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("ailake.storage.max-small-file-size", "16K");
    }
  }

  private static final Schema SCHEMA = new Schema(Types.NestedField.required(1, "id", Types.LongType.get()));

  @TestHTTPResource("/iceberg")
  URL catalog;

  @Inject FileIOs fileIOs;

  @Test
  void aLocalMetadataFileLargerThanTheCapIsRefusedAndASmallerOneRegisters() throws Exception {
    registersSmallAndRefusesLarge(Warehouses.local("cap"));
  }

  @Test
  void anS3MetadataFileLargerThanTheCapIsRefusedAndASmallerOneRegisters() throws Exception {
    registersSmallAndRefusesLarge(Warehouses.s3("cap"));
  }

  private void registersSmallAndRefusesLarge(Warehouse warehouse) throws Exception {
    try (RESTCatalog client = IcebergClients.connect(catalog, warehouse)) {
      client.createNamespace(Namespace.of("ns"));
    }
    FileIO io = fileIOs.forStorage(warehouse.storage());
    String small = write(io, warehouse, 1_000);
    String large = write(io, warehouse, 17 * 1024);

    given().contentType(ContentType.JSON).body(Map.of("name", "large", "metadata-location", large))
        .post("/iceberg/v1/" + warehouse.name + "/namespaces/ns/register")
        .then().statusCode(400)
        .body("error.type", equalTo("FileTooLargeException"))
        .body("error.message", containsString(large))
        .body("error.message", containsString("ailake.storage.max-small-file-size"));
    given().get("/iceberg/v1/" + warehouse.name + "/namespaces/ns/tables/large").then().statusCode(404);

    given().contentType(ContentType.JSON).body(Map.of("name", "small", "metadata-location", small))
        .post("/iceberg/v1/" + warehouse.name + "/namespaces/ns/register")
        .then().statusCode(200)
        .body("metadata-location", equalTo(small));
  }

  /** A table metadata file under the warehouse, padded by a property to about {@code bytes}. */
  private static String write(FileIO io, Warehouse warehouse, int bytes) {
    String location = warehouse.location + "/ns/t-" + UUID.randomUUID() + "/metadata/00000-" + UUID.randomUUID()
        + ".metadata.json";
    TableMetadata metadata = TableMetadata.newTableMetadata(
        SCHEMA, PartitionSpec.unpartitioned(), SortOrder.unsorted(),
        location.substring(0, location.indexOf("/metadata/")), Map.of("padding", "x".repeat(bytes)));
    TableMetadataParser.overwrite(metadata, io.newOutputFile(location));
    assertThat(io.newInputFile(location).getLength()).isBetween((long) bytes, (long) bytes + 4096);
    return location;
  }
}
