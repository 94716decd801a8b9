package io.ailake.storage;

import io.ailake.organization.Organizations;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.not;

import io.ailake.iceberg.Warehouse;
import io.ailake.testing.S3ProxyResource;
import io.ailake.testing.Warehouses;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.junit.jupiter.api.Test;

/** The admin API registers storages only when they work, and never gives their keys away. */
@QuarkusTest
class ObjectStorageAdminResourceTest {

  static final String PATH = "/api/v1/admin/objectStorages";
  /** The server admin's route for the default organization's storages: LOCAL ones are registered there. */
  static final String LOCAL_PATH = "/api/v1/admin/organizations/" + Organizations.DEFAULT_ID + "/objectStorages";

  @Inject FileIOs fileIOs;
  @Inject ObjectStorageService service;

  @Test
  void anS3StorageIsRegisteredWhenItsProbePassesAndTheProbeObjectIsGone() {
    String name = unique("s3");

    given().contentType(ContentType.JSON).body(s3(name)).post(PATH)
        .then().statusCode(201)
        .header("Location", endsWith(PATH + "/" + service.get(Organizations.DEFAULT_ID, name).id))
        .body("name", equalTo(name))
        .body("storageType", equalTo("S3"))
        .body("storageConfig.bucket", equalTo(S3ProxyResource.BUCKET))
        .body("storageConfig.prefix", equalTo("storages/" + name))
        .body("storageConfig.root", equalTo("s3://warehouse/storages/" + name))
        .body("storageConfig.endpoint", equalTo(S3ProxyResource.endpoint()))
        .body("storageConfig.region", equalTo(S3ProxyResource.REGION))
        .body("storageConfig.pathStyleAccess", equalTo("true"))
        .body("hasCredentials", equalTo(true))
        .body("origin", equalTo("api"));

    SupportsPrefixOperations serviceS3 = (SupportsPrefixOperations) fileIOs.forStorage(
        Storage.s3(S3ProxyResource.endpoint(), S3ProxyResource.REGION, true));
    assertThat(serviceS3.listPrefix("s3://warehouse/storages/" + name)).isEmpty();
  }

  @Test
  void aLocalStorageIsRegisteredForAnAbsoluteDirectory() throws IOException {
    String name = unique("local");
    Path dir = localDir(name);

    asServerAdmin().body(local(name, dir.toString())).post(LOCAL_PATH)
        .then().statusCode(201)
        .body("storageType", equalTo("LOCAL"))
        .body("storageConfig.root", equalTo("file:" + dir))
        .body("hasCredentials", equalTo(false));

    try (var files = Files.list(dir)) {
      assertThat(files).as("the probe leaves nothing behind").isEmpty();
    }
  }

  @Test
  void aWrongSecretKeyIs400NamingTheFailedStepAndRegistersNothing() {
    String name = unique("badkey");
    Map<String, Object> body = s3(name);
    body.put("secretAccessKey", "not-the-secret-at-all");

    problem(given().contentType(ContentType.JSON).body(body).post(PATH).then(), 400)
        .body("detail", containsString("list step failed"))
        .body("detail", containsString("access denied"))
        .body("detail", not(containsString("not-the-secret-at-all")));

    given().get(PATH + "/" + name).then().statusCode(404);
  }

  @Test
  void anUnreachableEndpointIs400() throws IOException {
    Map<String, Object> body = s3(unique("unreachable"));
    String endpoint = "http://127.0.0.1:" + closedPort();
    body.put("endpoint", endpoint);

    problem(given().contentType(ContentType.JSON).body(body).post(PATH).then(), 400)
        .body("detail", containsString("endpoint " + endpoint + " is unreachable"));
  }

  @Test
  void aMissingBucketIs400() {
    Map<String, Object> body = s3(unique("nobucket"));
    body.put("bucket", "no-such-bucket");

    problem(given().contentType(ContentType.JSON).body(body).post(PATH).then(), 400)
        .body("detail", containsString("list step failed"))
        .body("detail", containsString("the bucket does not exist"));
  }

