package io.ailake.iceberg;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.ailake.storage.Storage;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Object storage that does not answer is a clear 503 with Retry-After, and nothing is half-written. */
@QuarkusTest
class DependencyOutageTest {

  @Inject WarehouseService warehouses;

  @Test
  void unreachableStorageIs503AndCreatesNothing() {
    String name = "down_" + UUID.randomUUID().toString().substring(0, 8);
    warehouses.create(io.ailake.organization.Organizations.DEFAULT_ID, name, "s3://nowhere/" + name, Storage.s3("http://127.0.0.1:9", "us-east-1", true));
    String base = "/iceberg/v1/" + name;
    given().contentType(ContentType.JSON).body("{\"namespace\":[\"ns\"]}").post(base + "/namespaces")
        .then().statusCode(200);

    given().contentType(ContentType.JSON).body("{\"name\":\"t\",\"schema\":" + TableRoutesTest.SCHEMA + "}")
        .post(base + "/namespaces/ns/tables")
        .then().statusCode(503)
        .header("Retry-After", notNullValue())
        .body("error.type", equalTo("ServiceUnavailableException"));

    given().get(base + "/namespaces/ns/tables/t").then().statusCode(404);
    given().get(base + "/namespaces/ns/tables").then().statusCode(200).body("identifiers.size()", equalTo(0));
  }
}
