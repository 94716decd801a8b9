package io.ailake.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.ailake.testing.TestOrganizations;
import io.ailake.iceberg.Warehouse;
import io.ailake.storage.LocalFileIO;
import io.ailake.testing.IcebergClients;
import io.ailake.testing.TestTokens;
import io.ailake.testing.Warehouses;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.MetadataUpdate;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.UpdateRequirement;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.apache.iceberg.rest.requests.UpdateTableRequestParser;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A table or view keeps its files in its own organization's storages: a token of organization B (role
 * manage) cannot point a table of B at organization A's files, by register, create or commit.
 */
@QuarkusTest
class ForeignLocationsTest {

  private static final Schema SCHEMA = new Schema(Types.NestedField.required(1, "id", Types.LongType.get()));

  @TestHTTPResource("/iceberg")
  URL catalog;

  /** Organization A (the default one): a warehouse with a table. */
  private Warehouse lakeOfA;
  private String metadataOfA;

  /** Organization B: a database "lake" in a storage of its own, and a second storage. */
  private TestOrganizations.Org b;
  private String storageRootOfB;
  private String secondStorageRootOfB;

  @BeforeEach
  void twoOrganizations() {
    lakeOfA = Warehouses.local("a");
    try (RESTCatalog a = IcebergClients.connect(catalog, lakeOfA)) {
      a.createNamespace(Namespace.of("ns"));
      Table table = a.createTable(TableIdentifier.of("ns", "orders"), SCHEMA);
      metadataOfA = ((org.apache.iceberg.HasTableOperations) table).operations().current().metadataFileLocation();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }

    b = TestOrganizations.create();
    storageRootOfB = registerStorage(b, "b");
    secondStorageRootOfB = registerStorage(b, "b2");
    String operation = given().header("Authorization", TestTokens.bearer(b.manage())).contentType(ContentType.JSON)
        .body(Map.of("name", "lake", "storageIds", List.of(Path.of(storageRootOfB).getFileName().toString())))
        .post("/api/v1/ailake/database/instances").then().statusCode(202).extract().header("operation-id");
    io.ailake.testing.Eventually.within(java.time.Duration.ofSeconds(30), () ->
        assertThat(given().header("Authorization", TestTokens.bearer(b.admin()))
            .get("/api/v1/ailake/operations/" + operation).jsonPath().getString("status")).isEqualTo("succeeded"));
    try (RESTCatalog client = clientOfB()) {
      client.createNamespace(Namespace.of("ns"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void registeringAnotherOrganizationsMetadataFileIsRefusedAndRegistersNothing() throws IOException {
    given().header("Authorization", TestTokens.bearer(b.manage())).contentType(ContentType.JSON)
        .body(Map.of("name", "stolen", "metadata-location", metadataOfA))
        .post("/iceberg/v1/lake/namespaces/ns/register")
        .then().statusCode(400)
        .body("error.type", equalTo("LocationOutsideStoragesException"))
        .body("error.message", containsString(metadataOfA))
        .body("error.message", containsString("outside the storages"));

    try (RESTCatalog client = clientOfB()) {
      assertThat(client.tableExists(TableIdentifier.of("ns", "stolen"))).isFalse();
      assertThatThrownBy(() -> client.registerTable(TableIdentifier.of("ns", "stolen2"), metadataOfA))
          .isInstanceOf(BadRequestException.class);
      assertThat(client.listTables(Namespace.of("ns"))).isEmpty();
    }
    // organization A's table is untouched
    assertThat(Files.exists(LocalFileIO.parse(metadataOfA))).isTrue();
  }

  @Test
  void creatingATableOrViewUnderAnotherOrganizationsWarehouseIsRefusedAndWritesNothing() throws IOException {
    String underA = lakeOfA.location + "/ns/stolen";
    try (RESTCatalog client = clientOfB()) {
      assertThatThrownBy(() -> client.buildTable(TableIdentifier.of("ns", "t"), SCHEMA).withLocation(underA).create())
          .isInstanceOf(BadRequestException.class)
          .hasMessageContaining(underA);
      assertThatThrownBy(() -> client.buildTable(TableIdentifier.of("ns", "t"), SCHEMA)
              .withProperty(TableProperties.WRITE_DATA_LOCATION, underA).create())
          .isInstanceOf(BadRequestException.class);
      // a staged create (what createTransaction does) is refused before anything is staged
      assertThatThrownBy(() -> client.buildTable(TableIdentifier.of("ns", "t"), SCHEMA).withLocation(underA)
              .createTransaction())
          .isInstanceOf(BadRequestException.class);
      assertThatThrownBy(() -> client.buildView(TableIdentifier.of("ns", "v")).withSchema(SCHEMA)
              .withDefaultNamespace(Namespace.of("ns")).withQuery("spark", "select 1").withLocation(underA).create())
          .isInstanceOf(BadRequestException.class);
      assertThat(client.tableExists(TableIdentifier.of("ns", "t"))).isFalse();
      assertThat(client.viewExists(TableIdentifier.of("ns", "v"))).isFalse();
    }
    assertThat(Files.exists(LocalFileIO.parse(underA))).isFalse();
  }

  @Test
  void aCommitThatCreatesATableAtAnotherOrganizationsLocationIsRefused() {
    String underA = lakeOfA.location + "/ns/by-commit";
    UpdateTableRequest create = UpdateTableRequest.create(
        TableIdentifier.of("ns", "by_commit"),
        List.of(new UpdateRequirement.AssertTableDoesNotExist()),
        List.of(
            new MetadataUpdate.AssignUUID(UUID.randomUUID().toString()),
            new MetadataUpdate.UpgradeFormatVersion(2),
            new MetadataUpdate.AddSchema(SCHEMA),
            new MetadataUpdate.SetCurrentSchema(-1),
            new MetadataUpdate.AddPartitionSpec(PartitionSpec.unpartitioned()),
            new MetadataUpdate.SetDefaultPartitionSpec(-1),
            new MetadataUpdate.AddSortOrder(SortOrder.unsorted()),
            new MetadataUpdate.SetDefaultSortOrder(-1),
            new MetadataUpdate.SetLocation(underA)));

    given().header("Authorization", TestTokens.bearer(b.manage())).contentType(ContentType.JSON)
        .body(UpdateTableRequestParser.toJson(create))
        .post("/iceberg/v1/lake/namespaces/ns/tables/by_commit")
        .then().statusCode(400).body("error.message", containsString(underA));

    given().header("Authorization", TestTokens.bearer(b.manage()))
        .get("/iceberg/v1/lake/namespaces/ns/tables/by_commit").then().statusCode(404);
    assertThat(Files.exists(LocalFileIO.parse(underA))).isFalse();
  }

  @Test
  void aCommitAddingASnapshotWhoseManifestListIsAnotherOrganizationsIsRefused() throws IOException {
    try (RESTCatalog client = clientOfB()) {
      client.createTable(TableIdentifier.of("ns", "appended"), SCHEMA);
    }
    // the service reads an added snapshot's manifest list (a rebase reads it ahead): A's file must not be
    org.apache.iceberg.Snapshot foreign = org.apache.iceberg.SnapshotParser.fromJson(
        "{\"snapshot-id\": 7, \"timestamp-ms\": " + System.currentTimeMillis()
            + ", \"summary\": {\"operation\": \"append\"}, \"manifest-list\": \"" + metadataOfA
            + "\", \"schema-id\": 0, \"sequence-number\": 1}");
    UpdateTableRequest append = UpdateTableRequest.create(
        TableIdentifier.of("ns", "appended"),
        List.of(new UpdateRequirement.AssertRefSnapshotID("main", null)),
        List.of(new MetadataUpdate.AddSnapshot(foreign),
            new MetadataUpdate.SetSnapshotRef("main", 7L, org.apache.iceberg.SnapshotRefType.BRANCH, null, null, null)));

    given().header("Authorization", TestTokens.bearer(b.manage())).contentType(ContentType.JSON)
        .body(UpdateTableRequestParser.toJson(append))
        .post("/iceberg/v1/lake/namespaces/ns/tables/appended")
        .then().statusCode(400)
        .body("error.type", equalTo("LocationOutsideStoragesException"))
        .body("error.message", containsString(metadataOfA));
    given().header("Authorization", TestTokens.bearer(b.manage())).contentType(ContentType.JSON)
        .body("{\"table-changes\": [" + UpdateTableRequestParser.toJson(append) + "]}")
        .post("/iceberg/v1/lake/transactions/commit")
        .then().statusCode(400)
        .body("error.type", equalTo("LocationOutsideStoragesException"));

    try (RESTCatalog client = clientOfB()) {
      assertThat(client.loadTable(TableIdentifier.of("ns", "appended")).currentSnapshot()).isNull();
    }
  }

  @Test
  void aCommitMovingATableOutsideTheOrganizationsStoragesIsRefusedAndTheTableStays() throws IOException {
    try (RESTCatalog client = clientOfB()) {
      Table table = client.createTable(TableIdentifier.of("ns", "t"), SCHEMA);
      String location = table.location();

      for (String outside : List.of(lakeOfA.location + "/ns/orders", "/tmp/elsewhere", storageRootOfB + "2/t")) {
        assertThatThrownBy(() -> table.updateLocation().setLocation(outside).commit())
            .isInstanceOf(BadRequestException.class)
            .hasMessageContaining("outside the storages");
        for (String property : List.of(TableProperties.WRITE_DATA_LOCATION, TableProperties.WRITE_METADATA_LOCATION,
            TableProperties.OBJECT_STORE_PATH)) {
          assertThatThrownBy(() -> table.updateProperties().set(property, outside).commit())
              .isInstanceOf(BadRequestException.class);
        }
      }

      Table reloaded = client.loadTable(TableIdentifier.of("ns", "t"));
      assertThat(reloaded.location()).isEqualTo(location);
      assertThat(reloaded.properties()).doesNotContainKeys(
          TableProperties.WRITE_DATA_LOCATION, TableProperties.WRITE_METADATA_LOCATION);
    }
  }

  @Test
  void locationsUnderTheOrganizationsOwnWarehouseOrStoragesAreAccepted() throws IOException {
    try (RESTCatalog client = clientOfB()) {
      String inWarehouse = "file:" + storageRootOfB + "/lake/ns/chosen";
      Table chosen = client.buildTable(TableIdentifier.of("ns", "chosen"), SCHEMA).withLocation(inWarehouse).create();
      assertThat(chosen.location()).isEqualTo(inWarehouse);

      // a plain path and a file: URI name the same place
      String inSecondStorage = secondStorageRootOfB + "/moved";
      chosen.updateLocation().setLocation(inSecondStorage).commit();
      chosen.updateProperties().set(TableProperties.WRITE_DATA_LOCATION, "file:" + secondStorageRootOfB + "/data")
          .commit();
      Table reloaded = client.loadTable(TableIdentifier.of("ns", "chosen"));
      assertThat(reloaded.location()).isEqualTo(inSecondStorage);

      // the organization may register its own metadata files
      String metadata = ((org.apache.iceberg.HasTableOperations) reloaded).operations().current().metadataFileLocation();
      client.registerTable(TableIdentifier.of("ns", "again"), metadata);
      assertThat(client.tableExists(TableIdentifier.of("ns", "again"))).isTrue();
    }
  }

  @Test
  void aStorageOverlappingAnotherOrganizationsWarehouseOrStorageIsRefused() {
    String warehouseOfA = LocalFileIO.parse(lakeOfA.location).toString();
    String aroundA = Path.of(warehouseOfA).getParent().toString();
    // even the server admin cannot give B a directory of A's: LOCAL storages are the server admin's to register
    for (String root : List.of(aroundA, warehouseOfA, warehouseOfA + "/ns")) {
      given().header("Authorization", TestTokens.bearer(TestTokens.serverAdmin())).contentType(ContentType.JSON)
          .body(Map.of("name", "grab-" + UUID.randomUUID().toString().substring(0, 8), "storageType", "LOCAL",
              "root", root))
          .post(storagesOf(b))
          .then().statusCode(409).body("detail", containsString("overlaps the storage of another organization"));
    }
    // nor may a storage of B's move over A's
    String name = Path.of(secondStorageRootOfB).getFileName().toString();
    given().header("Authorization", TestTokens.bearer(TestTokens.serverAdmin())).contentType(ContentType.JSON)
        .body(Map.of("root", aroundA))
        .patch(storagesOf(b) + "/" + name)
        .then().statusCode(409);
    // beside it is fine: whole path segments, not string prefixes
    given().header("Authorization", TestTokens.bearer(TestTokens.serverAdmin())).contentType(ContentType.JSON)
        .body(Map.of("name", "beside-" + UUID.randomUUID().toString().substring(0, 8), "storageType", "LOCAL",
            "root", warehouseOfA + "x"))
        .post(storagesOf(b))
        .then().statusCode(201);
  }

  private static String storagesOf(TestOrganizations.Org org) {
    return "/api/v1/admin/organizations/" + org.id() + "/objectStorages";
  }

  @Test
  void aPurgeDeletesNothingOutsideItsOrganizationsStorages() throws Exception {
    Path fileOfA = LocalFileIO.parse(lakeOfA.location).resolve("ns/orders/data/precious.parquet");
    Files.createDirectories(fileOfA.getParent());
    Files.write(fileOfA, new byte[] {1, 2, 3});
    Path fileOfB = Path.of(storageRootOfB, "lake", "ns", "own.parquet");
    Files.createDirectories(fileOfB.getParent());
    Files.write(fileOfB, new byte[] {4, 5, 6});
    TableIdentifier id = TableIdentifier.of("ns", "pointing");
    try (RESTCatalog client = clientOfB()) {
      // manifests are the client's own writing: they may name any file
      Table table = client.createTable(id, SCHEMA);
      table.newFastAppend().appendFile(dataFile(fileOfA)).appendFile(dataFile(fileOfB)).commit();
      client.dropTable(id, true);
    }

    io.ailake.testing.Eventually.within(java.time.Duration.ofSeconds(30),
        () -> assertThat(Files.exists(fileOfB)).as("the organization's own file is purged").isFalse());
    assertThat(fileOfA).as("another organization's file stays").exists();
  }

  @Test
  void statisticsReadNoFileOutsideTheOrganizationsStorages() throws Exception {
    Path fileOfA = LocalFileIO.parse(lakeOfA.location).resolve("ns/orders/data/rows-of-a.parquet");
    Files.createDirectories(fileOfA.getParent());
    Files.write(fileOfA, new byte[] {1, 2, 3});
    try (RESTCatalog client = clientOfB()) {
      // manifests are the client's own writing: they may name any file
      client.createTable(TableIdentifier.of("ns", "borrowed"), SCHEMA).newFastAppend()
          .appendFile(dataFile(fileOfA)).commit();
    }

    String operation = given().header("Authorization", TestTokens.bearer(b.manage())).contentType(ContentType.JSON)
        .body(Map.of("tableNames", List.of("ns.borrowed")))
        .post("/api/v1/ailake/database/instances/lake/analyzeStatistics")
        .then().statusCode(202).extract().header("operation-id");
    io.restassured.path.json.JsonPath done = awaitSucceeded(operation);
    assertThat(done.getString("result.tables[0].name")).isEqualTo("ns.borrowed");
    assertThat(done.getString("result.tables[0].skipped"))
        .contains(LocalFileIO.location(fileOfA)).contains("outside the storages");
    try (RESTCatalog client = clientOfB()) {
      assertThat(client.loadTable(TableIdentifier.of("ns", "borrowed")).statisticsFiles()).isEmpty();
    }
  }

  private io.restassured.path.json.JsonPath awaitSucceeded(String operation) {
    io.ailake.testing.Eventually.within(java.time.Duration.ofSeconds(30), () ->
        assertThat(given().header("Authorization", TestTokens.bearer(b.admin()))
            .get("/api/v1/ailake/operations/" + operation).jsonPath().getString("status")).isEqualTo("succeeded"));
    return given().header("Authorization", TestTokens.bearer(b.admin()))
        .get("/api/v1/ailake/operations/" + operation).jsonPath();
  }

  @Test
  void aStorageRegisteredBeforeRootsWereComparedAsPlacesHoldsNoDatabaseAndFeedsNoPipe() {
    // a row as an organization's admin could make before: A's warehouse spelled through /proc
    String legacy = "legacy-" + UUID.randomUUID().toString().substring(0, 8);
    storageOfBAsBefore(legacy, "LOCAL", "file:/proc/self/root" + LocalFileIO.parse(lakeOfA.location), null);

    given().header("Authorization", TestTokens.bearer(b.manage())).contentType(ContentType.JSON)
        .body(Map.of("name", "onto_a", "storageIds", List.of(legacy)))
        .post("/api/v1/ailake/database/instances")
        .then().statusCode(409).body("detail", containsString("overlaps the storage of another organization"));
    given().header("Authorization", TestTokens.bearer(b.manage())).contentType(ContentType.JSON)
        .body(Map.of("tableName", "rows_of_a", "sourceStorageName", legacy, "pathPrefix", "ns/"))
        .post("/api/v1/ailake/database/instances/lake/pipeTables")
        .then().statusCode(409).body("detail", containsString("overlaps the storage of another organization"));
    given().header("Authorization", TestTokens.bearer(b.manage()))
        .get("/api/v1/ailake/database/instances/onto_a").then().statusCode(404);
    // nor does it let a table of B's database point there
    String throughProc = "file:/proc/self/root" + LocalFileIO.parse(lakeOfA.location) + "/ns/by-alias";
    given().header("Authorization", TestTokens.bearer(b.manage())).contentType(ContentType.JSON)
        .body("{\"name\": \"by_alias\", \"location\": \"" + throughProc + "\", \"schema\": "
            + org.apache.iceberg.SchemaParser.toJson(SCHEMA) + "}")
        .post("/iceberg/v1/lake/namespaces/ns/tables")
        .then().statusCode(400)
        .body("error.type", equalTo("LocationOutsideStoragesException"));
    assertThat(LocalFileIO.parse(lakeOfA.location).resolve("ns/by-alias")).doesNotExist();
  }

  @Test
  void aLocalStorageRegisteredBeforeTheAllowedRootsInTheDataDirectoryGrantsNothing() {
    // a row as an organization's admin could make before: beside the key and the database, in no one's root
    String legacy = "datadir-" + UUID.randomUUID().toString().substring(0, 8);
    java.nio.file.Path dataDir = java.nio.file.Path.of(
        org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("ailake.data-dir", String.class))
        .toAbsolutePath().normalize().resolve(legacy);
    storageOfBAsBefore(legacy, "LOCAL", LocalFileIO.location(dataDir), null);

    given().header("Authorization", TestTokens.bearer(b.manage())).contentType(ContentType.JSON)
        .body(Map.of("name", "in_data_dir", "storageIds", List.of(legacy)))
        .post("/api/v1/ailake/database/instances")
        .then().statusCode(403).body("detail", containsString("ailake.storage.local-roots"));
    given().header("Authorization", TestTokens.bearer(b.manage())).contentType(ContentType.JSON)
        .body(Map.of("tableName", "rows_of_data_dir", "sourceStorageName", legacy, "pathPrefix", ""))
        .post("/api/v1/ailake/database/instances/lake/pipeTables")
        .then().statusCode(403).body("detail", containsString("ailake.storage.local-roots"));
    String inDataDir = LocalFileIO.location(dataDir.resolve("by-legacy-storage"));
    given().header("Authorization", TestTokens.bearer(b.manage())).contentType(ContentType.JSON)
        .body("{\"name\": \"in_data_dir\", \"location\": \"" + inDataDir + "\", \"schema\": "
            + org.apache.iceberg.SchemaParser.toJson(SCHEMA) + "}")
        .post("/iceberg/v1/lake/namespaces/ns/tables")
        .then().statusCode(400)
        .body("error.type", equalTo("LocationOutsideStoragesException"));
    assertThat(dataDir.resolve("by-legacy-storage")).doesNotExist();
  }

  @Test
  void anS3LocationCountsOnlyUnderTheStoragesOnTheEndpointTheWarehouseWritesTo() {
    // B's database is on local disk: its s3:// locations go to the service's own S3 endpoint
    String elsewhere = "elsewhere-" + UUID.randomUUID().toString().substring(0, 8);
    storageOfBAsBefore(elsewhere, "MINIO", "s3://" + io.ailake.testing.S3ProxyResource.BUCKET + "/" + elsewhere,
        "http://other-store.invalid:9000");
    String onOtherEndpoint = "s3://" + io.ailake.testing.S3ProxyResource.BUCKET + "/" + elsewhere + "/t";
    given().header("Authorization", TestTokens.bearer(b.manage())).contentType(ContentType.JSON)
        .body("{\"name\": \"elsewhere\", \"location\": \"" + onOtherEndpoint + "\", \"schema\": "
            + org.apache.iceberg.SchemaParser.toJson(SCHEMA) + "}")
        .post("/iceberg/v1/lake/namespaces/ns/tables")
        .then().statusCode(400)
        .body("error.type", equalTo("LocationOutsideStoragesException"))
        .body("error.message", containsString(onOtherEndpoint));

    // the same bucket on the service's endpoint, registered by B: there it is B's
    String here = "here-" + UUID.randomUUID().toString().substring(0, 8);
    given().header("Authorization", TestTokens.bearer(b.admin())).contentType(ContentType.JSON)
        .body(Map.of("name", here, "storageType", "MINIO", "bucket", io.ailake.testing.S3ProxyResource.BUCKET,
            "prefix", here, "endpoint", io.ailake.testing.S3ProxyResource.endpoint(),
            "accessKeyId", io.ailake.testing.S3ProxyResource.ACCESS_KEY,
            "secretAccessKey", io.ailake.testing.S3ProxyResource.SECRET_KEY))
        .post("/api/v1/admin/objectStorages").then().statusCode(201);
    String onThisEndpoint = "s3://" + io.ailake.testing.S3ProxyResource.BUCKET + "/" + here + "/t";
    given().header("Authorization", TestTokens.bearer(b.manage())).contentType(ContentType.JSON)
        .body("{\"name\": \"here\", \"location\": \"" + onThisEndpoint + "\", \"schema\": "
            + org.apache.iceberg.SchemaParser.toJson(SCHEMA) + "}")
        .post("/iceberg/v1/lake/namespaces/ns/tables")
        .then().statusCode(200)
        .body("metadata.location", equalTo(onThisEndpoint));
  }

  private static org.apache.iceberg.DataFile dataFile(Path file) {
    return org.apache.iceberg.DataFiles.builder(PartitionSpec.unpartitioned())
        .withPath(LocalFileIO.location(file))
        .withFileSizeInBytes(3)
        .withRecordCount(1)
        .withFormat(org.apache.iceberg.FileFormat.PARQUET)
        .build();
  }

  /** An absolute directory, registered as a LOCAL storage of {@code org} by the server admin. */
  private static String registerStorage(TestOrganizations.Org org, String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    return io.ailake.testing.ObjectStorages.localOf(
        org.id(), name, Path.of("target", "test-storages", name).toAbsolutePath().toString());
  }

  private RESTCatalog clientOfB() {
    Map<String, String> props = new HashMap<>();
    props.put("uri", catalog.toString());
    props.put("warehouse", "lake");
    props.put("credential", b.manageId() + ":" + b.manage());
    props.put("rest-metrics-reporting-enabled", "false");
    props.put("io-impl", LocalFileIO.class.getName());
    RESTCatalog client = new RESTCatalog();
    client.initialize("organization-b", props);
    return client;
  }

  /** A storage row of B's as the API let an organization's admin register it before its rules, unprobed. */
  private void storageOfBAsBefore(String name, String type, String root, String endpoint) {
    io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> io.ailake.storage.ObjectStorage
        .getEntityManager()
        .createNativeQuery("INSERT INTO object_storage (id, organization_id, name, storage_type, root, endpoint)"
            + " VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .setParameter(1, UUID.randomUUID())
        .setParameter(2, UUID.fromString(b.id()))
        .setParameter(3, name)
        .setParameter(4, type)
        .setParameter(5, root)
        .setParameter(6, endpoint)
        .executeUpdate());
  }
}
