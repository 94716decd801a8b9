package io.ailake.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.ailake.storage.Storage;
import io.ailake.testing.ObjectStorages;
import io.ailake.testing.S3ProxyResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.ailake.testing.Operations;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

@QuarkusTest
class IdempotencyKeysTest {

  static final String NAMESPACES = "/iceberg/v1/lake/namespaces";

  static String unique(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void theCatalogAdvertisesHowLongKeysLive() {
    given().get("/iceberg/v1/config").then().statusCode(200).body("idempotency-key-lifetime", equalTo("PT30M"));
  }

  @Test
  void aRepeatedCreateReplaysTheFirstAnswerAndCreatesOnce() {
    String namespace = unique("idem");
    given().contentType(ContentType.JSON).body(Map.of("namespace", List.of(namespace))).post(NAMESPACES)
        .then().statusCode(200);
    String key = UUID.randomUUID().toString();
    String table = "{\"name\": \"t\", \"schema\": {\"type\": \"struct\", \"schema-id\": 0, \"fields\": ["
        + "{\"id\": 1, \"name\": \"id\", \"required\": true, \"type\": \"long\"}]}}";
    Response first = given().header("Idempotency-Key", key).contentType(ContentType.JSON).body(table)
        .post(NAMESPACES + "/" + namespace + "/tables");
    first.then().statusCode(200);
    Response again = given().header("Idempotency-Key", key).contentType(ContentType.JSON).body(table)
        .post(NAMESPACES + "/" + namespace + "/tables");
    again.then().statusCode(200).header("Idempotent-Replayed", "true");
    assertThat(again.jsonPath().getString("metadata-location")).isEqualTo(first.jsonPath().getString("metadata-location"));
    assertThat(again.header("ETag")).isEqualTo(first.header("ETag"));
    // without the key the same request is what it is: the table exists
    given().contentType(ContentType.JSON).body(table).post(NAMESPACES + "/" + namespace + "/tables")
        .then().statusCode(409);
    // the same key with another request is refused
    given().header("Idempotency-Key", key).contentType(ContentType.JSON).body(table.replace("\"t\"", "\"u\""))
        .post(NAMESPACES + "/" + namespace + "/tables")
        .then().statusCode(422).body("error.code", equalTo(422));
  }

  @Test
  void xIdempotencyKeyIsAnAliasOnTheCatalogToo() {
    String namespace = unique("alias");
    String key = UUID.randomUUID().toString();
    given().header("X-Idempotency-Key", key).contentType(ContentType.JSON)
        .body(Map.of("namespace", List.of(namespace))).post(NAMESPACES)
        .then().statusCode(200);
    given().header("X-Idempotency-Key", key).contentType(ContentType.JSON)
        .body(Map.of("namespace", List.of(namespace))).post(NAMESPACES)
        .then().statusCode(200).header("Idempotent-Replayed", "true");
    // one key, whichever header spelled it
    given().header("Idempotency-Key", key).contentType(ContentType.JSON)
        .body(Map.of("namespace", List.of(namespace))).post(NAMESPACES)
        .then().statusCode(200).header("Idempotent-Replayed", "true");
    given().header("X-Idempotency-Key", key).contentType(ContentType.JSON)
        .body(Map.of("namespace", List.of(namespace + "x"))).post(NAMESPACES)
        .then().statusCode(422).body("error.code", equalTo(422));
    given().contentType(ContentType.JSON).body(Map.of("namespace", List.of(namespace))).post(NAMESPACES)
        .then().statusCode(409);
  }

  @Test
  void aRepeatedCommitAddsOneSnapshot() {
    String namespace = unique("idem_commit");
    given().contentType(ContentType.JSON).body(Map.of("namespace", List.of(namespace))).post(NAMESPACES).then().statusCode(200);
    String table = "{\"name\": \"t\", \"schema\": {\"type\": \"struct\", \"schema-id\": 0, \"fields\": ["
        + "{\"id\": 1, \"name\": \"id\", \"required\": true, \"type\": \"long\"}]}}";
    given().contentType(ContentType.JSON).body(table).post(NAMESPACES + "/" + namespace + "/tables").then().statusCode(200);
    String path = NAMESPACES + "/" + namespace + "/tables/t";
    String commit = "{\"requirements\": [], \"updates\": [{\"action\": \"set-properties\", \"updates\": {\"n\": \"1\"}},"
        + " {\"action\": \"add-snapshot\", \"snapshot\": {\"snapshot-id\": 42, \"timestamp-ms\": 1700000000000,"
        + " \"manifest-list\": \"" + MANIFEST_LIST + "\", \"summary\": {\"operation\": \"append\"}, \"schema-id\": 0}},"
        + " {\"action\": \"set-snapshot-ref\", \"ref-name\": \"main\", \"type\": \"branch\", \"snapshot-id\": 42}]}";
    String key = UUID.randomUUID().toString();
    Response first = given().header("Idempotency-Key", key).contentType(ContentType.JSON).body(commit).post(path);
    first.then().statusCode(200).header("Idempotent-Replayed", nullValue());
    Response again = given().header("Idempotency-Key", key).contentType(ContentType.JSON).body(commit).post(path);
    again.then().statusCode(200).header("Idempotent-Replayed", "true");
    assertThat(again.jsonPath().getString("metadata-location")).isEqualTo(first.jsonPath().getString("metadata-location"));
    assertThat(again.header("ETag")).isEqualTo(first.header("ETag")).isNotNull();
    given().get(path).then().statusCode(200)
        .body("metadata.snapshots.size()", equalTo(1))
        .body("metadata-location", equalTo(first.jsonPath().getString("metadata-location")));
    // without the key, the same commit is a second one, refused: snapshot 42 exists
    given().contentType(ContentType.JSON).body(commit).post(path).then().statusCode(400);
  }

  /** Where snapshot 42's manifest list would be: in the default warehouse, as a commit's must (never read). */
  private static final String MANIFEST_LIST =
      "file:" + java.nio.file.Path.of("target/test-data/warehouse").toAbsolutePath().normalize() + "/snap-42.avro";

  /** A commit appending snapshot 42 to table t of the namespace, unconditionally. */
  private static String tableForCommits(String namespace) {
    given().contentType(ContentType.JSON).body(Map.of("namespace", List.of(namespace))).post(NAMESPACES).then().statusCode(200);
    createTable(namespace, "t");
    return NAMESPACES + "/" + namespace + "/tables/t";
  }

  private static final String APPEND_42 = "{\"requirements\": [], \"updates\": [{\"action\": \"add-snapshot\","
      + " \"snapshot\": {\"snapshot-id\": 42, \"timestamp-ms\": 1700000000000, \"manifest-list\": \"" + MANIFEST_LIST + "\","
      + " \"summary\": {\"operation\": \"append\"}, \"schema-id\": 0}},"
      + " {\"action\": \"set-snapshot-ref\", \"ref-name\": \"main\", \"type\": \"branch\", \"snapshot-id\": 42}]}";

  @Test
  void concurrentCommitsWithOneKeyCommitOnceAndAllAnswerTheSame() throws Exception {
    String path = tableForCommits(unique("idem_commit_race"));
    String key = UUID.randomUUID().toString();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<String> locations = new ArrayList<>();
    try {
      List<Future<Response>> answers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        answers.add(pool.submit(
            () -> given().header("Idempotency-Key", key).contentType(ContentType.JSON).body(APPEND_42).post(path)));
      }
      int firsts = 0;
      for (Future<Response> answer : answers) {
        assertThat(answer.get().statusCode()).isEqualTo(200);
        locations.add(answer.get().jsonPath().getString("metadata-location"));
        firsts += answer.get().header("Idempotent-Replayed") == null ? 1 : 0;
      }
      assertThat(firsts).isEqualTo(1);
    } finally {
      pool.shutdown();
    }
    assertThat(locations).containsOnly(locations.get(0));
    given().get(path).then().statusCode(200)
        .body("metadata.snapshots.size()", equalTo(1))
        .body("metadata-location", equalTo(locations.get(0)));
  }

