package io.ailake.iceberg;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.ailake.storage.LocalFileIO;
import io.ailake.testing.IcebergClients;
import io.ailake.testing.Warehouses;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every namespace answers a {@code location}: Trino stages a create (and writes nothing) only under a
 * namespace location it read, and otherwise creates the table itself and then refuses its own file.
 */
@QuarkusTest
class NamespaceLocationTest {

  private static final Schema SCHEMA = new Schema(Types.NestedField.required(1, "id", Types.LongType.get()));

  @TestHTTPResource("/iceberg")
  URL catalog;

  private Warehouse warehouse;
  private String base;

  @BeforeEach
  void freshWarehouse() {
    warehouse = Warehouses.local("ns_location");
    base = "/iceberg/v1/" + warehouse.name;
  }

  @Test
  void aNamespaceWithoutALocationOfItsOwnAnswersWhereItsTablesGo() throws IOException {
    String expected = warehouse.location + "/sales/eu";
    given().contentType(ContentType.JSON).body("{\"namespace\":[\"sales\"]}").post(base + "/namespaces")
        .then().statusCode(200).body("properties.location", equalTo(warehouse.location + "/sales"));
    try (RESTCatalog client = IcebergClients.connect(catalog, warehouse)) {
      client.createNamespace(Namespace.of("sales", "eu"), new HashMap<>(Map.of("owner", "ann")));
      Map<String, String> properties = client.loadNamespaceMetadata(Namespace.of("sales", "eu"));
      assertThat(properties).containsEntry("location", expected).containsEntry("owner", "ann");

      Table table = client.createTable(TableIdentifier.of(Namespace.of("sales", "eu"), "orders"), SCHEMA);
      assertThat(table.location()).startsWith(expected + "/orders-");
    }
  }

  @Test
  void aLocationTheClientSetIsKeptAndHonouredAndOneOutsideTheStoragesIsRefused() throws IOException {
    String custom = warehouse.location + "/elsewhere/custom";
    try (RESTCatalog client = IcebergClients.connect(catalog, warehouse)) {
      client.createNamespace(Namespace.of("own"), new HashMap<>(Map.of("location", custom)));
      assertThat(client.loadNamespaceMetadata(Namespace.of("own"))).containsEntry("location", custom);
      Table table = client.createTable(TableIdentifier.of("own", "orders"), SCHEMA);
      assertThat(table.location()).startsWith(custom + "/orders-");
    }
    String outside = Path.of("target", "outside-" + UUID.randomUUID()).toAbsolutePath().toString();
    given().contentType(ContentType.JSON)
        .body(Map.of("namespace", new String[] {"stray"}, "properties", Map.of("location", outside)))
        .post(base + "/namespaces")
        .then().statusCode(400).body("error.type", equalTo("LocationOutsideStoragesException"));
    given().get(base + "/namespaces/stray").then().statusCode(404);
    given().contentType(ContentType.JSON).body(Map.of("updates", Map.of("location", outside)))
        .post(base + "/namespaces/own/properties")
        .then().statusCode(400);
  }

  @Test
  void trinosPathStagesTheCreateUnderTheNamespaceLocationAndCommitsIt() throws IOException {
    try (RESTCatalog client = IcebergClients.connect(catalog, warehouse)) {
      client.createNamespace(Namespace.of("web"));
      // what Trino does: the namespace's location, a table directory of its own under it, a staged create
      String location = client.loadNamespaceMetadata(Namespace.of("web")).get("location")
          + "/events-" + UUID.randomUUID().toString().replace("-", "");
      given().contentType(ContentType.JSON)
          .body(Map.of("name", "probe", "location", location + "-probe", "stage-create", true,
              "schema", Map.of("type", "struct", "schema-id", 0, "fields", new Object[0])))
          .post(base + "/namespaces/web/tables")
          .then().statusCode(200).body("metadata.location", equalTo(location + "-probe"));

      Transaction create = client.buildTable(TableIdentifier.of("web", "events"), SCHEMA)
          .withLocation(location)
          .createTransaction();
      assertThat(filesUnder(location)).isEmpty();
      assertThat(filesUnder(location + "-probe")).isEmpty();
      create.commitTransaction();

      Table table = client.loadTable(TableIdentifier.of("web", "events"));
      assertThat(table.location()).isEqualTo(location);
      assertThat(filesUnder(location)).anyMatch(file -> file.endsWith(".metadata.json"));
    }
  }

  private static java.util.List<String> filesUnder(String location) throws IOException {
    Path dir = LocalFileIO.parse(location);
    if (!Files.exists(dir)) {
      return java.util.List.of();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).map(Path::toString).toList();
    }
  }
}
