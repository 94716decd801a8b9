package io.ailake.iceberg;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.ailake.testing.IcebergClients;
import io.ailake.testing.S3ProxyResource;
import io.ailake.testing.Warehouses;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TableRoutesTest {

  static final String SCHEMA =
      "{\"type\":\"struct\",\"schema-id\":0,\"fields\":[{\"id\":1,\"name\":\"id\",\"required\":true,\"type\":\"long\"}]}";
  static final Schema ICEBERG_SCHEMA =
      new Schema(Types.NestedField.required(1, "id", Types.LongType.get()));

  @TestHTTPResource("/iceberg")
  URL catalog;

  private Warehouse warehouse;
  private String base;

  @BeforeEach
  void freshWarehouseWithNamespace() {
    warehouse = Warehouses.local("tables");
    base = "/iceberg/v1/" + warehouse.name;
    namespace("ns");
  }

  @Test
  void createLoadAndCommitCarryAnETagThatAMatchingIfNoneMatchTurnsInto304() {
    String created = createTable("ns", "t").header("ETag");
    assertThat(created).isNotBlank();

    String loaded = given().get(base + "/namespaces/ns/tables/t").then().statusCode(200).extract().header("ETag");
    assertThat(loaded).isEqualTo(created);
    given().header("If-None-Match", loaded).get(base + "/namespaces/ns/tables/t")
        .then().statusCode(304).header("ETag", loaded);

    String committed =
        given().contentType(ContentType.JSON)
            .body("{\"requirements\":[],\"updates\":[{\"action\":\"set-properties\",\"updates\":{\"k\":\"v\"}}]}")
            .post(base + "/namespaces/ns/tables/t")
            .then().statusCode(200).extract().header("ETag");
    assertThat(committed).isNotEqualTo(loaded);
    given().header("If-None-Match", loaded).get(base + "/namespaces/ns/tables/t")
        .then().statusCode(200).header("ETag", committed).body("metadata.properties.k", equalTo("v"));
    String refsTag = given().get(base + "/namespaces/ns/tables/t?snapshots=refs").then().statusCode(200)
        .extract().header("ETag");
    assertThat(refsTag).as("refs and all are different responses").isNotEqualTo(committed);
  }

  @Test
  void textBeyondAsciiSurvivesTheMetadataFileAndEveryAnswer() throws Exception {
    String text = "Größe — 数据 📦";
    TableIdentifier id = TableIdentifier.of("ns", "unicode");
    try (RESTCatalog client = IcebergClients.connect(catalog, warehouse)) {
      Table table = client.createTable(id, ICEBERG_SCHEMA, PartitionSpec.unpartitioned(), Map.of("comment", text));
      assertThat(table.properties()).containsEntry("comment", text);
      table.updateProperties().set("note", text + " 2").commit();
    }
    try (RESTCatalog fresh = IcebergClients.connect(catalog, warehouse)) {
      assertThat(fresh.loadTable(id).properties())
          .containsEntry("comment", text).containsEntry("note", text + " 2");
    }
    String location = given().get(base + "/namespaces/ns/tables/unicode").then().statusCode(200)
        .contentType(containsString("application/json")).body("metadata.properties.note", equalTo(text + " 2"))
        .extract().jsonPath().getString("metadata-location");
    String file = Files.readString(Path.of(URI.create(location.startsWith("file:") ? location : "file://" + location)),
        StandardCharsets.UTF_8);
    assertThat(TableMetadataParser.fromJson(location, file).properties()).containsEntry("note", text + " 2");
  }

  @Test
  void snapshotsRefsLeavesOutSnapshotsNoBranchOrTagReferences() {
    try (RESTCatalog client = IcebergClients.connect(catalog, warehouse)) {
      Table table = client.createTable(TableIdentifier.of("ns", "history"), ICEBERG_SCHEMA);
      table.newFastAppend().appendFile(dataFile(table, "a")).commit();
      table.newFastAppend().appendFile(dataFile(table, "b")).commit();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }

    given().get(base + "/namespaces/ns/tables/history?snapshots=all").then().statusCode(200)
        .body("metadata.snapshots.size()", equalTo(2));
    given().get(base + "/namespaces/ns/tables/history?snapshots=refs").then().statusCode(200)
        .body("metadata.snapshots.size()", equalTo(1))
        .body("metadata.refs.main.snapshot-id", equalTo(
            given().get(base + "/namespaces/ns/tables/history").jsonPath().getLong("metadata.current-snapshot-id")));
    given().get(base + "/namespaces/ns/tables/history?snapshots=some").then().statusCode(400);
  }

  @Test
  void tablesGetAFreshLocationUnderTheWarehouseEvenWhenRecreated() {
    String first = createTable("ns", "again").jsonPath().getString("metadata.location");
    given().delete(base + "/namespaces/ns/tables/again").then().statusCode(204);
    String second = createTable("ns", "again").jsonPath().getString("metadata.location");

    assertThat(first).startsWith(warehouse.location + "/ns/again-");
    assertThat(second).startsWith(warehouse.location + "/ns/again-").isNotEqualTo(first);
  }

  @Test
  void stageCreateWritesNothing() {
    given().contentType(ContentType.JSON)
        .body("{\"name\":\"staged\",\"schema\":" + SCHEMA + ",\"stage-create\":true}")
        .post(base + "/namespaces/ns/tables")
        .then().statusCode(200).body("metadata.location", startsWith(warehouse.location));
    given().get(base + "/namespaces/ns/tables/staged").then().statusCode(404);
  }

  @Test
  void tablesRenameAcrossNamespacesButNeverOntoATakenName() {
    namespace("other");
    createTable("ns", "src");
    createTable("other", "taken");

    rename("{\"namespace\":[\"ns\"],\"name\":\"src\"}", "{\"namespace\":[\"other\"],\"name\":\"taken\"}")
        .then().statusCode(409).body("error.message", containsString("Table already exists"));
    rename("{\"namespace\":[\"ns\"],\"name\":\"src\"}", "{\"namespace\":[\"other\"],\"name\":\"moved\"}")
        .then().statusCode(204);
    given().head(base + "/namespaces/other/tables/moved").then().statusCode(204);
    given().head(base + "/namespaces/ns/tables/src").then().statusCode(404);
    rename("{\"namespace\":[\"ns\"],\"name\":\"src\"}", "{\"namespace\":[\"other\"],\"name\":\"x\"}")
        .then().statusCode(404).body("error.type", equalTo("NoSuchTableException"));
    rename("{\"namespace\":[\"other\"],\"name\":\"moved\"}", "{\"namespace\":[\"ghost\"],\"name\":\"x\"}")
        .then().statusCode(404).body("error.type", equalTo("NoSuchNamespaceException"));
  }

  @Test
  void aTableAndAViewNeverShareAName() {
    try (RESTCatalog client = IcebergClients.connect(catalog, warehouse)) {
      client.buildView(TableIdentifier.of("ns", "shared"))
          .withSchema(ICEBERG_SCHEMA)
          .withDefaultNamespace(Namespace.of("ns"))
          .withQuery("spark", "select 1 as id")
          .create();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }

    given().contentType(ContentType.JSON).body("{\"name\":\"shared\",\"schema\":" + SCHEMA + "}")
        .post(base + "/namespaces/ns/tables")
        .then().statusCode(409)
        .body("error.message", equalTo("View with same name already exists: ns.shared"));
    given().get(base + "/namespaces/ns/tables/shared").then().statusCode(404)
        .body("error.type", equalTo("NoSuchTableException"));
    given().get(base + "/namespaces/ns/views/shared").then().statusCode(200);
    given().get(base + "/namespaces/ns/views?pageToken=").then().statusCode(200)
        .body("identifiers.name", org.hamcrest.Matchers.contains("shared"));
    given().get(base + "/namespaces/ns/tables").then().statusCode(200)
        .body("identifiers.size()", equalTo(0));
  }

  @Test
  void tablesPageByPageSize() {
    for (String name : List.of("t1", "t2", "t3", "t4", "t5")) {
      createTable("ns", name);
    }
    List<String> seen = new ArrayList<>();
    String token = "";
    int pages = 0;
    while (token != null) {
      var page = given().queryParam("pageToken", token).queryParam("pageSize", 2)
          .get(base + "/namespaces/ns/tables").then().statusCode(200).extract().jsonPath();
      seen.addAll(page.getList("identifiers.name"));
      token = page.getString("next-page-token");
      pages++;
    }
    assertThat(seen).containsExactly("t1", "t2", "t3", "t4", "t5");
    assertThat(pages).isEqualTo(3);
  }

  @Test
  void missingThingsAre404InTheIcebergErrorModel() {
    given().get(base + "/namespaces/ns/tables/none").then().statusCode(404)
        .body("error.type", equalTo("NoSuchTableException"))
        .body("error.message", equalTo("Table does not exist: ns.none"))
        .body("error.code", equalTo(404));
    given().get(base + "/namespaces/ghost/tables").then().statusCode(404)
        .body("error.type", equalTo("NoSuchNamespaceException"));
    given().contentType(ContentType.JSON).body("{\"name\":\"t\",\"schema\":" + SCHEMA + "}")
        .post(base + "/namespaces/ghost/tables").then().statusCode(404);
    given().contentType(ContentType.JSON).body("{\"requirements\":[],\"updates\":[]}")
        .post(base + "/namespaces/ns/tables/none").then().statusCode(404);
    given().delete(base + "/namespaces/ns/tables/none").then().statusCode(404);
    given().head(base + "/namespaces/ns/tables/none").then().statusCode(404);
    given().contentType(ContentType.JSON)
        .body("{\"report-type\":\"scan-report\"}")
        .post(base + "/namespaces/ns/tables/none/metrics").then().statusCode(404);
  }

  @Test
  void malformedOrMistypedRequestsAre400AndChangeNothing() {
    createTable("ns", "keep");
    String before = given().get(base + "/namespaces/ns/tables/keep").jsonPath().getString("metadata-location");

    given().contentType(ContentType.JSON).body("{\"name\":\"t\",\"schema\":5}")
        .post(base + "/namespaces/ns/tables").then().statusCode(400);
    given().contentType(ContentType.JSON).body("{\"name\":7}")
        .post(base + "/namespaces/ns/tables").then().statusCode(400);
    given().contentType(ContentType.JSON).body("not json")
        .post(base + "/namespaces/ns/tables/keep").then().statusCode(400);
    given().contentType(ContentType.JSON).body("{\"requirements\":[],\"updates\":[{\"action\":\"explode\"}]}")
        .post(base + "/namespaces/ns/tables/keep").then().statusCode(400);
    given().contentType(ContentType.JSON)
        .body("{\"requirements\":[{\"type\":\"assert-current-schema-id\",\"current-schema-id\":\"zero\"}],\"updates\":[]}")
        .post(base + "/namespaces/ns/tables/keep").then().statusCode(400);
    given().contentType(ContentType.JSON).body("{\"source\":5}")
        .post(base + "/tables/rename").then().statusCode(400);
    given().delete(base + "/namespaces/ns/tables/keep?purgeRequested=perhaps").then().statusCode(400);

    assertThat(given().get(base + "/namespaces/ns/tables/keep").jsonPath().getString("metadata-location"))
        .isEqualTo(before);
  }

  @Test
  void metricsReportsAreAccepted() {
    createTable("ns", "m");
    given().contentType(ContentType.JSON)
        .body("{\"report-type\":\"commit-report\",\"table-name\":\"lake.ns.m\",\"snapshot-id\":1,"
            + "\"sequence-number\":1,\"operation\":\"append\",\"metrics\":{}}")
        .post(base + "/namespaces/ns/tables/m/metrics")
        .then().statusCode(204);
  }

  @Test
  void unregisterKeepsTheFilesAndRegisterBringsTheTableBack() {
    String location = createTable("ns", "reg").jsonPath().getString("metadata-location");

    given().post(base + "/namespaces/ns/tables/reg/unregister").then().statusCode(200)
        .body("metadata-location", equalTo(location));
    given().get(base + "/namespaces/ns/tables/reg").then().statusCode(404);
    given().contentType(ContentType.JSON)
        .body("{\"name\":\"reg\",\"metadata-location\":\"" + location + "\"}")
        .post(base + "/namespaces/ns/register")
        .then().statusCode(200).header("ETag", not(org.hamcrest.Matchers.emptyOrNullString()));
    given().get(base + "/namespaces/ns/tables/reg").then().statusCode(200)
        .body("metadata-location", equalTo(location));
  }

  @Test
  void anS3WarehouseTellsClientsHowToReachItButNeverTheServiceKeys() {
    Warehouse s3 = Warehouses.s3("tables_s3");
    String s3Base = "/iceberg/v1/" + s3.name;
    given().contentType(ContentType.JSON).body("{\"namespace\":[\"ns\"]}").post(s3Base + "/namespaces")
        .then().statusCode(200);
    Response created = given().contentType(ContentType.JSON).body("{\"name\":\"t\",\"schema\":" + SCHEMA + "}")
        .post(s3Base + "/namespaces/ns/tables");

    created.then().statusCode(200)
        .body("metadata-location", startsWith("s3://warehouse/" + s3.name + "/ns/t-"))
        // an empty table config lets Iceberg's client reuse its catalog FileIO instead of opening one per table
        .body("$", not(hasKey("config")));
    Response config = given().queryParam("warehouse", s3.name).get("/iceberg/v1/config");
    config.then().statusCode(200)
        .body("defaults.'s3.endpoint'", equalTo(S3ProxyResource.endpoint()))
        .body("defaults.'s3.path-style-access'", equalTo("true"))
        .body("defaults.'client.region'", equalTo(S3ProxyResource.REGION))
        .body("defaults", not(hasKey("s3.secret-access-key")))
        .body("defaults", not(hasKey("s3.access-key-id")))
        .body("overrides", not(hasKey("s3.secret-access-key")));
    assertThat(created.asString()).doesNotContain(S3ProxyResource.SECRET_KEY);
    assertThat(config.asString()).doesNotContain(S3ProxyResource.SECRET_KEY);
    given().get(s3Base + "/namespaces/ns/tables/t").then().statusCode(200).body("$", not(hasKey("config")));
  }

  private Response createTable(String namespace, String name) {
    Response response = given().contentType(ContentType.JSON)
        .body("{\"name\":\"" + name + "\",\"schema\":" + SCHEMA + "}")
        .post(base + "/namespaces/" + namespace + "/tables");
    response.then().statusCode(200);
    return response;
  }

  private Response rename(String source, String destination) {
    return given().contentType(ContentType.JSON)
        .body("{\"source\":" + source + ",\"destination\":" + destination + "}")
        .post(base + "/tables/rename");
  }

  private void namespace(String name) {
    given().contentType(ContentType.JSON).body("{\"namespace\":[\"" + name + "\"]}")
        .post(base + "/namespaces").then().statusCode(200);
  }

  static DataFile dataFile(Table table, String name) {
    return DataFiles.builder(PartitionSpec.unpartitioned())
        .withPath(table.location() + "/data/" + name + ".parquet")
        .withFileSizeInBytes(100)
        .withRecordCount(10)
        .withFormat(FileFormat.PARQUET)
        .build();
  }
}