  @Test
  void aRefusedCommitReplaysItsRefusalAfterTheTableChanged() {
    String path = tableForCommits(unique("idem_commit_refused"));
    String stale = APPEND_42.replace("\"requirements\": []",
        "\"requirements\": [{\"type\": \"assert-ref-snapshot-id\", \"ref\": \"main\", \"snapshot-id\": 7}]");
    String key = UUID.randomUUID().toString();
    given().header("Idempotency-Key", key).contentType(ContentType.JSON).body(stale).post(path)
        .then().statusCode(409).header("Idempotent-Replayed", nullValue()).body("error.type", equalTo("CommitFailedException"));
    given().contentType(ContentType.JSON).body(APPEND_42).post(path).then().statusCode(200);
    given().header("Idempotency-Key", key).contentType(ContentType.JSON).body(stale).post(path)
        .then().statusCode(409).header("Idempotent-Replayed", "true").body("error.type", equalTo("CommitFailedException"));
    given().get(path).then().statusCode(200).body("metadata.snapshots.size()", equalTo(1));
  }

  @Test
  void aRepeatedProvisionIsOneOperationAndOneDatabase() {
    String name = unique("idem_db");
    String body = "{\"name\": \"" + name + "\", \"storageIds\": [\"" + ObjectStorages.local("idem").id + "\"]}";
    String key = UUID.randomUUID().toString();
    Response first = given().header("X-Idempotency-Key", key).contentType(ContentType.JSON).body(body)
        .post("/api/v1/ailake/database/instances");
    first.then().statusCode(202);
    Response again = given().header("Idempotency-Key", key).contentType(ContentType.JSON).body(body)
        .post("/api/v1/ailake/database/instances");
    again.then().statusCode(202).header("Idempotent-Replayed", "true")
        .header("operation-id", first.header("operation-id"))
        .header("operation-location", first.header("operation-location"));
    Operations.awaitSucceeded(first.header("operation-id"));
    given().get("/api/v1/ailake/database/instances?size=500").then()
        .body("databases.findAll { it.name == '" + name + "' }.size()", equalTo(1));
    given().header("Idempotency-Key", key).contentType(ContentType.JSON).body(body.replace(name, name + "x"))
        .post("/api/v1/ailake/database/instances")
        .then().statusCode(422).contentType("application/problem+json");
  }

