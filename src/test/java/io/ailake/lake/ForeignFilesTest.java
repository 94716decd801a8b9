package io.ailake.lake;

import static io.ailake.lake.DatabaseInstancesTest.BASE;
import static io.ailake.lake.DatabaseInstancesTest.awaitSucceeded;
import static io.ailake.lake.DatabaseInstancesTest.uniqueName;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.ailake.auth.Caller;
import io.ailake.iceberg.Warehouse;
import io.ailake.organization.Organizations;
import io.ailake.storage.FileIOs;
import io.ailake.storage.LocalFileIO;
import io.ailake.storage.ObjectStorage;
import io.ailake.testing.IcebergClients;
import io.ailake.testing.ObjectStorages;
import io.ailake.testing.Operations;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.junit.jupiter.api.Test;

/**
 * A database provisioned where files already are (the measured case: a database {@code orders} on a
 * storage that held {@code orders/} source files) is refused unless adopted, and its deprovisioning
 * deletes what the catalog wrote and nothing else, saying what it left.
 */
@QuarkusTest
class ForeignFilesTest {

  @TestHTTPResource("/iceberg")
  URL catalog;

  @Inject FileIOs fileIOs;
  @Inject DatabaseInstances databases;
  @Inject Caller caller;

  @Test
  void provisioningOntoAnOccupiedLocalDirectoryIsRefusedAndAnAdoptedOnesFilesSurviveTheDeprovision() {
    foreignSourceFilesSurvive(ObjectStorages.local("occupied"));
  }

  @Test
  void provisioningOntoAnOccupiedS3PrefixIsRefusedAndAnAdoptedOnesFilesSurviveTheDeprovision() {
    foreignSourceFilesSurvive(ObjectStorages.s3("occupied"));
  }

  @Test
  void aForeignFilePutUnderADatabaseAfterItsProvisioningSurvivesItsDeprovisionOnLocalDisk() {
    ObjectStorage storage = ObjectStorages.local("later");
    String name = uniqueName("orders");
    awaitSucceeded(DatabaseInstancesTest.provision(name, storage.id.toString()).header("operation-id"));
    String tableLocation = tableWithData(name);
    String foreign = tableLocation + "/data/notes.txt";
    write(storage, foreign);

    JsonPath result = deprovision(name);

    assertThat(result.getList("result.retained.location", String.class))
        .containsExactly(LocalFileIO.location(LocalFileIO.parse(foreign)));
    assertThat(files(storage)).containsExactly(LocalFileIO.location(LocalFileIO.parse(foreign)));
    assertThat(LocalFileIO.parse(tableLocation + "/metadata")).as("an emptied directory goes").doesNotExist();
    assertThat(LocalFileIO.parse(tableLocation + "/data")).as("a directory with foreign content stays").isDirectory();
  }

  @Test
  void anEmptiedLocalDatabaseLeavesNoDirectoryBehindButTheStorageRoot() {
    ObjectStorage storage = ObjectStorages.local("emptied");
    String name = uniqueName("clean");
    awaitSucceeded(DatabaseInstancesTest.provision(name, storage.id.toString()).header("operation-id"));
    tableWithData(name);

    JsonPath result = deprovision(name);

    assertThat(result.getInt("result.retainedCount")).isZero();
    assertThat(LocalFileIO.parse(storage.root + "/" + name)).doesNotExist();
    assertThat(LocalFileIO.parse(storage.root)).isDirectory();
  }

  @Test
  void filesThatAppearBeforeTheProvisioningJobRunsFailItAndSurvive() {
    ObjectStorage storage = ObjectStorages.local("race");
    String name = uniqueName("race");
    String operationId = UUID.randomUUID().toString();
    // the request finds the root empty; its job is held back until a foreign file arrived
    caller.authenticated(new Caller.Principal(Organizations.DEFAULT_ID, io.ailake.auth.Role.ADMIN, null, false));
    QuarkusTransaction.requiringNew().run(() -> {
      databases.provision(
          new LakeRequests.ProvisionDatabaseInstance(name, List.of(storage.id.toString()), null, null), operationId);
      io.ailake.operations.Job.getEntityManager()
          .createNativeQuery("UPDATE job SET lease_owner = 'held', lease_until = now() + interval '1 hour'"
              + " WHERE operation_id = ?1")
          .setParameter(1, operationId)
          .executeUpdate();
    });
    String foreign = storage.root + "/" + name + "/source.parquet";
    write(storage, foreign);
    QuarkusTransaction.requiringNew().run(() -> io.ailake.operations.Job.getEntityManager()
        .createNativeQuery("UPDATE job SET lease_until = now() - interval '1 second' WHERE operation_id = ?1")
        .setParameter(1, operationId)
        .executeUpdate());

    Operations.awaitFinished(operationId).body("status", equalTo("failed"))
        .body("error.status", equalTo(409))
        .body("error.detail", containsString("adoptExistingFiles"));
    given().get(BASE + "/" + name).then().statusCode(200).body("state", equalTo("failed"))
        .body("stateDetail", containsString("source.parquet"));

    JsonPath result = deprovision(name);
    assertThat(result.getList("result.retained.location", String.class)).hasSize(1);
    assertThat(files(storage)).containsExactly(LocalFileIO.location(LocalFileIO.parse(foreign)));
  }