  @Test
  void aTakenNameIs409() {
    String name = unique("dup");
    createLocal(name);

    problem(asServerAdmin().body(local(name, localDir(name + "-2").toString()))
        .post(LOCAL_PATH).then(), 409)
        .body("detail", containsString("already exists: " + name));
  }

  @Test
  void invalidFieldsAre400WithWhatIsExpected() {
    String dir = localDir(unique("v")).toString();
    Map<String, String> cases = new HashMap<>();
    cases.put("{\"name\":\"bad name!\",\"storageType\":\"LOCAL\",\"root\":\"" + dir + "\"}", "Invalid name");
    cases.put("{\"name\":\"x1\",\"storageType\":\"GCS\",\"root\":\"" + dir + "\"}", "Unknown storageType 'GCS'");
    cases.put("{\"name\":\"x1\",\"root\":\"" + dir + "\"}", "storageType is required");
    cases.put("{\"name\":\"x1\",\"storageType\":\"s3\"}", "needs a bucket");
    cases.put("{\"name\":\"x1\",\"storageType\":\"S3\",\"root\":\"gs://b/p\"}", "expected s3://bucket[/prefix]");
    cases.put("{\"name\":\"x1\",\"storageType\":\"S3\",\"bucket\":\"Bad_Bucket\"}", "Invalid bucket");
    cases.put("{\"name\":\"x1\",\"storageType\":\"minio\",\"bucket\":\"b1b\"}", "needs an endpoint");
    cases.put("{\"name\":\"x1\",\"storageType\":\"LOCAL\",\"root\":\"relative/dir\"}", "must be absolute");
    cases.put("{\"name\":\"x1\",\"storageType\":\"LOCAL\",\"root\":\"" + dir + "\",\"bucket\":\"b1b\"}",
        "takes only 'root'");
    cases.put("{\"name\":\"x1\",\"storageType\":\"S3\",\"bucket\":\"b1b\",\"accessKeyId\":\"k\"}", "go together");
    cases.put("{\"name\":\"x1\",\"storageType\":\"S3\",\"bucket\":\"b1b\",\"endpoint\":\"ftp://h\"}", "Invalid endpoint");

    cases.forEach((body, expected) ->
        problem((body.contains("LOCAL") ? asServerAdmin().body(body).post(LOCAL_PATH)
                : given().contentType(ContentType.JSON).body(body).post(PATH)).then(), 400)
            .body("detail", containsString(expected)));
  }

  @Test
  void malformedJsonAndWrongFieldTypesAre400ProblemJson() {
    problem(given().contentType(ContentType.JSON).body("{\"name\": ").post(PATH).then(), 400)
        .body("detail", containsString("Malformed JSON"));
    problem(given().contentType(ContentType.JSON)
        .body("{\"name\":\"x2\",\"storageType\":\"LOCAL\",\"pathStyleAccess\":\"maybe\"}").post(PATH).then(), 400)
        .body("detail", containsString("pathStyleAccess"));
    problem(given().contentType(ContentType.JSON).body("{\"name\":{\"nested\":1}}").post(PATH).then(), 400);
    problem(given().contentType(ContentType.JSON).body("[1,2]").patch(PATH + "/whatever").then(), 400);
  }

  @Test
  void aStorageIsFoundByNameAndById() {
    String name = unique("get");
    String id = createLocal(name);

    given().get(PATH + "/" + name).then().statusCode(200).body("storageId", equalTo(id));
    given().get(PATH + "/" + id).then().statusCode(200).body("name", equalTo(name));
    problem(given().get(PATH + "/" + unique("missing")).then(), 404);
  }

  @Test
  void theListIsOrderedByName() {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    for (String first : List.of("zz", "aa", "mm")) {
      createLocal(first + "-" + suffix);
    }

    List<String> names = given().get(PATH).then().statusCode(200).extract().jsonPath().getList("storages.name");

    assertThat(names.stream().filter(n -> n.endsWith(suffix)))
        .containsExactly("aa-" + suffix, "mm-" + suffix, "zz-" + suffix);
  }

