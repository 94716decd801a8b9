package io.ailake.iceberg;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ailake.operations.Job;
import io.ailake.organization.Organizations;
import io.ailake.storage.FileIOs;
import io.ailake.testing.Eventually;
import io.ailake.testing.IcebergClients;
import io.ailake.testing.Warehouses;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.apache.iceberg.rest.RESTCatalog;
import org.junit.jupiter.api.Test;

/** DROP with purge deletes every file of the table, durably, in the background. */
@QuarkusTest
class PurgeTest {

  @TestHTTPResource("/iceberg")
  URL catalog;

  @Inject FileIOs fileIOs;

  @Test
  void purgeDeletesDataAndMetadataFilesOnLocalDisk() {
    purgeDeletesEverything(Warehouses.local("purge"));
  }

  @Test
  void purgeDeletesDataAndMetadataFilesOnS3() {
    purgeDeletesEverything(Warehouses.s3("purge_s3"));
  }

  @Test
  void aPurgeLeavesForeignFilesUnderTheTableLocationAndListsThemOnLocalDisk() {
    Warehouse warehouse = Warehouses.local("foreign");
    String location = purgeLeavesForeignFiles(warehouse);
    java.nio.file.Path table = io.ailake.storage.LocalFileIO.parse(location);
    assertThat(table.resolve("metadata")).as("emptied by the purge").doesNotExist();
    assertThat(table.resolve("data")).as("holds a foreign file").isDirectory();
  }

  @Test
  void aPurgeLeavesForeignFilesUnderTheTableLocationAndListsThemOnS3() {
    purgeLeavesForeignFiles(Warehouses.s3("foreign_s3"));
  }

  @Test
  void aPurgedLocalTableLeavesNoDirectoryBehind() {
    Warehouse warehouse = Warehouses.local("dirs");
    String location = tableWithData(warehouse, "gone");

    given().delete("/iceberg/v1/" + warehouse.name + "/namespaces/ns/tables/gone?purgeRequested=true")
        .then().statusCode(204);

    java.nio.file.Path table = io.ailake.storage.LocalFileIO.parse(location);
    Eventually.within(Duration.ofSeconds(30), () -> assertThat(table).doesNotExist());
    assertThat(table.getParent()).as("the namespace's directory is not the table's to remove").isDirectory();
  }

  @Test
  void aPurgeKeepsTheFilesOfATableRegisteredFromTheSameMetadata() {
    Warehouse warehouse = Warehouses.local("twice");
    String location = tableWithData(warehouse, "first");
    String metadata = given().get("/iceberg/v1/" + warehouse.name + "/namespaces/ns/tables/first")
        .jsonPath().getString("metadata-location");
    given().contentType(ContentType.JSON)
        .body("{\"name\":\"second\",\"metadata-location\":\"" + metadata + "\"}")
        .post("/iceberg/v1/" + warehouse.name + "/namespaces/ns/register").then().statusCode(200);
    List<String> files = files(warehouse, location);

    given().delete("/iceberg/v1/" + warehouse.name + "/namespaces/ns/tables/first?purgeRequested=true")
        .then().statusCode(204);

    Eventually.within(Duration.ofSeconds(30), () ->
        assertThat(purgeResult(metadata).getList("retained.reason", String.class))
            .containsExactly("in use by a live table or view"));
    assertThat(files(warehouse, location)).containsExactlyInAnyOrderElementsOf(files);
    given().get("/iceberg/v1/" + warehouse.name + "/namespaces/ns/tables/second").then().statusCode(200);
  }

