package io.ailake.logs;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ailake.iceberg.Warehouse;
import io.ailake.postgres.RequestPathSql;
import io.ailake.storage.FileIOs;
import io.ailake.storage.ObjectStorage;
import io.ailake.testing.ObjectStorages;
import io.ailake.testing.Operations;
import io.ailake.testing.TestTokens;
import io.ailake.testing.Warehouses;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/** The logs of syncs, operations, databases and pipe tables: what they hold, since and tail, and following them. */
@QuarkusTest
class LogsTest {

  static final String BASE = "/api/v1/ailake/database/instances/";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TestHTTPResource("/")
  URL root;

  @Inject RequestPathSql sql;
  @Inject ExpiredLogs expiredLogs;
  @Inject FileIOs fileIOs;

  @Test
  void aSyncsLogHoldsItsStartItsFilesWithRowsOrWhyAndItsCommittedEnd() {
    Warehouse database = Warehouses.local("logs");
    String sync = BASE + database.name + "/syncs/" + startSync(database);
    given().multiPart("file", "good.ndjson", "{\"id\": 1, \"name\": \"a\"}\n{\"id\": 2, \"name\": \"b\"}\n"
            .getBytes(StandardCharsets.UTF_8), "application/x-ndjson")
        .multiPart("file", "bad.ndjson", "{\"id\": \"not a number\"}\n".getBytes(StandardCharsets.UTF_8),
            "application/x-ndjson")
        .post(sync + "/files").then().statusCode(200);
    long snapshot = given().post(sync + "/end").then().statusCode(200).body("status", equalTo("FINISHED"))
        .extract().jsonPath().getLong("snapshotId");

    JsonPath logs = given().get(sync + "/logs").then().statusCode(200).contentType(ContentType.JSON)
        .extract().jsonPath();
    assertThat(logs.getList("logs.message", String.class))
        .containsExactly("Sync started", "File received", "File failed", "Sync ended: committed");
    assertThat(logs.getString("logs[0].table")).isEqualTo("shop.orders");
    assertThat(logs.getString("logs[0].level")).isEqualTo("info");
    assertThat(logs.getString("logs[1].file")).isEqualTo("good.ndjson");
    assertThat(logs.getInt("logs[1].rows")).isEqualTo(2);
    assertThat(logs.getInt("logs[1].bytes")).isGreaterThan(0);
    assertThat(logs.getString("logs[2].level")).isEqualTo("warn");
    assertThat(logs.getString("logs[2].file")).isEqualTo("bad.ndjson");
    assertThat(logs.getString("logs[2].error")).isNotBlank();
    assertThat(logs.getLong("logs[3].snapshotId")).isEqualTo(snapshot);
    assertThat(logs.getInt("logs[3].rows")).isEqualTo(2);
    List<Instant> times = logs.getList("logs.timestamp", String.class).stream().map(Instant::parse).toList();
    assertThat(times).isSorted();
    assertThat(times.get(0)).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(5));
  }

  @Test
  void sinceAndTailChooseTheLinesAndBadValuesAre400s() {
    Warehouse database = Warehouses.local("logs");
    String sync = BASE + database.name + "/syncs/" + startSync(database);
    given().post(sync + "/abort").then().statusCode(200);
    List<String> all = given().get(sync + "/logs").then().statusCode(200).extract().jsonPath()
        .getList("logs.message", String.class);
    assertThat(all).containsExactly("Sync started", "Sync aborted");

    given().queryParam("tail", 1).get(sync + "/logs").then().statusCode(200)
        .body("logs.message", org.hamcrest.Matchers.contains("Sync aborted"));
    given().queryParam("tail", 0).get(sync + "/logs").then().statusCode(200).body("logs.size()", equalTo(0));
    given().queryParam("tail", 5).queryParam("since", "1h").get(sync + "/logs").then().statusCode(200)
        .body("logs.size()", equalTo(2));
    given().queryParam("since", "30m").get(sync + "/logs").then().statusCode(200).body("logs.size()", equalTo(2));
    given().queryParam("since", "1d").get(sync + "/logs").then().statusCode(200).body("logs.size()", equalTo(2));
    String last = given().get(sync + "/logs").jsonPath().getString("logs[1].timestamp");
    given().queryParam("since", last).get(sync + "/logs").then().statusCode(200)
        .body("logs.message", org.hamcrest.Matchers.contains("Sync aborted"));
    given().queryParam("since", Instant.parse(last).plusMillis(1).toString().replace("Z", "+00:00"))
        .get(sync + "/logs").then().statusCode(200).body("logs.size()", equalTo(0));
    // lines older than the retention are deleted by the sweep, the others stay
    sql.update("UPDATE resource_log SET logged_at = logged_at - interval '20 days' WHERE subject_kind = 'SYNC'"
        + " AND subject_id = ? AND message = 'Sync started'", sync.substring(sync.lastIndexOf('/') + 1));
    given().queryParam("since", "1d").get(sync + "/logs").then().statusCode(200).body("logs.size()", equalTo(1));
    assertThat(expiredLogs.deleteExpired(Duration.ofDays(14))).isGreaterThanOrEqualTo(1);
    given().get(sync + "/logs").then().statusCode(200).body("logs.message", org.hamcrest.Matchers.contains("Sync aborted"));

    for (String since : List.of("yesterday", "1w", "-1h", "1.5h", "2026-13-45T00:00:00Z", "10:15")) {
      given().queryParam("since", since).get(sync + "/logs").then().statusCode(400)
          .contentType("application/problem+json").body("detail", containsString("since"));
    }
    for (String tail : List.of("-1", "abc", "10001", "1e3")) {
      given().queryParam("tail", tail).get(sync + "/logs").then().statusCode(400)
          .contentType("application/problem+json").body("detail", containsString("tail"));
    }
    given().queryParam("follow", "yes").get(sync + "/logs").then().statusCode(400)
        .contentType("application/problem+json").body("detail", containsString("follow"));
  }

  @Test
  void followingAnOperationStreamsItsLinesAsServerSentEventsAndEndsWhenItEnds() throws Exception {
    ObjectStorage storage = ObjectStorages.local("logs");
    String worker = "/api/v1/ailake/services/operations-worker/commands/";
    String name = "logs_" + UUID.randomUUID().toString().substring(0, 8);
    given().contentType(ContentType.JSON).body("{}").post(worker + "pause/run").then().statusCode(202);
    String operation;
    CompletableFuture<HttpResponse<String>> followed;
    try {
      operation = given().contentType(ContentType.JSON)
          .body(Map.of("name", name, "storageIds", List.of(storage.id.toString())))
          .post(BASE).then().statusCode(202).extract().header("operation-id");
      followed = follow("/api/v1/ailake/operations/" + operation + "/logs?follow=true", "text/event-stream");
      Thread.sleep(1500);
      assertThat(followed).as("the stream of a pending operation").isNotDone();
    } finally {
      given().contentType(ContentType.JSON).body("{}").post(worker + "resume/run").then().statusCode(202);
    }
    HttpResponse<String> answer = followed.get(30, TimeUnit.SECONDS);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    List<JsonNode> lines = new ArrayList<>();
    String endReason = null;
    for (String event : answer.body().split("\n\n")) {
      if (event.isBlank() || event.startsWith(":")) {
        continue;
      }
      if (event.startsWith("event: end\n")) {
        endReason = JSON.readTree(event.substring(event.indexOf("data: ") + 6)).path("reason").asText();
        continue;
      }
      assertThat(event).as("one data line of JSON per line").startsWith("data: ").doesNotContain("\n");
      lines.add(JSON.readTree(event.substring("data: ".length())));
    }
    assertThat(endReason).isEqualTo("ended");
    assertThat(lines).extracting(l -> l.path("message").asText()).containsExactly("Attempt started", "Operation succeeded");
    assertThat(lines.get(0).path("kind").asText()).isEqualTo("provision-database");
    assertThat(lines.get(0).path("attempt").asInt()).isEqualTo(1);
    Operations.awaitSucceeded(operation);

    // the same, after the end, as NDJSON: the lines, then the stream ends at once
    long started = System.nanoTime();
    HttpResponse<String> ndjson = follow("/api/v1/ailake/operations/" + operation + "/logs?follow=true",
        "application/x-ndjson").get(30, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
    assertThat(ndjson.headers().firstValue("Content-Type").orElse("")).startsWith("application/x-ndjson");
    List<String> messages = new ArrayList<>();
    for (String line : ndjson.body().split("\n")) {
      messages.add(JSON.readTree(line).path("message").asText());
    }
    assertThat(messages).containsExactly("Attempt started", "Operation succeeded");

    // the database's own log says what its provisioning did
    given().get(BASE + name + "/logs").then().statusCode(200).body("logs.message", org.hamcrest.Matchers.contains(
        "Provisioning", "Storage checked: the root holds no files the catalog did not write",
        "Database created: its marker is written, it is ready"));
  }

  @Test
  void followingADatabaseEndsWhenItIsDeletedAfterItsLastLines() throws Exception {
    ObjectStorage storage = ObjectStorages.local("logs");
    String name = "logs_" + UUID.randomUUID().toString().substring(0, 8);
    Operations.awaitSucceeded(given().contentType(ContentType.JSON)
        .body(Map.of("name", name, "storageIds", List.of(storage.id.toString())))
        .post(BASE).then().statusCode(202).extract().header("operation-id"));
    // tail=0: only the lines written from now on
    CompletableFuture<HttpResponse<String>> followed = follow(BASE + name + "/logs?follow=true&tail=0",
        "application/x-ndjson");
    Thread.sleep(500);
    assertThat(followed).as("the stream of a database that exists").isNotDone();
    given().delete(BASE + name).then().statusCode(202);

    HttpResponse<String> answer = followed.get(30, TimeUnit.SECONDS);
    List<String> messages = new ArrayList<>();
    for (String line : answer.body().split("\n")) {
      messages.add(JSON.readTree(line).path("message").asText());
    }
    assertThat(messages).containsExactly("Deprovisioning: purging the files of its tables and views", "Files purged",
        "Database deleted");
    given().get(BASE + name + "/logs").then().statusCode(404);
  }

  @Test
  void aPipeTablesLogSaysWhichFilesItLoadedWithTheirRows() throws Exception {
    ObjectStorage landing = ObjectStorages.s3("logs-landing");
    ObjectStorage lake = ObjectStorages.s3("logs-lake");
    String name = "logs_" + UUID.randomUUID().toString().substring(0, 8);
    Operations.awaitSucceeded(given().contentType(ContentType.JSON)
        .body(Map.of("name", name, "storageIds", List.of(lake.id.toString())))
        .post(BASE).then().statusCode(202).extract().header("operation-id"));
    writeParquet(fileIOs.forStorage(landing.storage()), landing.root + "/events/day=1/part-0.parquet", 3);
    Operations.awaitSucceeded(given().contentType(ContentType.JSON)
        .body(Map.of("tableName", "events", "sourceStorageName", landing.name, "pathPrefix", "events/"))
        .post(BASE + name + "/pipeTables").then().statusCode(202).extract().header("operation-id"));

    JsonPath logs = given().get(BASE + name + "/pipeTables/events/logs").then().statusCode(200).extract().jsonPath();
    assertThat(logs.getList("logs.message", String.class))
        .containsExactly("Table created", "New files found", "File loaded");
    assertThat(logs.getString("logs[2].file")).isEqualTo("day=1/part-0.parquet");
    assertThat(logs.getInt("logs[2].rows")).isEqualTo(3);
  }

  @Test
  void anotherOrganizationGetsTheSame404AsForAMissingLog() {
    ObjectStorage storage = ObjectStorages.local("logs");
    String name = "logs_" + UUID.randomUUID().toString().substring(0, 8);
    String operation = given().contentType(ContentType.JSON)
        .body(Map.of("name", name, "storageIds", List.of(storage.id.toString())))
        .post(BASE).then().statusCode(202).extract().header("operation-id");
    Operations.awaitSucceeded(operation);
    Warehouse database = Warehouses.local("logs");
    long sync = startSync(database);
    String foreign = TestTokens.bearer(foreignAdmin());
    for (String path : List.of(BASE + database.name + "/syncs/" + sync + "/logs", BASE + name + "/logs",
        "/api/v1/ailake/operations/" + operation + "/logs")) {
      given().get(path).then().statusCode(200);
      given().header("Authorization", foreign).get(path).then().statusCode(404)
          .contentType("application/problem+json");
      given().header("Authorization", foreign).queryParam("follow", "true").get(path).then().statusCode(404);
    }
    given().get(BASE + database.name + "/syncs/" + (sync + 1000000) + "/logs").then().statusCode(404);
    given().get("/api/v1/ailake/operations/no-such-operation/logs").then().statusCode(404);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static long startSync(Warehouse database) {
    return given().contentType(ContentType.JSON).body(Map.of("name", "logs", "table", "shop.orders",
            "syncType", "INCREMENTAL", "format", "ndjson", "createTable", true, "onFileError", "skip"))
        .post(BASE + database.name + "/syncs").then().statusCode(201).extract().jsonPath().getLong("syncId");
  }

  private CompletableFuture<HttpResponse<String>> follow(String path, String accept) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(root.toString()).resolve(path))
        .header("Authorization", TestTokens.bearer(TestTokens.defaultAdmin()))
        .header("Accept", accept)
        .timeout(Duration.ofSeconds(60))
        .build();
    return HttpClient.newHttpClient().sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  /** An admin token of a new organization. */
  private static String foreignAdmin() {
    String server = TestTokens.bearer(TestTokens.serverAdmin());
    String id = given().header("Authorization", server).contentType(ContentType.JSON)
        .body(Map.of("name", "org_" + UUID.randomUUID().toString().substring(0, 8)))
        .post("/api/v1/admin/organizations").then().statusCode(201).extract().path("id");
    return given().header("Authorization", server).contentType(ContentType.JSON)
        .body(Map.of("name", "admin", "role", "admin")).post("/api/v1/admin/organizations/" + id + "/tokens")
        .then().statusCode(201).extract().path("token");
  }

  private static void writeParquet(FileIO io, String location, int rows) throws java.io.IOException {
    Schema schema = new Schema(Types.NestedField.optional(1, "id", Types.LongType.get()));
    try (FileAppender<Record> out = Parquet.write(io.newOutputFile(location))
        .schema(schema).createWriterFunc(GenericParquetWriter::create).overwrite().build()) {
      for (long i = 0; i < rows; i++) {
        Record row = GenericRecord.create(schema);
        row.setField("id", i);
        out.add(row);
      }
    }
  }
}