  @Test
  void patchProbesAgainAndKeepsTheFieldsNotSent() throws IOException {
    String name = unique("patch");
    given().contentType(ContentType.JSON).body(s3(name)).post(PATH).then().statusCode(201);

    given().contentType(ContentType.JSON).body(Map.of("prefix", "moved/" + name)).patch(PATH + "/" + name)
        .then().statusCode(200)
        .body("storageConfig.root", equalTo("s3://warehouse/moved/" + name))
        .body("storageConfig.endpoint", equalTo(S3ProxyResource.endpoint()))
        .body("storageConfig.pathStyleAccess", equalTo("true"))
        .body("hasCredentials", equalTo(true));

    String unreachable = "http://127.0.0.1:" + closedPort();
    problem(given().contentType(ContentType.JSON).body(Map.of("endpoint", unreachable))
        .patch(PATH + "/" + name).then(), 400)
        .body("detail", containsString("unreachable"));
    problem(given().contentType(ContentType.JSON).body(Map.of("secretAccessKey", "wrong-one"))
        .patch(PATH + "/" + name).then(), 400)
        .body("detail", containsString("access denied"));

    given().get(PATH + "/" + name).then().statusCode(200)
        .body("storageConfig.endpoint", equalTo(S3ProxyResource.endpoint()))
        .body("storageConfig.root", equalTo("s3://warehouse/moved/" + name));
    // the stored keys are still the good ones: a patch of another field passes its probe
    given().contentType(ContentType.JSON).body(Map.of("region", "us-east-1")).patch(PATH + "/" + name)
        .then().statusCode(200);
    problem(given().contentType(ContentType.JSON).body(Map.of("storageType", "LOCAL")).patch(PATH + "/" + name)
        .then(), 400).body("detail", containsString("cannot change"));
  }

  @Test
  void deleteAnswers204ThenTheStorageIsGone() {
    String name = unique("del");
    createLocal(name);

    given().delete(PATH + "/" + name).then().statusCode(204);

    problem(given().get(PATH + "/" + name).then(), 404);
    problem(given().delete(PATH + "/" + name).then(), 404);
  }

  @Test
  void aStorageUsedByAWarehouseCannotBeDeletedNorMoved() {
    String name = unique("used");
    UUID id = UUID.fromString(createLocal(name));
    Warehouse warehouse = Warehouses.local("uses_storage");
    QuarkusTransaction.requiringNew().run(() -> ObjectStorage.getEntityManager()
        .createNativeQuery("INSERT INTO warehouse_storage (warehouse_id, storage_id, position, organization_id)"
            + " VALUES (?1, ?2, 0, ?3)")
        .setParameter(1, warehouse.id)
        .setParameter(2, id)
        .setParameter(3, warehouse.organizationId)
        .executeUpdate());

    problem(given().delete(PATH + "/" + name).then(), 409)
        .body("detail", containsString("used by a warehouse"));
    problem(asServerAdmin().body(Map.of("root", localDir(name + "-moved").toString()))
        .patch(LOCAL_PATH + "/" + name).then(), 409);
    given().get(PATH + "/" + name).then().statusCode(200);
  }

  @Test
  void theSecretIsInNoResponseAndNotInPlainTextInPostgres() {
    String name = unique("secret");
    String created = given().contentType(ContentType.JSON).body(s3(name)).post(PATH)
        .then().statusCode(201).extract().asString();
    String single = given().get(PATH + "/" + name).then().statusCode(200).extract().asString();
    String listed = given().get(PATH).then().statusCode(200).extract().asString();
    String lake = given().get("/api/v1/ailake/objectStorages").then().statusCode(200).extract().asString();
    String patched = given().contentType(ContentType.JSON).body(Map.of("prefix", "p2")).patch(PATH + "/" + name)
        .then().statusCode(200).extract().asString();

    assertThat(List.of(created, single, listed, lake, patched))
        .allSatisfy(body -> assertThat(body)
            .doesNotContain(S3ProxyResource.SECRET_KEY)
            .doesNotContain(S3ProxyResource.ACCESS_KEY));

    byte[] sealed = QuarkusTransaction.requiringNew().call(() -> (byte[]) ObjectStorage.getEntityManager()
        .createNativeQuery("SELECT sealed_secret FROM object_storage WHERE name = ?1")
        .setParameter(1, name)
        .getSingleResult());
    assertThat(sealed).isNotEmpty();
    assertThat(new String(sealed, StandardCharsets.ISO_8859_1))
        .doesNotContain(S3ProxyResource.SECRET_KEY)
        .doesNotContain(S3ProxyResource.ACCESS_KEY);
  }