  @Test
  void theApiDocumentDescribesTheAdoptFlagAndTheConflict() {
    JsonPath document = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
        .extract().jsonPath();
    assertThat(document.getString(
            "components.schemas.ProvisionDatabaseInstanceRequest.properties.adoptExistingFiles.type"))
        .isEqualTo("boolean");
    assertThat(document.getString("paths.'/api/v1/ailake/database/instances'.post.responses.'409'.description"))
        .contains("adoptExistingFiles");
  }

  private void foreignSourceFilesSurvive(ObjectStorage storage) {
    String name = uniqueName("orders");
    String foreign = storage.root + "/" + name + "/foreign.parquet";
    write(storage, foreign);

    given().contentType(ContentType.JSON)
        .body("{\"name\":\"" + name + "\",\"storageIds\":[\"" + storage.id + "\"]}")
        .post(BASE)
        .then().statusCode(409)
        .contentType("application/problem+json")
        .body("detail", containsString("foreign.parquet"))
        .body("detail", containsString("adoptExistingFiles"));
    given().get(BASE + "/" + name).then().statusCode(404);

    String operation = given().contentType(ContentType.JSON)
        .body("{\"name\":\"" + name + "\",\"storageIds\":[\"" + storage.id + "\"],\"adoptExistingFiles\":true}")
        .post(BASE)
        .then().statusCode(202).extract().header("operation-id");
    awaitSucceeded(operation);
    String tableLocation = tableWithData(name);
    assertThat(files(storage)).hasSizeGreaterThanOrEqualTo(6); // marker, foreign, data, manifest, list, metadata

    JsonPath result = deprovision(name);

    assertThat(result.getList("result.retained", Map.class)).hasSize(1);
    assertThat(result.getString("result.retained[0].location")).endsWith("/" + name + "/foreign.parquet");
    assertThat(result.getString("result.retained[0].reason")).startsWith("reached by no metadata");
    assertThat(result.getInt("result.retainedCount")).isEqualTo(1);
    assertThat(result.getLong("result.deletedFiles")).isGreaterThanOrEqualTo(5);
    assertThat(files(storage)).as("only the foreign file is left: the catalog's files are gone")
        .hasSize(1).allMatch(file -> file.endsWith("/" + name + "/foreign.parquet"));
    assertThat(files(storage, tableLocation)).isEmpty();
  }

  /** Deprovisions the database; the finished operation. */
  private static JsonPath deprovision(String name) {
    String operation = given().delete(BASE + "/" + name).then().statusCode(202).extract().header("operation-id");
    JsonPath result = awaitSucceeded(operation).body("result.name", equalTo(name)).extract().jsonPath();
    given().get(BASE + "/" + name).then().statusCode(404);
    return result;
  }

  /** A table with one appended data file in database {@code name}; its location. */
  private String tableWithData(String name) {
    Warehouse warehouse = QuarkusTransaction.requiringNew().call(() ->
        Warehouse.findByName(Organizations.DEFAULT_ID, name).orElseThrow());
    return IcebergClients.tableWithOneDataFile(catalog, warehouse);
  }

  private void write(ObjectStorage storage, String location) {
    FileIO io = fileIOs.forStorage(storage.storage());
    try (PositionOutputStream out = io.newOutputFile(location).createOrOverwrite()) {
      out.write("not the catalog's".getBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<String> files(ObjectStorage storage) {
    return files(storage, storage.root);
  }

  private List<String> files(ObjectStorage storage, String prefix) {
    SupportsPrefixOperations io = (SupportsPrefixOperations) fileIOs.forStorage(storage.storage());
    return StreamSupport.stream(io.listPrefix(prefix + "/").spliterator(), false).map(f -> f.location()).toList();
  }
}