  @Test
  void aPurgeFollowsTheMetadataLogBackPastItsLimit() {
    Warehouse warehouse = Warehouses.local("history");
    String location;
    try (RESTCatalog client = IcebergClients.connect(catalog, warehouse)) {
      given().contentType(ContentType.JSON).body("{\"namespace\":[\"ns\"]}")
          .post("/iceberg/v1/" + warehouse.name + "/namespaces");
      Table table = client.createTable(TableIdentifier.of("ns", "long"), TableRoutesTest.ICEBERG_SCHEMA,
          org.apache.iceberg.PartitionSpec.unpartitioned(),
          java.util.Map.of(org.apache.iceberg.TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "1"));
      for (int i = 0; i < 4; i++) {
        table.updateProperties().set("commit", Integer.toString(i)).commit();
      }
      location = table.location();
      assertThat(((org.apache.iceberg.HasTableOperations) table).operations().current().previousFiles()).hasSize(1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(files(warehouse, location)).hasSize(5);

    given().delete("/iceberg/v1/" + warehouse.name + "/namespaces/ns/tables/long?purgeRequested=true")
        .then().statusCode(204);

    Eventually.within(Duration.ofSeconds(30), () -> assertThat(files(warehouse, location)).isEmpty());
  }

  @Test
  void dropWithoutPurgeKeepsEveryFile() {
    Warehouse warehouse = Warehouses.local("nopurge");
    String location = tableWithData(warehouse, "kept");
    List<String> files = files(warehouse, location);

    given().delete("/iceberg/v1/" + warehouse.name + "/namespaces/ns/tables/kept").then().statusCode(204);

    assertThat(files(warehouse, location)).containsExactlyInAnyOrderElementsOf(files);
  }

  @Test
  void aPurgeWhoseWorkerDiedIsFinishedByAnotherWorker() {
    Warehouse warehouse = Warehouses.local("orphan");
    String location = tableWithData(warehouse, "t");
    String metadata = given().get("/iceberg/v1/" + warehouse.name + "/namespaces/ns/tables/t")
        .jsonPath().getString("metadata-location");
    // what a worker killed mid-purge leaves: the pointer gone, its job claimed under a lease now expired
    long jobId = QuarkusTransaction.requiringNew().call(() -> {
      CatalogObject.delete("metadataLocation", metadata);
      Job job = new Job();
      job.organizationId = Organizations.DEFAULT_ID;
      job.kind = PurgeTableJob.KIND;
      job.payload = PurgeTableJob.payload(warehouse.id, metadata);
      job.attempts = 1;
      job.persist();
      Job.getEntityManager().flush();
      Job.getEntityManager()
          .createNativeQuery("UPDATE job SET lease_owner = 'worker-killed', lease_until = ?1 WHERE id = ?2")
          .setParameter(1, java.sql.Timestamp.from(Instant.now().minusSeconds(5)))
          .setParameter(2, job.id)
          .executeUpdate();
      return job.id;
    });

    Eventually.within(Duration.ofSeconds(30), () -> assertThat(files(warehouse, location)).isEmpty());
    Eventually.within(Duration.ofSeconds(10), () -> {
      Job job = QuarkusTransaction.requiringNew().call(() -> Job.<Job>findById(jobId));
      assertThat(job.state).isEqualTo(Job.State.SUCCEEDED);
      assertThat(job.attempts).isEqualTo(2);
    });
  }

  private void purgeDeletesEverything(Warehouse warehouse) {
    String location = tableWithData(warehouse, "doomed");
    assertThat(files(warehouse, location)).hasSizeGreaterThanOrEqualTo(5); // data, manifests, lists, metadata

    given().delete("/iceberg/v1/" + warehouse.name + "/namespaces/ns/tables/doomed?purgeRequested=true")
        .then().statusCode(204);

    given().get("/iceberg/v1/" + warehouse.name + "/namespaces/ns/tables/doomed").then().statusCode(404);
    Eventually.within(Duration.ofSeconds(30), () -> assertThat(files(warehouse, location)).isEmpty());
  }

  /** A table's purge leaves two foreign files and reports them; the table's own files are gone. */
  private String purgeLeavesForeignFiles(Warehouse warehouse) {
    String location = tableWithData(warehouse, "shared");
    String metadata = given().get("/iceberg/v1/" + warehouse.name + "/namespaces/ns/tables/shared")
        .jsonPath().getString("metadata-location");
    FileIO io = fileIOs.forStorage(warehouse.storage());
    List<String> foreign = List.of(location + "/data/foreign.parquet", location + "/notes.txt");
    foreign.forEach(file -> write(io, file));
    assertThat(files(warehouse, location)).hasSizeGreaterThanOrEqualTo(7);

    given().delete("/iceberg/v1/" + warehouse.name + "/namespaces/ns/tables/shared?purgeRequested=true")
        .then().statusCode(204);

    Eventually.within(Duration.ofSeconds(30), () ->
        assertThat(files(warehouse, location)).containsExactlyInAnyOrderElementsOf(spelled(warehouse, foreign)));
    Eventually.within(Duration.ofSeconds(10), () -> {
      io.restassured.path.json.JsonPath result = purgeResult(metadata);
      assertThat(result.getList("retained.location", String.class))
          .containsExactlyInAnyOrderElementsOf(spelled(warehouse, foreign));
      assertThat(result.getInt("retainedCount")).isEqualTo(2);
      assertThat(result.getLong("deletedFiles")).isGreaterThanOrEqualTo(5);
    });
    return location;
  }

  /** The locations as a listing spells them. */
  private static List<String> spelled(Warehouse warehouse, List<String> locations) {
    return warehouse.storageType == io.ailake.storage.Storage.Type.LOCAL
        ? locations.stream()
            .map(l -> io.ailake.storage.LocalFileIO.location(io.ailake.storage.LocalFileIO.parse(l))).toList()
        : locations;
  }

  /** The result of the purge job of the table whose last metadata was {@code metadataLocation}. */
  private static io.restassured.path.json.JsonPath purgeResult(String metadataLocation) {
    String json = QuarkusTransaction.requiringNew().call(() -> (String) Job.getEntityManager()
        .createNativeQuery("SELECT CAST(result AS text) FROM job WHERE kind = ?1 AND state = 'SUCCEEDED'"
            + " AND payload ->> 'metadataLocation' = ?2")
        .setParameter(1, PurgeTableJob.KIND)
        .setParameter(2, metadataLocation)
        .getResultStream().findFirst().orElse(null));
    assertThat(json).as("the purge finished").isNotNull();
    return new io.restassured.path.json.JsonPath(json);
  }

  /** A table with two appends of real data files; returns its location. */
  private String tableWithData(Warehouse warehouse, String name) {
    given().contentType(ContentType.JSON).body("{\"namespace\":[\"ns\"]}")
        .post("/iceberg/v1/" + warehouse.name + "/namespaces");
    try (RESTCatalog client = IcebergClients.connect(catalog, warehouse)) {
      Table table = client.createTable(TableIdentifier.of("ns", name), TableRoutesTest.ICEBERG_SCHEMA);
      for (String file : List.of("a", "b")) {
        DataFile dataFile = TableRoutesTest.dataFile(table, file);
        write(table.io(), dataFile.location());
        table.newAppend().appendFile(dataFile).commit();
      }
      return table.location();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(FileIO io, String location) {
    try (PositionOutputStream out = io.newOutputFile(location).createOrOverwrite()) {
      out.write(new byte[100]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<String> files(Warehouse warehouse, String location) {
    SupportsPrefixOperations io = (SupportsPrefixOperations) fileIOs.forStorage(warehouse.storage());
    return StreamSupport.stream(io.listPrefix(location + "/").spliterator(), false)
        .map(f -> f.location())
        .toList();
  }
}
