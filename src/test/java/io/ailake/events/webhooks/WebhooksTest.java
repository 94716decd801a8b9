package io.ailake.events.webhooks;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.ailake.iceberg.Warehouse;
import io.ailake.testing.Eventually;
import io.ailake.testing.IcebergClients;
import io.ailake.testing.TestOrganizations;
import io.ailake.testing.TestTokens;
import io.ailake.testing.Warehouses;
import io.ailake.testing.WebhookReceiver;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

@QuarkusTest
class WebhooksTest {

  static final String WEBHOOKS = "/api/v1/ailake/webhooks";
  static final String DATABASES = "/api/v1/ailake/database/instances/";
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TestHTTPResource("/iceberg")
  URL catalog;

  @Test
  void aDeliveryIsSignedWithTheSecretShownOnceAndCarriesTheEvent() throws Exception {
    Warehouse database = Warehouses.local("hooks");
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      Response created = create(Map.of("url", receiver.url("/hook?source=ailake"), "events",
          List.of("datalake.Table.created"), "resources", List.of("databases/" + database.name),
          "description", "signed"));
      String id = created.path("id");
      String secret = created.path("secret");
      assertThat(secret).startsWith("whsec_");
      assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSizeGreaterThanOrEqualTo(24);
      assertThat(created.header("Location")).endsWith(WEBHOOKS + "/" + id);
      // the secret is never shown again
      given().get(WEBHOOKS + "/" + id).then().statusCode(200).body("secret", nullValue())
          .body("url", equalTo(receiver.url("/hook?source=ailake"))).body("enabled", equalTo(true));
      assertThat(given().get(WEBHOOKS + "?size=500").asString()).contains(id).doesNotContain(secret.substring(6));

      createTable(database, "shop", "orders");

      Eventually.within(WAIT, () -> assertThat(receiver.received()).hasSize(1));
      WebhookReceiver.Received delivery = receiver.received().get(0);
      assertThat(delivery.signature()).isEqualTo(signature(secret, delivery.id(), delivery.timestamp(), delivery.body()));
      assertThat(Long.parseLong(delivery.timestamp())).isCloseTo(System.currentTimeMillis() / 1000,
          org.assertj.core.data.Offset.offset(60L));
      JsonPath body = JsonPath.from(delivery.body());
      assertThat(body.getString("id")).isEqualTo(delivery.id()).startsWith("evt_");
      assertThat(body.getString("type")).isEqualTo("datalake.Table.created");
      assertThat(body.getString("resource")).isEqualTo("databases/" + database.name + "/tables/shop.orders");
      assertThat(body.getString("timestamp")).endsWith("Z");
      assertThat(body.getString("data.table")).isEqualTo("orders");
      // the feed's event and the delivery are one: the same id
      assertThat(given().get("/api/v1/ailake/events?size=1000&types=datalake.Table.created").asString())
          .contains(delivery.id());
      given().get(WEBHOOKS + "/" + id + "/deliveries").then().statusCode(200)
          .body("deliveries[0].eventId", equalTo(delivery.id())).body("deliveries[0].status", equalTo("SUCCEEDED"))
          .body("deliveries[0].attempts[0].statusCode", equalTo(200));
    }
  }

  @Test
  void aReceiverThatFailsThreeTimesGetsTheEventOncePerAttemptWithTheSameIdUntilItSucceeds() {
    Warehouse database = Warehouses.local("hooks");
    try (WebhookReceiver receiver = new WebhookReceiver().answer("500", "503", "500")) {
      String id = create(Map.of("url", receiver.url("/retry"), "events", List.of("datalake.Table.created"),
          "resources", List.of("databases/" + database.name))).path("id");
      createTable(database, "shop", "retried");

      Eventually.within(WAIT, () -> assertThat(receiver.received()).hasSize(4));
      assertThat(receiver.received()).extracting(WebhookReceiver.Received::id).containsOnly(receiver.received().get(0).id());
      assertThat(receiver.received()).extracting(WebhookReceiver.Received::body).containsOnly(receiver.received().get(0).body());
      Eventually.within(WAIT, () -> given().get(WEBHOOKS + "/" + id + "/deliveries?status=SUCCEEDED").then()
          .body("deliveries.size()", equalTo(1)));
      JsonPath deliveries = given().get(WEBHOOKS + "/" + id + "/deliveries").then().statusCode(200).extract().jsonPath();
      assertThat(deliveries.getList("deliveries")).hasSize(1);
      assertThat(deliveries.getList("deliveries[0].attempts.statusCode")).containsExactly(500, 503, 500, 200);
      assertThat(deliveries.getString("deliveries[0].attempts[1].error")).contains("503");
      assertThat(deliveries.getString("deliveries[0].attempts[3].error")).isNull();
      assertThat(deliveries.getList("deliveries[0].attempts.latencyMs")).allSatisfy(l -> assertThat((Integer) l).isNotNegative());
      assertThat(deliveries.getList("deliveries[0].attempts.attemptedAt")).doesNotContainNull();
      // each retry waited longer than none
      List<WebhookReceiver.Received> attempts = receiver.received();
      assertThat(attempts.get(1).receivedAtNanos() - attempts.get(0).receivedAtNanos()).isGreaterThan(40_000_000L);
      given().get(WEBHOOKS + "/" + id + "/deliveries?status=FAILED").then().body("deliveries.size()", equalTo(0));
      given().get(WEBHOOKS + "/" + id + "/deliveries?status=nope").then().statusCode(400);

      // a redelivery sends the same event again, with the same webhook-id
      long deliveryId = deliveries.getLong("deliveries[0].deliveryId");
      given().post(WEBHOOKS + "/" + id + "/deliveries/" + deliveryId + "/redeliver").then().statusCode(202)
          .body("redeliveryOf", equalTo((int) deliveryId)).body("eventId", equalTo(attempts.get(0).id()));
      Eventually.within(WAIT, () -> assertThat(receiver.received()).hasSize(5));
      assertThat(receiver.received().get(4).id()).isEqualTo(attempts.get(0).id());
      given().post(WEBHOOKS + "/" + id + "/deliveries/99999999/redeliver").then().statusCode(404);
    }
  }

  @Test
  void aSubscriptionGetsItsEventsInCommitOrderEachAfterThePreviousSucceeded() {
    Warehouse database = Warehouses.local("hooks");
    try (WebhookReceiver receiver = new WebhookReceiver().answer("500", "500")) {
      create(Map.of("url", receiver.url("/ordered"), "events", List.of("datalake.Table.created"),
          "resources", List.of("databases/" + database.name)));
      for (int i = 0; i < 5; i++) {
        createTable(database, "shop", "t" + i);
      }
      Eventually.within(WAIT, () -> assertThat(receiver.received()).hasSize(7));
      List<String> tables = receiver.bodies().stream()
          .map(b -> (String) ((Map<?, ?>) b.get("data")).get("table")).toList();
      // the first event twice more (two failures), then each table once, in the order they were created
      assertThat(tables).containsExactly("t0", "t0", "t0", "t1", "t2", "t3", "t4");
      List<Long> ids = receiver.received().stream().map(r -> Long.parseLong(r.id().substring(4))).distinct().toList();
      assertThat(ids).isSorted();
    }
  }

  @Test
  void urlsThatReachPrivateLoopbackOrLinkLocalAddressesOrAreNotHttpAreRefused() {
    for (String url : List.of("http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/hook", "http://[::1]/",
        "http://127.0.0.2:8080/", "ftp://127.0.0.1/hook", "file:///etc/passwd", "http://no-such-host.invalid/",
        "not a url")) {
      given().contentType(ContentType.JSON).body(Map.of("url", url, "events", List.of("*"))).post(WEBHOOKS)
          .then().statusCode(400).contentType("application/problem+json");
    }
    given().contentType(ContentType.JSON).body(Map.of("url", "http://10.0.0.1/hook", "events", List.of("*")))
        .post(WEBHOOKS).then().body("detail", containsString("10.0.0.1"));
    given().contentType(ContentType.JSON).body(Map.of("url", "http://127.0.0.1:9/", "events", List.of("datalake.nope")))
        .post(WEBHOOKS).then().statusCode(400).body("detail", containsString("datalake.nope"));
    given().contentType(ContentType.JSON).body(Map.of("url", "http://127.0.0.1:9/", "events", List.of()))
        .post(WEBHOOKS).then().statusCode(400);
    given().contentType(ContentType.JSON).body(Map.of("url", "http://127.0.0.1:9/", "events", List.of("*"),
        "resources", List.of("/databases/"))).post(WEBHOOKS).then().statusCode(400);
    // a change to a refused URL is refused too
    String id = create(Map.of("url", "http://127.0.0.1:9/", "events", List.of("*"))).path("id");
    given().contentType(ContentType.JSON).body(Map.of("url", "http://169.254.169.254/")).patch(WEBHOOKS + "/" + id)
        .then().statusCode(400);
    given().delete(WEBHOOKS + "/" + id).then().statusCode(204);
    given().get(WEBHOOKS + "/" + id).then().statusCode(404);
  }

  @Test
  void aRedirectToAPrivateAddressIsAFailedAttemptThatSaysWhy() {
    try (WebhookReceiver receiver = new WebhookReceiver().always("302 http://10.0.0.1/internal")) {
      String id = create(Map.of("url", receiver.url("/moved"), "events", List.of("datalake.Table.created"),
          "resources", List.of("databases/none"))).path("id");
      given().post(WEBHOOKS + "/" + id + "/test").then().statusCode(202).body("type", equalTo("webhook.test"))
          .body("status", equalTo("PENDING"));
      Eventually.within(WAIT, () -> given().get(WEBHOOKS + "/" + id + "/deliveries").then()
          .body("deliveries[0].attempts.size()", org.hamcrest.Matchers.greaterThan(0)));
      String error = given().get(WEBHOOKS + "/" + id + "/deliveries").jsonPath().getString("deliveries[0].attempts[0].error");
      assertThat(error).contains("Redirected to http://10.0.0.1/internal").contains("10.0.0.1");
      // the receiver saw only the first request: nothing went to the private address
      assertThat(receiver.received()).extracting(WebhookReceiver.Received::body)
          .allSatisfy(b -> assertThat(b).contains("webhook.test"));
      given().delete(WEBHOOKS + "/" + id).then().statusCode(204);
    }
  }

  @Test
  void anotherOrganizationNeitherSeesTheWebhookNorReceivesItsEvents() {
    Warehouse database = Warehouses.local("hooks");
    TestOrganizations.Org other = TestOrganizations.create();
    try (WebhookReceiver ours = new WebhookReceiver(); WebhookReceiver theirs = new WebhookReceiver()) {
      String id = create(Map.of("url", ours.url("/ours"), "events", List.of("*"),
          "resources", List.of("databases/" + database.name))).path("id");
      String theirId = given().header("Authorization", TestTokens.bearer(other.admin())).contentType(ContentType.JSON)
          .body(Map.of("url", theirs.url("/theirs"), "events", List.of("*"))).post(WEBHOOKS)
          .then().statusCode(201).extract().path("id");
      String bearer = TestTokens.bearer(other.admin());
      given().header("Authorization", bearer).get(WEBHOOKS + "/" + id).then().statusCode(404);
      given().header("Authorization", bearer).contentType(ContentType.JSON).body(Map.of("enabled", false))
          .patch(WEBHOOKS + "/" + id).then().statusCode(404);
      given().header("Authorization", bearer).post(WEBHOOKS + "/" + id + "/test").then().statusCode(404);
      given().header("Authorization", bearer).get(WEBHOOKS + "/" + id + "/deliveries").then().statusCode(404);
      given().header("Authorization", bearer).delete(WEBHOOKS + "/" + id).then().statusCode(404);
      assertThat(given().header("Authorization", bearer).get(WEBHOOKS + "?size=500").asString()).doesNotContain(id);
      given().get(WEBHOOKS + "/" + theirId).then().statusCode(404);
      createTable(database, "shop", "private_orders");
      Eventually.within(WAIT, () -> assertThat(ours.bodies()).extracting(b -> b.get("type"))
          .contains("datalake.Table.created"));
      // give theirs time to have received it, had it been sent there
      given().header("Authorization", bearer).post(WEBHOOKS + "/" + theirId + "/test").then().statusCode(202);
      Eventually.within(WAIT, () -> assertThat(theirs.received()).isNotEmpty());
      assertThat(theirs.bodies()).extracting(b -> b.get("type")).containsOnly("webhook.test");
      assertThat(theirs.received()).extracting(WebhookReceiver.Received::body)
          .noneMatch(b -> b.contains(database.name));
      given().delete(WEBHOOKS + "/" + id).then().statusCode(204);
      given().header("Authorization", bearer).delete(WEBHOOKS + "/" + theirId).then().statusCode(204);
    }
  }

  @Test
  void aSubscriptionIsDisabledAfterDeliveriesFailedForGoodInARowAndAnEventSaysSo() {
    try (WebhookReceiver receiver = new WebhookReceiver().always("500")) {
      String id = create(Map.of("url", receiver.url("/dead"), "events", List.of("datalake.Table.created"),
          "resources", List.of("databases/none"))).path("id");
      given().post(WEBHOOKS + "/" + id + "/test").then().statusCode(202);
      given().post(WEBHOOKS + "/" + id + "/test").then().statusCode(202);
      Eventually.within(Duration.ofSeconds(30), () -> given().get(WEBHOOKS + "/" + id).then()
          .body("enabled", equalTo(false)));
      given().get(WEBHOOKS + "/" + id).then().body("disabledReason", containsString("2 deliveries in a row failed"));
      JsonPath deliveries = given().get(WEBHOOKS + "/" + id + "/deliveries?status=FAILED").jsonPath();
      assertThat(deliveries.getList("deliveries")).hasSize(2);
      assertThat(deliveries.getList("deliveries[1].attempts")).hasSizeGreaterThan(1);
      // the two deliveries went one after the other: every attempt of the first before any of the second
      List<String> ids = receiver.received().stream().map(WebhookReceiver.Received::id).toList();
      assertThat(ids.subList(0, ids.lastIndexOf(ids.get(0)) + 1)).containsOnly(ids.get(0));
      Eventually.within(WAIT, () -> assertThat(given().get("/api/v1/ailake/events?size=1000&types=webhook.disabled")
          .jsonPath().getList("events.resource")).contains("webhooks/" + id));
      given().post(WEBHOOKS + "/" + id + "/test").then().statusCode(409);
      int received = receiver.received().size();
      // resumed by the user
      receiver.always("204");
      given().contentType(ContentType.JSON).body(Map.of("enabled", true)).patch(WEBHOOKS + "/" + id).then()
          .statusCode(200).body("enabled", equalTo(true)).body("disabledReason", nullValue());
      given().post(WEBHOOKS + "/" + id + "/test").then().statusCode(202);
      Eventually.within(WAIT, () -> assertThat(receiver.received()).hasSize(received + 1));
      given().delete(WEBHOOKS + "/" + id).then().statusCode(204);
    }
  }

  @Test
  void aCommitThroughTheIcebergApiIsDeliveredAsDataInsertedAndTableCommitted() {
    Warehouse database = Warehouses.local("hooks");
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      String resource = "databases/" + database.name + "/tables/ns.orders";
      create(Map.of("url", receiver.url("/iceberg"), "events", List.of("datalake.Data.inserted", "table.committed"),
          "resources", List.of(resource)));
      IcebergClients.tableWithOneDataFile(catalog, database);
      Eventually.within(WAIT, () -> assertThat(receiver.bodies()).extracting(b -> b.get("type"))
          .contains("datalake.Data.inserted"));
      Eventually.within(WAIT, () -> assertThat(receiver.bodies()).extracting(b -> b.get("type"))
          .contains("table.committed"));
      assertThat(receiver.bodies()).extracting(b -> b.get("type"))
          .containsOnly("datalake.Data.inserted", "table.committed");
      assertThat(receiver.bodies()).extracting(b -> b.get("resource")).containsOnly(resource);
      Map<String, Object> inserted = receiver.bodies().stream().filter(b -> b.get("type").equals("datalake.Data.inserted"))
          .findFirst().orElseThrow();
      assertThat(((Map<?, ?>) inserted.get("data")).get("rowsAdded")).isEqualTo(1);
    }
  }

  @Test
  void theListIsPagedAndAChangeKeepsWhatItDoesNotName() {
    String first = create(Map.of("url", "http://127.0.0.1:9/a", "events", List.of("*"))).path("id");
    String second = create(Map.of("url", "http://127.0.0.1:9/b", "events", List.of("sync.finished"),
        "description", "second")).path("id");
    given().contentType(ContentType.JSON).body(Map.of("events", List.of("sync.failed", "sync.finished")))
        .patch(WEBHOOKS + "/" + second).then().statusCode(200).body("description", equalTo("second"))
        .body("events", equalTo(List.of("sync.failed", "sync.finished"))).body("url", equalTo("http://127.0.0.1:9/b"));
    given().get(WEBHOOKS + "?size=1&metaInclude=page").then().statusCode(200).body("webhooks.size()", equalTo(1))
        .body("meta.page.size", equalTo(1)).body("meta.page.totalElements", org.hamcrest.Matchers.greaterThanOrEqualTo(2))
        .body("links.self", startsWith(WEBHOOKS));
    given().get(WEBHOOKS + "?size=0").then().statusCode(400);
    given().get(WEBHOOKS + "/not-a-uuid").then().statusCode(404);
    given().delete(WEBHOOKS + "/" + first).then().statusCode(204);
    given().delete(WEBHOOKS + "/" + second).then().statusCode(204);
  }

  private static Response create(Map<String, Object> body) {
    Response created = given().contentType(ContentType.JSON).body(body).post(WEBHOOKS);
    created.then().statusCode(201);
    return created;
  }

  private static void createTable(Warehouse database, String namespace, String name) {
    given().contentType(ContentType.JSON).body(Map.of("namespace", namespace, "name", name, "columns",
        List.of(Map.of("name", "id", "type", "long", "nullable", false))))
        .post(DATABASES + database.name + "/tables").then().statusCode(201);
  }

  /** The Standard Webhooks signature, computed here from the spec. */
  private static String signature(String secret, String id, String timestamp, String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
    return "v1," + Base64.getEncoder().encodeToString(
        mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
  }
}
