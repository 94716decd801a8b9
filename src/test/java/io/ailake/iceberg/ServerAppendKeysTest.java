package io.ailake.iceberg;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A route whose change is a table commit the service makes itself ({@link ServerTables}) keeps its
 * idempotency key's answer in the commit's transaction: a retry never appends twice.
 */
@QuarkusTest
class ServerAppendKeysTest {

  private static final String NAMESPACES = "/iceberg/v1/lake/namespaces";
  private static final String APPENDS = "/api/v1/test-only/server-appends/lake/";

  private static String table() {
    String namespace = "server_appends_" + UUID.randomUUID().toString().substring(0, 8);
    given().contentType(ContentType.JSON).body(Map.of("namespace", List.of(namespace))).post(NAMESPACES)
        .then().statusCode(200);
    given().contentType(ContentType.JSON).body("{\"name\": \"t\", \"schema\": {\"type\": \"struct\", \"schema-id\": 0,"
            + " \"fields\": [{\"id\": 1, \"name\": \"id\", \"required\": true, \"type\": \"long\"}]}}")
        .post(NAMESPACES + "/" + namespace + "/tables").then().statusCode(200);
    return namespace;
  }

  private static Response append(String namespace, String key) {
    return given().header("Idempotency-Key", key).post(APPENDS + namespace + "/t");
  }

  private static Response load(String namespace) {
    return given().get(NAMESPACES + "/" + namespace + "/tables/t").then().statusCode(200).extract().response();
  }

  @Test
  void aRetryAfterTheProcessDiedBetweenCommitAndAnswerReplaysTheAnswerAndAppendsOnce() {
    String namespace = table();
    String key = UUID.randomUUID().toString();
    ServerAppendsResource.DIE_AFTER_COMMIT.set(true);
    append(namespace, key).then().statusCode(500);
    Response committed = load(namespace);
    assertThat(committed.jsonPath().getList("metadata.snapshots")).hasSize(1);

    Response retried = append(namespace, key);
    retried.then().statusCode(201).header("Idempotent-Replayed", "true");
    String appended = retried.jsonPath().getString("appended");
    assertThat(committed.jsonPath().getString("metadata.snapshots[0].summary.added-data-files")).isEqualTo("1");
    append(namespace, key).then().statusCode(201).header("Idempotent-Replayed", "true")
        .body("appended", equalTo(appended));
    Response after = load(namespace);
    assertThat(after.jsonPath().getString("metadata-location"))
        .isEqualTo(committed.jsonPath().getString("metadata-location"));
    assertThat(after.jsonPath().getString("metadata.snapshots[0].summary.total-data-files")).isEqualTo("1");

    // another key is another append
    append(namespace, UUID.randomUUID().toString()).then().statusCode(201).header("Idempotent-Replayed", nullValue());
    assertThat(load(namespace).jsonPath().getList("metadata.snapshots")).hasSize(2);
  }

  @Test
  void concurrentCallsWithOneKeyAppendOnceAndAllAnswerTheSame() throws Exception {
    String namespace = table();
    String key = UUID.randomUUID().toString();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<Response>> calls = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      calls.add(pool.submit(() -> append(namespace, key)));
    }
    List<String> answers = new ArrayList<>();
    int replayed = 0;
    for (Future<Response> call : calls) {
      Response answer = call.get();
      answer.then().statusCode(201);
      answers.add(answer.jsonPath().getString("appended"));
      replayed += "true".equals(answer.header("Idempotent-Replayed")) ? 1 : 0;
    }
    pool.shutdown();
    assertThat(answers).containsOnly(answers.get(0));
    assertThat(replayed).isEqualTo(3);
    Response table = load(namespace);
    assertThat(table.jsonPath().getList("metadata.snapshots")).hasSize(1);
    assertThat(table.jsonPath().getString("metadata.snapshots[0].summary.total-data-files")).isEqualTo("1");
  }
}
