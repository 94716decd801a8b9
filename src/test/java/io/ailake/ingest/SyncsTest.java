package io.ailake.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.ailake.iceberg.Warehouse;
import io.ailake.postgres.RequestPathSql;
import io.ailake.testing.IcebergClients;
import io.ailake.testing.TestTokens;
import io.ailake.testing.Warehouses;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SyncsTest {

  static final String BASE = "/api/v1/ailake/database/instances/";
  static final Schema ORDERS = new Schema(
      Types.NestedField.required(1, "id", Types.LongType.get()),
      Types.NestedField.optional(2, "name", Types.StringType.get()),
      Types.NestedField.optional(3, "amount", Types.DoubleType.get()));

  @TestHTTPResource("/iceberg")
  URL catalog;

  @Inject
  ExpiredSyncs expiredSyncs;

  @Inject
  RequestPathSql sql;

  @Test
  void anIncrementalSyncTakesParquetCsvAndNdjsonFilesOnceAndEndsInOneCommitReadableAtOnce() throws Exception {
    Warehouse database = Warehouses.local("sync");
    Table table = create(database, "shop", "orders", ORDERS, PartitionSpec.unpartitioned());
    long before = snapshots(database, "shop", "orders");

    long parquetSync = start(database, Map.of("name", "p", "table", "shop.orders", "syncType", "INCREMENTAL"));
    Path first = parquet("SELECT i::BIGINT AS id, 'p' || i AS name, (i * 1.5)::DOUBLE AS amount FROM range(0, 3) t(i)");
    Path second = parquet("SELECT i::BIGINT AS id, 'p' || i AS name FROM range(3, 5) t(i)");
    Response upload = upload(database, parquetSync, part("a.parquet", first), part("b.parquet", second));
    upload.then().statusCode(200).body("files.status", org.hamcrest.Matchers.contains("FINISHED", "FINISHED"))
        .body("files[0].rows", equalTo(3)).body("files[1].rows", equalTo(2));
    long firstEntry = upload.jsonPath().getLong("files[0].historyId");
    // the same name and content again: the first upload's entry, not a second file
    upload(database, parquetSync, part("a.parquet", first)).then().statusCode(200)
        .body("files[0].historyId", equalTo((int) firstEntry));

    long csvSync = start(database, Map.of("name", "c", "table", "shop.orders", "syncType", "INCREMENTAL",
        "format", "csv", "csv", Map.of("delimiter", ";", "nullValue", "NULL")));
    upload(database, csvSync, part("c.csv", "text/csv", "id;name;amount\n10;c10;NULL\n11;\"c;11\";2.5\n"))
        .then().statusCode(200).body("files[0].status", equalTo("FINISHED")).body("files[0].rows", equalTo(2));
    long ndjsonSync = start(database, Map.of("name", "n", "table", "shop.orders", "syncType", "INCREMENTAL",
        "format", "ndjson"));
    upload(database, ndjsonSync, part("n.ndjson", "application/x-ndjson",
        "{\"id\": 20, \"name\": \"n20\"}\n{\"id\": 21, \"amount\": 1}\n")).then().statusCode(200)
        .body("files[0].status", equalTo("FINISHED"));

    // nothing is visible before the end
    assertThat(ids(database, "shop", "orders")).isEmpty();
    Response ended = end(database, parquetSync);
    ended.then().statusCode(200).body("status", equalTo("FINISHED")).body("totalFiles", equalTo(2))
        .body("rows", equalTo(5)).body("numFailed", equalTo(0));
    end(database, parquetSync).then().statusCode(200).body("status", equalTo("FINISHED"))
        .body("snapshotId", equalTo(ended.jsonPath().getLong("snapshotId")));
    end(database, csvSync).then().statusCode(200).body("status", equalTo("FINISHED"));
    end(database, ndjsonSync).then().statusCode(200).body("status", equalTo("FINISHED"));

    assertThat(ids(database, "shop", "orders")).containsExactly(0L, 1L, 2L, 3L, 4L, 10L, 11L, 20L, 21L);
    assertThat(snapshots(database, "shop", "orders")).isEqualTo(before + 3);
    Response query = given().contentType(ContentType.JSON)
        .body(Map.of("sql", "SELECT count(*) AS n, sum(amount) AS total FROM shop.orders WHERE name IS NOT NULL"))
        .post(BASE + database.name + "/query");
    query.then().statusCode(200).body("rows[0][0]", equalTo(8));
    assertThat(query.jsonPath().getDouble("rows[0][1]")).isEqualTo(0 + 1.5 + 3.0 + 2.5);

    given().get(BASE + database.name + "/syncs?status=FINISHED&size=2").then().statusCode(200)
        .body("syncs.syncId", org.hamcrest.Matchers.contains((int) ndjsonSync, (int) csvSync))
        .body("totalCount", equalTo(3));
    given().get(BASE + database.name + "/syncs/history?syncId=" + parquetSync).then().statusCode(200)
        .body("history.fileName", org.hamcrest.Matchers.contains("b.parquet", "a.parquet"))
        .body("totalCount", equalTo(2));
  }

  @Test
  void aFullSyncReplacesTheRowsAtomicallyAndItsTrashTagStillReadsTheOldOnes() throws Exception {
    Warehouse database = Warehouses.local("sync");
    create(database, "shop", "orders", ORDERS, PartitionSpec.unpartitioned());
    long old = start(database, Map.of("name", "old", "table", "shop.orders", "syncType", "INCREMENTAL",
        "format", "csv"));
    upload(database, old, part("old.csv", "text/csv", "id,name\n1,a\n2,b\n")).then().statusCode(200);
    end(database, old).then().statusCode(200);

    long full = start(database, Map.of("name", "new", "table", "shop.orders", "syncType", "FULL",
        "format", "parquet"));
    upload(database, full, part("new.parquet", parquet("SELECT 7::BIGINT AS id, 'seven' AS name"))).then()
        .statusCode(200).body("files[0].status", equalTo("FINISHED"));
    assertThat(ids(database, "shop", "orders")).containsExactly(1L, 2L);
    end(database, full).then().statusCode(200).body("status", equalTo("FINISHED"))
        .body("trashTag", equalTo("trash-" + full));

    assertThat(ids(database, "shop", "orders")).containsExactly(7L);
    Table table = load(database, "shop", "orders");
    var tag = table.refs().get("trash-" + full);
    assertThat(tag).isNotNull();
    assertThat(tag.maxRefAgeMs()).isEqualTo(java.time.Duration.ofDays(7).toMillis());
    List<Long> trashed = new ArrayList<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).useSnapshot(tag.snapshotId()).build()) {
      rows.forEach(r -> trashed.add((Long) r.getField("id")));
    }
    assertThat(trashed).containsExactlyInAnyOrder(1L, 2L);
  }

  @Test
  void badFilesFailAloneWithAMessageAndDoNotPoisonTheCommit() throws Exception {
    Warehouse database = Warehouses.local("sync");
    create(database, "shop", "orders", ORDERS, PartitionSpec.unpartitioned());
    long csv = start(database, Map.of("name", "bad", "table", "shop.orders", "syncType", "INCREMENTAL",
        "format", "csv", "onFileError", "skip"));
    String big = "id,name\n" + "1,x\n".repeat(70_000); // past the test cap of 256K
    Response answer = upload(database, csv,
        part("good.csv", "text/csv", "id,name\n1,one\n"),
        part("columns.csv", "text/csv", "id,name\n2,two,extra\n"),
        part("value.csv", "text/csv", "id,name,amount\n3,three,3\n4,four,lots\n"),
        part("big.csv", "text/csv", big),
        part("type.csv", "image/png", "id,name\n5,five\n"));
    answer.then().statusCode(200)
        .body("files.status", org.hamcrest.Matchers.contains("FINISHED", "FAILED", "FAILED", "FAILED", "FAILED"));
    List<String> messages = answer.jsonPath().getList("files.message");
    assertThat(messages.get(1)).contains("line 2");
    assertThat(messages.get(2)).contains("line 3").contains("column amount");
    assertThat(messages.get(3)).contains("larger than 262144 bytes");
    assertThat(messages.get(4)).contains("content type image/png");

    long parquet = start(database, Map.of("name", "bad", "table", "shop.orders", "syncType", "INCREMENTAL"));
    byte[] whole = Files.readAllBytes(parquet("SELECT i::BIGINT AS id FROM range(0, 1000) t(i)"));
    byte[] truncated = java.util.Arrays.copyOf(whole, whole.length / 2);
    upload(database, parquet, part("cut.parquet", "application/octet-stream", truncated),
        part("wrong.parquet", parquet("SELECT 'x' AS id")))
        .then().statusCode(200).body("files.status", org.hamcrest.Matchers.contains("FAILED", "FAILED"))
        .body("files[0].message", containsString("footer"))
        .body("files[1].message", containsString("column id is string in the file and long in the table"));
    end(database, parquet).then().statusCode(200).body("status", equalTo("FAILED"))
        .body("message", containsString("cut.parquet"));

    end(database, csv).then().statusCode(200).body("status", equalTo("FINISHED")).body("numFailed", equalTo(4))
        .body("rows", equalTo(1));
    assertThat(ids(database, "shop", "orders")).containsExactly(1L);
    // nothing of a failed file stays in the table's location
    assertThat(dataFiles(database, "shop", "orders")).hasSize(1);
  }

  @Test
  void anAbortedOrExpiredSyncLeavesNoFileAndTakesNoMore() throws Exception {
    Warehouse database = Warehouses.local("sync");
    create(database, "shop", "orders", ORDERS, PartitionSpec.unpartitioned());
    long aborted = start(database, Map.of("name", "a", "table", "shop.orders", "syncType", "INCREMENTAL"));
    upload(database, aborted, part("a.parquet", parquet("SELECT 1::BIGINT AS id"))).then().statusCode(200);
    long expired = start(database, Map.of("name", "e", "table", "shop.orders", "syncType", "FULL",
        "format", "ndjson"));
    upload(database, expired, part("e.ndjson", "application/x-ndjson", "{\"id\": 2}\n")).then().statusCode(200);
    assertThat(dataFiles(database, "shop", "orders")).hasSize(2);

    given().post(BASE + database.name + "/syncs/" + aborted + "/abort").then().statusCode(200)
        .body("status", equalTo("ABORTED"));
    given().post(BASE + database.name + "/syncs/" + aborted + "/abort").then().statusCode(200)
        .body("status", equalTo("ABORTED"));
    end(database, aborted).then().statusCode(409);
    upload(database, aborted, part("b.parquet", parquet("SELECT 3::BIGINT AS id"))).then().statusCode(409);

    sql.update("UPDATE ingest_sync SET expires_at = now() - interval '1 second' WHERE id = ?", expired);
    assertThat(expiredSyncs.abortExpired()).isGreaterThanOrEqualTo(1);
    given().get(BASE + database.name + "/syncs/" + expired).then().statusCode(200)
        .body("status", equalTo("ABORTED")).body("message", containsString("sync-timeout"));
    given().get(BASE + database.name + "/syncs/history?syncId=" + expired).then().statusCode(200)
        .body("history[0].status", equalTo("ABORTED"));

    assertThat(dataFiles(database, "shop", "orders")).isEmpty();
    assertThat(ids(database, "shop", "orders")).isEmpty();
  }

  @Test
  void aMissingTableIsCreatedFromTheFirstFile() throws Exception {
    Warehouse database = Warehouses.local("sync");
    long csv = start(database, Map.of("name", "c", "table", "fresh.people", "syncType", "INCREMENTAL",
        "format", "csv", "createTable", true));
    upload(database, csv, part("p.csv", "text/csv", "id,name\n1,ann\n2,bob\n")).then().statusCode(200)
        .body("files[0].status", equalTo("FINISHED"));
    end(database, csv).then().statusCode(200).body("status", equalTo("FINISHED"));
    assertThat(load(database, "fresh", "people").schema().findField("name").type()).isEqualTo(Types.StringType.get());

    long parquet = start(database, Map.of("name", "p", "table", "fresh.orders", "syncType", "FULL",
        "createTable", true));
    upload(database, parquet, part("o.parquet", parquet("SELECT i::BIGINT AS id, 'n' || i AS name FROM range(0, 4) t(i)")),
        part("o2.parquet", parquet("SELECT 9::BIGINT AS id, 'nine' AS name"))).then().statusCode(200)
        .body("files.status", org.hamcrest.Matchers.contains("FINISHED", "FINISHED"));
    end(database, parquet).then().statusCode(200).body("status", equalTo("FINISHED")).body("rows", equalTo(5));
    assertThat(ids(database, "fresh", "orders")).containsExactly(0L, 1L, 2L, 3L, 9L);
  }

  @Test
  void anotherOrganizationCannotReachASyncAndAReadTokenCannotStartOne() {
    Warehouse database = Warehouses.local("sync");
    create(database, "shop", "orders", ORDERS, PartitionSpec.unpartitioned());
    long sync = start(database, Map.of("name", "mine", "table", "shop.orders", "syncType", "INCREMENTAL"));
    String admin = TestTokens.bearer(TestTokens.serverAdmin());
    String org = given().header("Authorization", admin).contentType(ContentType.JSON)
        .body(Map.of("name", "sync_" + UUID.randomUUID().toString().substring(0, 8)))
        .post("/api/v1/admin/organizations").then().statusCode(201).extract().path("id");
    String foreign = TestTokens.bearer(given().header("Authorization", admin).contentType(ContentType.JSON)
        .body(Map.of("name", "writer", "role", "admin")).post("/api/v1/admin/organizations/" + org + "/tokens")
        .then().statusCode(201).extract().path("token"));
    String path = BASE + database.name + "/syncs";
    given().header("Authorization", foreign).get(path + "/" + sync).then().statusCode(404);
    given().header("Authorization", foreign).post(path + "/" + sync + "/end").then().statusCode(404);
    given().header("Authorization", foreign).post(path + "/" + sync + "/abort").then().statusCode(404);
    given().header("Authorization", foreign).multiPart("file", "x.parquet", new byte[] {1}, "application/octet-stream")
        .post(path + "/" + sync + "/files").then().statusCode(404).contentType("application/problem+json");
    given().header("Authorization", foreign).get(path).then().statusCode(404);
    String read = TestTokens.bearer(given().header("Authorization", admin).contentType(ContentType.JSON)
        .body(Map.of("name", "reader", "role", "read")).post("/api/v1/admin/organizations/" + org + "/tokens")
        .then().statusCode(201).extract().path("token"));
    given().header("Authorization", read).contentType(ContentType.JSON)
        .body(Map.of("name", "x", "table", "shop.orders", "syncType", "FULL")).post(path).then().statusCode(403);
    given().get(path + "/" + sync).then().statusCode(200).body("status", equalTo("SYNCING"));
  }

  @Test
  void aBadStartIsA400AndABodyThatIsNoMultipartFormIsRefused() {
    Warehouse database = Warehouses.local("sync");
    create(database, "shop", "orders", ORDERS, PartitionSpec.unpartitioned());
    String path = BASE + database.name + "/syncs";
    given().contentType(ContentType.JSON).body(Map.of("name", "x", "table", "orders", "syncType", "FULL"))
        .post(path).then().statusCode(400).body("detail", containsString("namespace"));
    given().contentType(ContentType.JSON).body(Map.of("name", "x", "table", "shop.orders", "syncType", "SOMETIMES"))
        .post(path).then().statusCode(400).body("detail", containsString("syncType"));
    given().contentType(ContentType.JSON).body(Map.of("name", "x", "table", "shop.missing", "syncType", "FULL"))
        .post(path).then().statusCode(404);
    long sync = start(database, Map.of("name", "x", "table", "shop.orders", "syncType", "FULL"));
    given().contentType("multipart/form-data; boundary=zzz").body("garbage".getBytes(StandardCharsets.UTF_8)).post(path + "/" + sync + "/files")
        .then().statusCode(400);
    given().contentType("multipart/form-data; boundary=zzz")
        .body("--zzz\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--zzz--\r\n"
            .getBytes(StandardCharsets.UTF_8))
        .post(path + "/" + sync + "/files").then().statusCode(400).body("detail", containsString("part named file"));
    given().get(path + "/history?from=-1").then().statusCode(400);
    given().get(path + "/nope").then().statusCode(404);
  }

  @Test
  void concurrentEndsAndAnEndResumedAfterACrashCommitTheSyncExactlyOnce() throws Exception {
    Warehouse database = Warehouses.local("sync");
    create(database, "shop", "orders", ORDERS, PartitionSpec.unpartitioned());
    long sync = start(database, Map.of("name", "race", "table", "shop.orders", "syncType", "INCREMENTAL",
        "format", "ndjson"));
    upload(database, sync, part("r.ndjson", "application/x-ndjson", "{\"id\": 1}\n{\"id\": 2}\n")).then()
        .statusCode(200);
    long before = snapshots(database, "shop", "orders");
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(4);
    List<java.util.concurrent.Future<Response>> ends = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ends.add(pool.submit(() -> {
        barrier.await();
        return end(database, sync);
      }));
    }
    java.util.Set<Long> snapshotIds = new java.util.HashSet<>();
    for (var answer : ends) {
      Response response = answer.get();
      response.then().statusCode(200).body("status", equalTo("FINISHED"));
      snapshotIds.add(response.jsonPath().getLong("snapshotId"));
    }
    pool.shutdown();
    assertThat(snapshots(database, "shop", "orders")).isEqualTo(before + 1);
    assertThat(ids(database, "shop", "orders")).containsExactly(1L, 2L);

    // a replica killed between taking the end and committing leaves the sync ENDING: ending again commits it once
    long crashed = start(database, Map.of("name", "crash", "table", "shop.orders", "syncType", "INCREMENTAL",
        "format", "ndjson"));
    upload(database, crashed, part("c.ndjson", "application/x-ndjson", "{\"id\": 3}\n")).then().statusCode(200);
    sql.update("UPDATE ingest_sync SET status = 'ENDING' WHERE id = ?", crashed);
    given().get(BASE + database.name + "/syncs/" + crashed).then().body("status", equalTo("SYNCING"));
    upload(database, crashed, part("late.ndjson", "application/x-ndjson", "{\"id\": 4}\n")).then().statusCode(409);
    end(database, crashed).then().statusCode(200).body("status", equalTo("FINISHED")).body("rows", equalTo(1));
    end(database, crashed).then().statusCode(200).body("status", equalTo("FINISHED"));
    assertThat(ids(database, "shop", "orders")).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aParquetFileForAPartitionedTableIsWrittenAgainByPartitionAndTheUploadIsNotKept() throws Exception {
    Warehouse database = Warehouses.local("sync");
    create(database, "shop", "orders", ORDERS, PartitionSpec.builderFor(ORDERS).identity("name").build());
    long sync = start(database, Map.of("name", "p", "table", "shop.orders", "syncType", "INCREMENTAL"));
    upload(database, sync, part("p.parquet", parquet("SELECT i::BIGINT AS id, 'n' || (i % 2) AS name FROM range(0, 6) t(i)")))
        .then().statusCode(200).body("files[0].status", equalTo("FINISHED")).body("files[0].rows", equalTo(6));
    end(database, sync).then().statusCode(200).body("status", equalTo("FINISHED"));
    assertThat(ids(database, "shop", "orders")).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    // one file per partition, and nothing else under the table's data
    assertThat(dataFiles(database, "shop", "orders")).hasSize(2);
  }

  @Test
  void aSyncIntoAnS3WarehouseStoresItsFilesThereAndIsReadAfterTheEnd() throws Exception {
    Warehouse database = Warehouses.s3("sync");
    create(database, "shop", "orders", ORDERS, PartitionSpec.unpartitioned());
    long sync = start(database, Map.of("name", "s3", "table", "shop.orders", "syncType", "FULL"));
    upload(database, sync, part("s3.parquet", parquet("SELECT i::BIGINT AS id FROM range(0, 10) t(i)")),
        part("s3.csv", "text/csv", "id\n1\n")).then().statusCode(200)
        .body("files.status", org.hamcrest.Matchers.contains("FINISHED", "FAILED"));
    end(database, sync).then().statusCode(200).body("status", equalTo("FAILED"));
    long again = start(database, Map.of("name", "s3", "table", "shop.orders", "syncType", "FULL"));
    upload(database, again, part("s3.parquet", parquet("SELECT i::BIGINT AS id FROM range(0, 10) t(i)")))
        .then().statusCode(200).body("files[0].status", equalTo("FINISHED"));
    end(database, again).then().statusCode(200).body("status", equalTo("FINISHED")).body("rows", equalTo(10));
    assertThat(ids(database, "shop", "orders")).hasSize(10);
    assertThat(load(database, "shop", "orders").currentSnapshot().addedDataFiles(load(database, "shop", "orders").io()))
        .allSatisfy(file -> assertThat(file.location()).startsWith(load(database, "shop", "orders").location()));
  }

  @Test
  void aFileFarPastTheCapFailsAloneAndTheNextPartOfTheUploadIsTaken() {
    Warehouse database = Warehouses.local("sync");
    create(database, "shop", "orders", ORDERS, PartitionSpec.unpartitioned());
    long sync = start(database, Map.of("name", "big", "table", "shop.orders", "syncType", "INCREMENTAL",
        "format", "csv"));
    byte[] big = ("id\n" + "1\n".repeat(1_000_000)).getBytes(StandardCharsets.UTF_8); // 2 MB, the cap is 256K
    upload(database, sync, part("big.csv", "text/csv", big), part("small.csv", "text/csv", "id\n2\n"))
        .then().statusCode(200).body("files.status", org.hamcrest.Matchers.contains("FAILED", "FINISHED"))
        .body("files[0].message", containsString("ailake.ingest.max-file-bytes"));
  }

  @Test
  void anUploadLargerThanTheBodyCapOfEveryOtherRouteIsTakenWhileAJsonBodyThatLargeIs413() throws Exception {
    Warehouse database = Warehouses.local("sync");
    create(database, "shop", "orders", ORDERS, PartitionSpec.unpartitioned());
    long sync = start(database, Map.of("name", "wide", "table", "shop.orders", "syncType", "INCREMENTAL",
        "format", "csv"));
    // 12 files of about 220 KB in one request: more than ailake.http.max-body-bytes (2M in tests)
    FilePart[] parts = new FilePart[12];
    for (int p = 0; p < parts.length; p++) {
      StringBuilder csv = new StringBuilder("id,name\n");
      for (int i = 0; i < 16_000; i++) {
        csv.append(p * 16_000 + i).append(",n").append(i).append('\n');
      }
      parts[p] = part("part-" + p + ".csv", "text/csv", csv.toString());
    }
    upload(database, sync, parts).then().statusCode(200)
        .body("files.status", org.hamcrest.Matchers.everyItem(equalTo("FINISHED")));
    end(database, sync).then().statusCode(200).body("status", equalTo("FINISHED")).body("rows", equalTo(192_000));

    String large = "{\"name\": \"" + "x".repeat(2_200_000) + "\"}";
    given().contentType(ContentType.JSON).body(large).post(BASE + database.name + "/syncs")
        .then().statusCode(413).contentType("application/problem+json")
        .body("detail", containsString("ailake.http.max-body-bytes"));
    given().contentType(ContentType.JSON).body(large).post("/iceberg/v1/" + database.name + "/namespaces")
        .then().statusCode(413).body("error.code", equalTo(413));
    // without Content-Length (chunked), the JSON is refused as it is read
    java.net.http.HttpResponse<String> chunked = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(catalog.toURI().resolve("/api/v1/ailake/database/instances/"
                + database.name + "/syncs"))
            .header("Authorization", "Bearer " + TestTokens.defaultAdmin())
            .header("Content-Type", "application/json")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() ->
                new java.io.ByteArrayInputStream(large.getBytes(StandardCharsets.UTF_8))))
            .build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(413);
    assertThat(chunked.body()).contains("ailake.http.max-body-bytes");
  }

  // ---- helpers ------------------------------------------------------------------------------

  record FilePart(String name, String contentType, byte[] content) {}

  static FilePart part(String name, Path file) {
    try {
      return new FilePart(name, "application/vnd.apache.parquet", Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static FilePart part(String name, String contentType, String content) {
    return new FilePart(name, contentType, content.getBytes(StandardCharsets.UTF_8));
  }

  static FilePart part(String name, String contentType, byte[] content) {
    return new FilePart(name, contentType, content);
  }

  static long start(Warehouse database, Map<String, Object> request) {
    return given().contentType(ContentType.JSON).body(request).post(BASE + database.name + "/syncs")
        .then().statusCode(201).body("status", equalTo("SYNCING")).extract().jsonPath().getLong("syncId");
  }

  static Response upload(Warehouse database, long sync, FilePart... parts) {
    RequestSpecification request = given();
    for (FilePart part : parts) {
      request = request.multiPart("file", part.name(), part.content(), part.contentType());
    }
    return request.post(BASE + database.name + "/syncs/" + sync + "/files");
  }

  static Response end(Warehouse database, long sync) {
    return given().post(BASE + database.name + "/syncs/" + sync + "/end");
  }

  /** A Parquet file DuckDB writes (no Iceberg field ids, as most producers write them). */
  static Path parquet(String select) throws Exception {
    Path file = Files.createTempFile("sync-", ".parquet");
    Files.delete(file);
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      duck.createStatement().execute("COPY (" + select + ") TO '" + file + "' (FORMAT parquet)");
    }
    file.toFile().deleteOnExit();
    return file;
  }

  Table create(Warehouse database, String namespace, String name, Schema schema, PartitionSpec spec) {
    try (RESTCatalog client = IcebergClients.connect(catalog, database)) {
      if (!client.namespaceExists(Namespace.of(namespace))) {
        client.createNamespace(Namespace.of(namespace));
      }
      return client.buildTable(TableIdentifier.of(namespace, name), schema).withPartitionSpec(spec).create();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Table load(Warehouse database, String namespace, String name) {
    try (RESTCatalog client = IcebergClients.connect(catalog, database)) {
      return client.loadTable(TableIdentifier.of(namespace, name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<Long> ids(Warehouse database, String namespace, String name) throws IOException {
    List<Long> ids = new ArrayList<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(load(database, namespace, name)).build()) {
      rows.forEach(r -> ids.add((Long) r.getField("id")));
    }
    ids.sort(Comparator.naturalOrder());
    return ids;
  }

  long snapshots(Warehouse database, String namespace, String name) {
    List<?> all = new ArrayList<>();
    load(database, namespace, name).snapshots().forEach(s -> ((List<Object>) all).add(s));
    return all.size();
  }

  /** The files under the table's data directory. */
  List<Path> dataFiles(Warehouse database, String namespace, String name) throws IOException {
    Path data = Path.of(load(database, namespace, name).location().replaceFirst("^file:", ""), "data");
    if (!Files.exists(data)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(data)) {
      return walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
          .collect(Collectors.toList());
    }
  }
}