  @Test
  void storagesDeclaredInConfigurationAreRegisteredAtStartAndOnlyChangedThere() {
    given().get(PATH + "/configured-local").then().statusCode(200)
        .body("origin", equalTo("config"))
        .body("storageType", equalTo("LOCAL"))
        .body("storageConfig.root", endsWith("/target/test-storages/configured-local"));

    problem(given().contentType(ContentType.JSON).body(Map.of("name", "renamed")).patch(PATH + "/configured-local")
        .then(), 409).body("detail", containsString("configuration"));
    problem(given().delete(PATH + "/configured-local").then(), 409);
  }

  @Test
  void theDefaultStorageIsRegisteredAtStartOnceAndReturnedAfterwards() {
    // registered at start from the default warehouse's location (target/test-data/warehouse in tests)
    String configured = "file:" + Path.of("target/test-data/warehouse").toAbsolutePath().normalize();

    ObjectStorage first = service.ensureDefaultStorage("target/test-data/somewhere-else");
    ObjectStorage again = service.ensureDefaultStorage(configured);

    assertThat(again.id).isEqualTo(first.id);
    assertThat(first.name).isEqualTo(ObjectStorageService.DEFAULT_NAME);
    assertThat(first.origin).isEqualTo(ObjectStorage.ORIGIN_DEFAULT);
    assertThat(first.storageType).isEqualTo(ObjectStorage.Type.LOCAL);
    assertThat(first.root).as("a later call never moves it").isEqualTo(configured);
  }


  @Test
  void anS3DefaultWarehouseGetsTheServiceS3SettingsAndKeys() {
    ObjectStorageService.Spec spec = service.defaultSpec("s3a://warehouse/lake/");

    assertThat(spec.type()).isEqualTo(ObjectStorage.Type.S3);
    assertThat(spec.root()).isEqualTo("s3://warehouse/lake");
    assertThat(spec.endpoint()).isEqualTo(S3ProxyResource.endpoint());
    assertThat(spec.pathStyle()).isTrue();
    assertThat(spec.credentials()).contains(new Credentials(S3ProxyResource.ACCESS_KEY, S3ProxyResource.SECRET_KEY));
  }

  // ---- helpers ----------------------------------------------------------------------------------

  static ValidatableResponse problem(ValidatableResponse response, int status) {
    return response.statusCode(status)
        .contentType("application/problem+json")
        .body("status", equalTo(status))
        .body("traceId", not(equalTo(null)));
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static Map<String, Object> s3(String name) {
    Map<String, Object> body = new HashMap<>();
    body.put("name", name);
    body.put("storageType", "S3");
    body.put("bucket", S3ProxyResource.BUCKET);
    body.put("prefix", "storages/" + name);
    body.put("endpoint", S3ProxyResource.endpoint());
    body.put("region", S3ProxyResource.REGION);
    body.put("pathStyleAccess", true);
    body.put("accessKeyId", S3ProxyResource.ACCESS_KEY);
    body.put("secretAccessKey", S3ProxyResource.SECRET_KEY);
    return body;
  }

  static Map<String, Object> local(String name, String root) {
    return Map.of("name", name, "storageType", "local", "root", root);
  }

  static Path localDir(String name) {
    return Path.of("target", "test-storages", name).toAbsolutePath().normalize();
  }

  static String createLocal(String name) {
    return asServerAdmin().body(local(name, localDir(name).toString())).post(LOCAL_PATH)
        .then().statusCode(201).extract().path("storageId");
  }

  static io.restassured.specification.RequestSpecification asServerAdmin() {
    return given().header("Authorization", io.ailake.testing.TestTokens.bearer(io.ailake.testing.TestTokens.serverAdmin()))
        .contentType(ContentType.JSON);
  }

  static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