  @Test
  void aRefusalIsReplayedToo() {
    String namespace = unique("idem_refused");
    given().contentType(ContentType.JSON).body(Map.of("namespace", List.of(namespace))).post(NAMESPACES).then().statusCode(200);
    String key = UUID.randomUUID().toString();
    given().header("Idempotency-Key", key).contentType(ContentType.JSON).body(Map.of("namespace", List.of(namespace)))
        .post(NAMESPACES).then().statusCode(409);
    given().delete(NAMESPACES + "/" + namespace).then().statusCode(204);
    // the namespace is gone, but the key's answer was a 409, and stays one
    given().header("Idempotency-Key", key).contentType(ContentType.JSON).body(Map.of("namespace", List.of(namespace)))
        .post(NAMESPACES).then().statusCode(409).header("Idempotent-Replayed", "true");
    given().get(NAMESPACES + "/" + namespace).then().statusCode(404);
  }

  @jakarta.inject.Inject io.ailake.iceberg.WarehouseService warehouses;

  @Test
  void aServerFailureIsNotStoredSoTheRepeatRunsAgain() {
    // a warehouse whose object storage does not answer: creating a table there is a 503
    String name = unique("idem_outage");
    io.ailake.iceberg.Warehouse warehouse = warehouses.create(io.ailake.organization.Organizations.DEFAULT_ID, name,
        "s3://" + S3ProxyResource.BUCKET + "/" + name, Storage.s3("http://127.0.0.1:9", S3ProxyResource.REGION, true));
    String base = "/iceberg/v1/" + name + "/namespaces";
    given().contentType(ContentType.JSON).body(Map.of("namespace", List.of("ns"))).post(base).then().statusCode(200);
    String key = UUID.randomUUID().toString();
    String table = "{\"name\": \"t\", \"schema\": {\"type\": \"struct\", \"schema-id\": 0, \"fields\": ["
        + "{\"id\": 1, \"name\": \"id\", \"required\": true, \"type\": \"long\"}]}}";
    given().header("Idempotency-Key", key).contentType(ContentType.JSON).body(table).post(base + "/ns/tables")
        .then().statusCode(503).header("Idempotent-Replayed", nullValue());

    // the storage answers again (the warehouse now points at the running S3): the same key runs the create
    QuarkusTransaction.requiringNew().run(() -> io.ailake.iceberg.Warehouse.update(
        "s3Endpoint = ?1 where id = ?2", S3ProxyResource.endpoint(), warehouse.id));
    Response retried = given().header("Idempotency-Key", key).contentType(ContentType.JSON).body(table)
        .post(base + "/ns/tables");
    retried.then().statusCode(200).header("Idempotent-Replayed", nullValue());
    given().get(base + "/ns/tables/t").then().statusCode(200)
        .body("metadata-location", equalTo(retried.jsonPath().getString("metadata-location")));
    // and from now on the key holds the success
    given().header("Idempotency-Key", key).contentType(ContentType.JSON).body(table).post(base + "/ns/tables")
        .then().statusCode(200).header("Idempotent-Replayed", "true")
        .body("metadata-location", equalTo(retried.jsonPath().getString("metadata-location")));
  }

