package io.ailake.storage;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.ailake.api.ApiException;
import io.ailake.organization.Organizations;
import io.ailake.testing.S3ProxyResource;
import io.ailake.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A storage reaches only its own organization's files: LOCAL storages are the server admin's, under the
 * directories the operator allows and never the service's data directory, however a root is spelled;
 * S3 prefixes are compared per endpoint and bucket after normalization.
 */
@QuarkusTest
class StorageBoundariesTest {

  private static final String OWN_ROUTE = "/api/v1/admin/objectStorages";
  private static final Path STORAGES = Path.of("target", "test-storages").toAbsolutePath().normalize();

  @Inject ObjectStorageService service;

  /** Organization A (the default one): a LOCAL storage. Organization B: a new one. */
  private Path rootOfA;
  private String organizationB;
  private String adminOfB;

  @BeforeEach
  void twoOrganizations() throws IOException {
    rootOfA = STORAGES.resolve(unique("a"));
    Files.createDirectories(rootOfA);
    Files.writeString(rootOfA.resolve("rows.parquet"), "A's rows");
    io.ailake.testing.ObjectStorages.localOf(Organizations.DEFAULT_ID.toString(), unique("a"), rootOfA.toString());

    organizationB = given().header("Authorization", TestTokens.bearer(TestTokens.serverAdmin()))
        .contentType(ContentType.JSON).body(Map.of("name", unique("org_b").replace('-', '_')))
        .post("/api/v1/admin/organizations").then().statusCode(201).extract().path("id");
    adminOfB = given().header("Authorization", TestTokens.bearer(TestTokens.serverAdmin()))
        .contentType(ContentType.JSON).body(Map.of("name", "admin", "role", "admin"))
        .post("/api/v1/admin/organizations/" + organizationB + "/tokens").then().statusCode(201).extract().path("token");
  }

  // ---- LOCAL: who, and where ------------------------------------------------------------------

  @Test
  void anOrganizationsAdminCannotRegisterOrChangeALocalStorage() {
    Path own = STORAGES.resolve(unique("b"));
    for (String token : List.of(adminOfB, TestTokens.defaultAdmin())) {
      problem(asOrganizationAdmin(token).body(local(unique("b"), own.toString())).post(OWN_ROUTE).then(), 403)
          .body("detail", containsString("only the server admin"));
      // nor through the server admin's route
      problem(asOrganizationAdmin(token).body(local(unique("b"), own.toString()))
          .post(serverAdminRoute(organizationB)).then(), 403);
    }
    given().header("Authorization", TestTokens.bearer(adminOfB)).get(OWN_ROUTE).then().statusCode(200)
        .body("storages", org.hamcrest.Matchers.empty());

    // the server admin registers it; B's admin then cannot move it, even within the allowed roots
    String name = unique("b");
    asServerAdmin().body(local(name, own.toString())).post(serverAdminRoute(organizationB)).then().statusCode(201)
        .body("storageConfig.root", equalTo("file:" + own));
    problem(asOrganizationAdmin(adminOfB).body(Map.of("root", STORAGES.resolve(unique("b")).toString()))
        .patch(OWN_ROUTE + "/" + name).then(), 403);
    problem(asOrganizationAdmin(adminOfB).body(Map.of("name", unique("renamed")))
        .patch(OWN_ROUTE + "/" + name).then(), 403);
    given().header("Authorization", TestTokens.bearer(adminOfB)).get(OWN_ROUTE + "/" + name).then().statusCode(200)
        .body("storageConfig.root", equalTo("file:" + own));
  }

  @Test
  void aLocalRootOutsideTheAllowedRootsIsRefusedEvenToTheServerAdmin() {
    Path sibling = STORAGES.resolveSibling(unique("outside"));
    for (String root : List.of(sibling.toString(), "/tmp/" + unique("elsewhere"), "/etc",
        STORAGES + "/../" + sibling.getFileName())) {
      problem(asServerAdmin().body(local(unique("b"), root)).post(serverAdminRoute(organizationB)).then(), 403)
          .body("detail", containsString("ailake.storage.local-roots"));
    }
    assertThat(sibling).doesNotExist();
  }