  @Test
  void concurrentRequestsWithOneKeyHaveOneEffect() throws Exception {
    String namespace = unique("idem_race");
    String key = UUID.randomUUID().toString();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> statuses = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        statuses.add(pool.submit(() -> given().header("Idempotency-Key", key).contentType(ContentType.JSON)
            .body(Map.of("namespace", List.of(namespace), "properties", Map.of("owner", "race")))
            .post(NAMESPACES).statusCode()));
      }
      for (Future<Integer> status : statuses) {
        assertThat(status.get()).isEqualTo(200);
      }
    } finally {
      pool.shutdown();
    }
    given().get(NAMESPACES + "/" + namespace).then().statusCode(200).body("properties.owner", equalTo("race"));
  }

  @Test
  void aRepeatedViewCreateReplaysTheFirstAnswerAndCreatesOnce() {
    String namespace = unique("idem_view");
    createNamespace(namespace);
    String key = UUID.randomUUID().toString();
    String view = "{\"name\": \"v\", \"schema\": {\"type\": \"struct\", \"schema-id\": 0, \"fields\": ["
        + "{\"id\": 1, \"name\": \"id\", \"required\": false, \"type\": \"int\"}]}, \"view-version\": {"
        + "\"version-id\": 1, \"schema-id\": 0, \"timestamp-ms\": 1764374400000, \"summary\": {},"
        + " \"default-namespace\": [\"" + namespace + "\"], \"representations\": [{\"type\": \"sql\","
        + " \"sql\": \"select 1 as id\", \"dialect\": \"spark\"}]}, \"properties\": {}}";
    String views = NAMESPACES + "/" + namespace + "/views";

    Response first = given().header("Idempotency-Key", key).contentType(ContentType.JSON).body(view).post(views);
    Response again = given().header("Idempotency-Key", key).contentType(ContentType.JSON).body(view).post(views);

    first.then().statusCode(200).header("Idempotent-Replayed", nullValue());
    again.then().statusCode(200).header("Idempotent-Replayed", "true")
        .body("metadata-location", equalTo(first.jsonPath().getString("metadata-location")));
    given().contentType(ContentType.JSON).body(view).post(views).then().statusCode(409);
    given().get(views + "/v").then().statusCode(200)
        .body("metadata-location", equalTo(first.jsonPath().getString("metadata-location")));
  }

  @Test
  void aRepeatedStagedCreateReplaysTheSameStagedTable() {
    String namespace = unique("idem_staged");
    createNamespace(namespace);
    String key = UUID.randomUUID().toString();
    String staged = TABLE.formatted("staged").replaceFirst("\\{", "{\"stage-create\": true, ");

    Response first = given().header("Idempotency-Key", key).contentType(ContentType.JSON).body(staged)
        .post(NAMESPACES + "/" + namespace + "/tables");
    Response again = given().header("Idempotency-Key", key).contentType(ContentType.JSON).body(staged)
        .post(NAMESPACES + "/" + namespace + "/tables");

    first.then().statusCode(200).header("Idempotent-Replayed", nullValue());
    again.then().statusCode(200).header("Idempotent-Replayed", "true")
        .body("metadata.table-uuid", equalTo(first.jsonPath().getString("metadata.table-uuid")));
    given().get(NAMESPACES + "/" + namespace + "/tables/staged").then().statusCode(404);
  }

  @Test
  void concurrentCreatesWithOneKeyCreateOneTableAndLeaveNoOtherMetadataFile() throws Exception {
    String namespace = unique("idem_create_race");
    createNamespace(namespace);
    String key = UUID.randomUUID().toString();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Response> answers = new ArrayList<>();
    try {
      List<Future<Response>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        calls.add(pool.submit(() -> given().header("Idempotency-Key", key).contentType(ContentType.JSON)
            .body(TABLE.formatted("raced")).post(NAMESPACES + "/" + namespace + "/tables")));
      }
      for (Future<Response> call : calls) {
        answers.add(call.get());
      }
    } finally {
      pool.shutdown();
    }

    assertThat(answers).allSatisfy(answer -> assertThat(answer.statusCode()).isEqualTo(200));
    assertThat(answers.stream().map(answer -> answer.jsonPath().getString("metadata-location")).distinct())
        .as("every call answers the one table created").hasSize(1);
    assertThat(answers.stream().filter(answer -> answer.header("Idempotent-Replayed") == null)).hasSize(1);
    String metadataLocation = answers.get(0).jsonPath().getString("metadata-location");
    given().get(NAMESPACES + "/" + namespace + "/tables/raced").then().statusCode(200)
        .body("metadata-location", equalTo(metadataLocation));
    // the calls that lost the race wrote a metadata file of their own before they lost it, and deleted it
    Path file = metadataLocation.startsWith("file:") ? Path.of(URI.create(metadataLocation)) : Path.of(metadataLocation);
    Path namespaceDirectory = file.getParent().getParent().getParent();
    try (Stream<Path> files = Files.walk(namespaceDirectory)) {
      assertThat(files.filter(f -> f.toString().endsWith(".metadata.json"))).containsExactly(file);
    }
  }

  private static final String TABLE = "{\"name\": \"%s\", \"schema\": {\"type\": \"struct\", \"schema-id\": 0,"
      + " \"fields\": [{\"id\": 1, \"name\": \"id\", \"required\": true, \"type\": \"long\"}]}}";

  private static void createTable(String namespace, String name) {
    given().contentType(ContentType.JSON).body(TABLE.formatted(name)).post(NAMESPACES + "/" + namespace + "/tables")
        .then().statusCode(200);
  }

  @Test
  void aRepeatedDropDoesNotDropTheTableThatTookTheNameSince() {
    String namespace = unique("idem_drop");
    given().contentType(ContentType.JSON).body(Map.of("namespace", List.of(namespace))).post(NAMESPACES).then().statusCode(200);
    String tables = NAMESPACES + "/" + namespace + "/tables/";
    createTable(namespace, "t");
    String dropped = UUID.randomUUID().toString();
    given().header("Idempotency-Key", dropped).delete(tables + "t").then().statusCode(204)
        .header("Idempotent-Replayed", nullValue());
    String refused = UUID.randomUUID().toString();
    given().header("Idempotency-Key", refused).delete(tables + "u").then().statusCode(404)
        .body("error.type", equalTo("NoSuchTableException"));
    createTable(namespace, "t");
    createTable(namespace, "u");

    given().header("Idempotency-Key", dropped).delete(tables + "t").then().statusCode(204)
        .header("Idempotent-Replayed", "true");
    given().header("Idempotency-Key", refused).delete(tables + "u").then().statusCode(404)
        .header("Idempotent-Replayed", "true").body("error.type", equalTo("NoSuchTableException"));
    given().get(tables + "t").then().statusCode(200);
    given().get(tables + "u").then().statusCode(200);
    // the key of a drop is the drop's: with another request it is refused, and nothing is dropped
    given().header("Idempotency-Key", dropped).queryParam("purgeRequested", "true").delete(tables + "t")
        .then().statusCode(422);
    given().get(tables + "t").then().statusCode(200);
  }

  @Test
  void aRepeatedNamespaceCreateReplaysItsAnswerAndCreatesNothingNew() {
    String parent = unique("idem_ns_parent");
    String created = UUID.randomUUID().toString();
    String orphaned = UUID.randomUUID().toString();
    Map<String, Object> request = Map.of("namespace", List.of(parent), "properties", Map.of("owner", "etl"));
    Map<String, Object> child = Map.of("namespace", List.of(parent, "child"));
    given().header("Idempotency-Key", orphaned).contentType(ContentType.JSON).body(child).post(NAMESPACES)
        .then().statusCode(404).body("error.type", equalTo("NoSuchNamespaceException"));
    Response first = given().header("Idempotency-Key", created).contentType(ContentType.JSON).body(request)
        .post(NAMESPACES);
    first.then().statusCode(200).header("Idempotent-Replayed", nullValue())
        .body("namespace", equalTo(List.of(parent))).body("properties.owner", equalTo("etl"));

    Response again = given().header("Idempotency-Key", created).contentType(ContentType.JSON).body(request)
        .post(NAMESPACES);
    again.then().statusCode(200).header("Idempotent-Replayed", "true");
    assertThat(again.asString()).isEqualTo(first.asString());
    // the parent exists now, yet the key's answer stays the one it got
    given().header("Idempotency-Key", orphaned).contentType(ContentType.JSON).body(child).post(NAMESPACES)
        .then().statusCode(404).header("Idempotent-Replayed", "true");
    given().urlEncodingEnabled(false).get(NAMESPACES + "/" + parent + "%1Fchild").then().statusCode(404);
    given().contentType(ContentType.JSON).body(child).post(NAMESPACES).then().statusCode(200);
    given().urlEncodingEnabled(false).get(NAMESPACES + "/" + parent + "%1Fchild").then().statusCode(200);
    // without a key the same request is what it is: the namespace exists
    given().contentType(ContentType.JSON).body(request).post(NAMESPACES)
        .then().statusCode(409).body("error.type", equalTo("AlreadyExistsException"));
  }

  @Test
  void aRepeatedNamespaceDropReplaysItsAnswerAndDropsNothingNew() {
    String empty = unique("idem_ns_empty");
    String missing = unique("idem_ns_missing");
    String full = unique("idem_ns_full");
    java.time.Instant before = java.time.Instant.now().minusSeconds(1);
    createNamespace(empty);
    createNamespace(full);
    createTable(full, "t");
    String dropped = UUID.randomUUID().toString();
    String notFound = UUID.randomUUID().toString();
    String notEmpty = UUID.randomUUID().toString();
    given().header("Idempotency-Key", dropped).delete(NAMESPACES + "/" + empty).then().statusCode(204)
        .header("Idempotent-Replayed", nullValue());
    given().header("Idempotency-Key", notFound).delete(NAMESPACES + "/" + missing).then().statusCode(404)
        .body("error.type", equalTo("NoSuchNamespaceException"));
    given().header("Idempotency-Key", notEmpty).delete(NAMESPACES + "/" + full).then().statusCode(409)
        .body("error.type", equalTo("NamespaceNotEmptyException"));
    given().get(NAMESPACES + "/" + empty).then().statusCode(404);
    createNamespace(empty);
    createNamespace(missing);
    given().delete(NAMESPACES + "/" + full + "/tables/t").then().statusCode(204);

    given().header("Idempotency-Key", dropped).delete(NAMESPACES + "/" + empty).then().statusCode(204)
        .header("Idempotent-Replayed", "true");
    given().header("Idempotency-Key", notFound).delete(NAMESPACES + "/" + missing).then().statusCode(404)
        .header("Idempotent-Replayed", "true").body("error.type", equalTo("NoSuchNamespaceException"));
    given().header("Idempotency-Key", notEmpty).delete(NAMESPACES + "/" + full).then().statusCode(409)
        .header("Idempotent-Replayed", "true").body("error.type", equalTo("NamespaceNotEmptyException"));
    given().get(NAMESPACES + "/" + empty).then().statusCode(200);
    given().get(NAMESPACES + "/" + missing).then().statusCode(200);
    given().get(NAMESPACES + "/" + full).then().statusCode(200);
    // without a key each drop is decided afresh: the namespaces are empty now
    for (String namespace : List.of(empty, missing, full)) {
      given().delete(NAMESPACES + "/" + namespace).then().statusCode(204);
    }
    Response events = given().queryParam("from", before.toString()).queryParam("size", 500).get("/api/v1/admin/audit");
    events.then().statusCode(200);
    assertThat(events.jsonPath().getList(
            "events.findAll { it.method == 'DELETE' && it.path == '/iceberg/v1/lake/namespaces/" + full + "' }.status",
            Integer.class))
        .containsExactlyInAnyOrder(409, 409, 204);
  }

  private static void createNamespace(String namespace) {
    given().contentType(ContentType.JSON).body(Map.of("namespace", List.of(namespace))).post(NAMESPACES)
        .then().statusCode(200);
  }

  @Test
  void concurrentDropsDropOnceAndEachCallIsAuditedOnce() throws Exception {
    String namespace = unique("idem_drop_race");
    given().contentType(ContentType.JSON).body(Map.of("namespace", List.of(namespace))).post(NAMESPACES).then().statusCode(200);
    createTable(namespace, "same_key");
    createTable(namespace, "own_keys");
    java.time.Instant before = java.time.Instant.now().minusSeconds(1);
    String key = UUID.randomUUID().toString();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<String> sameKey = new ArrayList<>();
    List<Integer> ownKeys = new ArrayList<>();
    try {
      List<Future<String>> replayed = new ArrayList<>();
      List<Future<Integer>> statuses = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        replayed.add(pool.submit(() -> {
          Response drop = given().header("Idempotency-Key", key).delete(NAMESPACES + "/" + namespace + "/tables/same_key");
          return drop.statusCode() + " " + drop.header("Idempotent-Replayed");
        }));
        statuses.add(pool.submit(() -> given().header("Idempotency-Key", UUID.randomUUID().toString())
            .delete(NAMESPACES + "/" + namespace + "/tables/own_keys").statusCode()));
      }
      for (int i = 0; i < 6; i++) {
        sameKey.add(replayed.get(i).get());
        ownKeys.add(statuses.get(i).get());
      }
    } finally {
      pool.shutdown();
    }
    // one key: one drop, five replays of its answer; six keys: one drop, five tables not found
    assertThat(sameKey).containsExactlyInAnyOrder("204 null", "204 true", "204 true", "204 true", "204 true", "204 true");
    assertThat(ownKeys).containsExactlyInAnyOrder(204, 404, 404, 404, 404, 404);
    given().get(NAMESPACES + "/" + namespace + "/tables/same_key").then().statusCode(404);
    given().get(NAMESPACES + "/" + namespace + "/tables/own_keys").then().statusCode(404);
    Response events = given().queryParam("from", before.toString()).queryParam("size", 500).get("/api/v1/admin/audit");
    events.then().statusCode(200);
    assertThat(events.jsonPath().getList(
            "events.findAll { it.path == '/iceberg/v1/lake/namespaces/" + namespace + "/tables/same_key' }.status",
            Integer.class))
        .containsExactly(204, 204, 204, 204, 204, 204);
    assertThat(events.jsonPath().getList(
            "events.findAll { it.path == '/iceberg/v1/lake/namespaces/" + namespace + "/tables/own_keys' }.status",
            Integer.class))
        .containsExactlyInAnyOrder(204, 404, 404, 404, 404, 404);
  }

  @jakarta.inject.Inject ExpiredKeys expiredKeys;
  @jakarta.inject.Inject io.ailake.postgres.RequestPathSql sql;

  @Test
  void theAnswersOfExpiredKeysAreDeletedAndLiveOnesStillReplay() {
    String namespace = unique("idem_sweep");
    String live = UUID.randomUUID().toString();
    given().header("Idempotency-Key", live).contentType(ContentType.JSON)
        .body(Map.of("namespace", List.of(namespace))).post(NAMESPACES).then().statusCode(200);
    String expired = unique("expired");
    // more expired answers than one batch of the sweep deletes
    sql.update("INSERT INTO idempotency_record (organization_id, idempotency_key, fingerprint, status, headers,"
            + " expires_at) SELECT ?, ? || g, 'f', 204, CAST('{}' AS jsonb), now() - interval '1 minute'"
            + " FROM generate_series(1, ?) g",
        io.ailake.organization.Organizations.DEFAULT_ID, expired, ExpiredKeys.BATCH + 1);

    assertThat(expiredKeys.deleteExpired()).isGreaterThanOrEqualTo(ExpiredKeys.BATCH + 1);

    assertThat(sql.first("SELECT count(*) FROM idempotency_record WHERE idempotency_key LIKE ?",
        row -> row.getLong(1), expired + "%").orElseThrow()).isZero();
    given().header("Idempotency-Key", live).contentType(ContentType.JSON)
        .body(Map.of("namespace", List.of(namespace))).post(NAMESPACES)
        .then().statusCode(200).header("Idempotent-Replayed", "true");
  }
}