  @Test
  void procAliasesOfAnotherOrganizationsRootAreRefused() {
    long pid = ProcessHandle.current().pid();
    Path cwd = Path.of("").toAbsolutePath();
    String relativeToCwd = cwd.relativize(rootOfA).toString();
    for (String alias : List.of(
        "/proc/self/root" + rootOfA,
        "/proc/" + pid + "/root" + rootOfA + "/",
        "/proc/self/cwd/" + relativeToCwd,
        "/proc/" + pid + "/cwd/../" + cwd.getFileName() + "/" + relativeToCwd,
        "file:///proc/self/root" + rootOfA.getParent() + "/./" + rootOfA.getFileName(),
        "/proc/thread-self/root" + rootOfA + "/sub")) {
      problem(asServerAdmin().body(local(unique("b"), alias)).post(serverAdminRoute(organizationB)).then(), 409)
          .body("detail", containsString("overlaps the storage of another organization"));
    }
    // an allowed root's sibling spelled through /proc is still outside
    problem(asServerAdmin().body(local(unique("b"), "/proc/self/root" + STORAGES.resolveSibling("test-data")))
        .post(serverAdminRoute(organizationB)).then(), 403);
    problem(asServerAdmin().body(local(unique("b"), "/proc/self/cwd/src"))
        .post(serverAdminRoute(organizationB)).then(), 403);
    // B's own directory spelled through /proc is kept as its real path
    Path own = STORAGES.resolve(unique("b"));
    asServerAdmin().body(local(unique("b"), "/proc/self/root" + own)).post(serverAdminRoute(organizationB))
        .then().statusCode(201).body("storageConfig.root", equalTo("file:" + own));
  }

  @Test
  void aSymlinkIntoAnotherOrganizationsRootOrTheDataDirectoryIsRefused() throws IOException {
    Path intoA = Files.createSymbolicLink(STORAGES.resolve(unique("link-a")), rootOfA);
    problem(asServerAdmin().body(local(unique("b"), intoA.toString())).post(serverAdminRoute(organizationB)).then(), 409);
    problem(asServerAdmin().body(local(unique("b"), intoA + "/deeper/still")).post(serverAdminRoute(organizationB))
        .then(), 409);

    Path dataDir = Path.of("target", "test-data").toAbsolutePath();
    Path intoData = Files.createSymbolicLink(STORAGES.resolve(unique("link-data")), dataDir);
    problem(asServerAdmin().body(local(unique("b"), intoData.toString())).post(serverAdminRoute(organizationB))
        .then(), 403).body("detail", containsString("data directory"));
    Path intoEtc = Files.createSymbolicLink(STORAGES.resolve(unique("link-etc")), Path.of("/etc"));
    problem(asServerAdmin().body(local(unique("b"), intoEtc.toString())).post(serverAdminRoute(organizationB))
        .then(), 403);
    // a dangling link leads nowhere known yet
    Path dangling = Files.createSymbolicLink(STORAGES.resolve(unique("link-none")), STORAGES.resolve(unique("none")));
    problem(asServerAdmin().body(local(unique("b"), dangling + "/x")).post(serverAdminRoute(organizationB))
        .then(), 400);
  }

  @Test
  void theDataDirectoryItsAncestorsAndWhatIsInItAreNeverAStorage() {
    Path dataDir = Path.of("target", "test-data").toAbsolutePath().normalize();
    for (String root : List.of(dataDir.toString(), dataDir.getParent().toString(), dataDir + "/postgres",
        dataDir + "/warehouse/../postgres", "/")) {
      problem(asServerAdmin().body(local(unique("b"), root)).post(serverAdminRoute(organizationB)).then(), 403)
          .body("detail", containsString("data directory"));
      // not even when the operator declares it in configuration
      assertThatThrownBy(() -> service.validate(new ObjectStorageRequest(
              unique("c"), "LOCAL", null, null, root, null, null, null, null, null), true))
          .isInstanceOf(ApiException.class)
          .hasMessageContaining("data directory");
    }
    // the default warehouse's directory is the one place in it a storage may be (the default's own)
    assertThat(service.validate(new ObjectStorageRequest(unique("c"), "LOCAL", null, null,
        dataDir.resolve("warehouse").resolve("part").toString(), null, null, null, null, null), false).root())
        .isEqualTo("file:" + dataDir.resolve("warehouse").resolve("part"));
  }

  // ---- S3: normalized prefixes, compared per endpoint -------------------------------------------

  @Test
  void aPrefixSpelledWithDotsOrEmptySegmentsIsRefusedAndCannotReachAnotherOrganizationsPrefix() {
    String prefixOfA = unique("pa") + "/data";
    given().contentType(ContentType.JSON).body(s3(unique("a"), prefixOfA, S3ProxyResource.endpoint()))
        .post(OWN_ROUTE).then().statusCode(201);

    String top = prefixOfA.substring(0, prefixOfA.indexOf('/'));
    for (String spelled : List.of("./" + prefixOfA, top + "//data", top + "/../" + prefixOfA, top + "/./data",
        prefixOfA + "/..", "x/../" + top)) {
      problem(asOrganizationAdmin(adminOfB).body(minio(unique("b"), spelled, S3ProxyResource.endpoint()))
          .post(OWN_ROUTE).then(), 400).body("detail", containsString("segments"));
    }
    problem(asOrganizationAdmin(adminOfB).body(Map.of("name", unique("b"), "storageType", "MINIO",
            "root", "s3://" + S3ProxyResource.BUCKET + "/./" + prefixOfA, "endpoint", S3ProxyResource.endpoint(),
            "accessKeyId", S3ProxyResource.ACCESS_KEY, "secretAccessKey", S3ProxyResource.SECRET_KEY))
        .post(OWN_ROUTE).then(), 400);

    // the endpoint spelled otherwise is the same store: the prefix, what holds it and what it holds are A's
    String port = S3ProxyResource.endpoint().substring(S3ProxyResource.endpoint().lastIndexOf(':') + 1);
    for (String endpoint : List.of(S3ProxyResource.endpoint(), S3ProxyResource.endpoint() + "/",
        "HTTP://LOCALHOST:" + port, "http://localhost:" + port + "/")) {
      for (String prefix : List.of(prefixOfA, top, prefixOfA + "/deeper", "/" + prefixOfA + "/")) {
        problem(asOrganizationAdmin(adminOfB).body(minio(unique("b"), prefix, endpoint)).post(OWN_ROUTE).then(), 409)
            .body("detail", containsString("overlaps the storage of another organization"));
      }
    }
    // the whole bucket holds A's prefix
    problem(asOrganizationAdmin(adminOfB).body(minio(unique("b"), null, S3ProxyResource.endpoint()))
        .post(OWN_ROUTE).then(), 409);
    // beside it is B's to take
    asOrganizationAdmin(adminOfB).body(minio(unique("b"), top + "x/data", S3ProxyResource.endpoint()))
        .post(OWN_ROUTE).then().statusCode(201);
  }

  @Test
  void theSameBucketAndPrefixOnAnotherEndpointIsAnotherPlace() {
    String prefixOfA = unique("pa");
    given().contentType(ContentType.JSON).body(s3(unique("a"), prefixOfA, S3ProxyResource.endpoint()))
        .post(OWN_ROUTE).then().statusCode(201);

    // not refused as an overlap: the registration goes on to its probe, which this unreachable store fails
    problem(asOrganizationAdmin(adminOfB).body(minio(unique("b"), prefixOfA, "http://other-store.invalid:9000"))
        .post(OWN_ROUTE).then(), 400)
        .body("detail", containsString("probe"))
        .body("detail", not(containsString("overlaps")));

    StoragePlaces.Place ofA = StoragePlaces.s3("s3://warehouse/" + prefixOfA, S3ProxyResource.endpoint());
    assertThat(ofA.overlaps(StoragePlaces.s3("s3://warehouse/" + prefixOfA, "http://other-store:9000"))).isFalse();
    assertThat(ofA.overlaps(StoragePlaces.s3("s3://warehouse/" + prefixOfA, null))).isFalse();
    assertThat(StoragePlaces.s3("s3://b/p", null).overlaps(StoragePlaces.s3("s3a://b/p/q", "https://s3.eu-west-1.amazonaws.com")))
        .as("every AWS host is one store").isTrue();
    assertThat(StoragePlaces.s3("s3://b/p", "http://minio:80").overlaps(StoragePlaces.s3("s3://b/p", "HTTP://MINIO/")))
        .as("default port and case").isTrue();
    assertThat(StoragePlaces.s3("s3://b/p", "https://minio").overlaps(StoragePlaces.s3("s3://b/p", "http://minio")))
        .as("ports 443 and 80 are two stores").isFalse();
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private static String serverAdminRoute(String organizationId) {
    return "/api/v1/admin/organizations/" + organizationId + "/objectStorages";
  }

  private static io.restassured.specification.RequestSpecification asServerAdmin() {
    return asOrganizationAdmin(TestTokens.serverAdmin());
  }

  private static io.restassured.specification.RequestSpecification asOrganizationAdmin(String token) {
    return given().header("Authorization", TestTokens.bearer(token)).contentType(ContentType.JSON);
  }

  private static Map<String, Object> local(String name, String root) {
    return Map.of("name", name, "storageType", "LOCAL", "root", root);
  }

  private static Map<String, Object> s3(String name, String prefix, String endpoint) {
    Map<String, Object> body = new HashMap<>();
    body.put("name", name);
    body.put("storageType", "S3");
    body.put("bucket", S3ProxyResource.BUCKET);
    if (prefix != null) {
      body.put("prefix", prefix);
    }
    body.put("endpoint", endpoint);
    body.put("region", S3ProxyResource.REGION);
    body.put("pathStyleAccess", true);
    body.put("accessKeyId", S3ProxyResource.ACCESS_KEY);
    body.put("secretAccessKey", S3ProxyResource.SECRET_KEY);
    return body;
  }

  private static Map<String, Object> minio(String name, String prefix, String endpoint) {
    Map<String, Object> body = s3(name, prefix, endpoint);
    body.put("storageType", "MINIO");
    return body;
  }

  private static ValidatableResponse problem(ValidatableResponse response, int status) {
    return response.statusCode(status)
        .contentType("application/problem+json")
        .body("status", equalTo(status));
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
