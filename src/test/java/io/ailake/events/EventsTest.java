package io.ailake.events;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.ailake.iceberg.Warehouse;
import io.ailake.testing.Eventually;
import io.ailake.testing.IcebergClients;
import io.ailake.testing.TestOrganizations;
import io.ailake.testing.TestTokens;
import io.ailake.testing.Warehouses;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

@QuarkusTest
class EventsTest {

  static final String EVENTS = "/api/v1/ailake/events";
  static final String DATABASES = "/api/v1/ailake/database/instances/";

  @TestHTTPResource("/iceberg")
  URL catalog;

  @TestHTTPResource("/")
  URL root;

  @Inject
  DataSource dataSource;

  @Test
  void everyCommitOfTheIcebergApiIsAnnouncedOnceInCommitOrderWithItsSnapshot() throws Exception {
    Warehouse database = Warehouses.local("events");
    String start = end();
    String resource = "databases/" + database.name + "/tables/ns.orders";
    // the client creates ns.orders and appends a data file it wrote, as an engine does
    IcebergClients.tableWithOneDataFile(catalog, database);
    long appended;
    try (RESTCatalog client = IcebergClients.connect(catalog, database)) {
      Table table = client.loadTable(TableIdentifier.of("ns", "orders"));
      appended = table.currentSnapshot().snapshotId();
      Table stale = client.loadTable(TableIdentifier.of("ns", "orders"));
      table.updateSchema().addColumn("name", Types.StringType.get()).commit();
      table.manageSnapshots().createTag("v1", appended).commit();
      // a commit whose requirement fails commits nothing, and announces nothing
      org.assertj.core.api.Assertions.assertThatThrownBy(
          () -> stale.updateSchema().addColumn("other", Types.IntegerType.get()).commit())
          .isInstanceOf(CommitFailedException.class);
      client.dropTable(TableIdentifier.of("ns", "orders"), false);
    }
    List<JsonPath> events = new ArrayList<>();
    Eventually.within(Duration.ofSeconds(10), () -> {
      events.clear();
      events.addAll(after(start, resource));
      assertThat(events).extracting(e -> e.getString("type")).contains("datalake.Table.dropped");
    });
    assertThat(events).extracting(e -> e.getString("type")).containsExactly(
        "datalake.Table.created",
        "datalake.Data.inserted", "table.committed",
        "datalake.Schema.evolved", "table.committed",
        "datalake.Snapshot.created", "table.committed",
        "datalake.Table.dropped");
    JsonPath inserted = events.get(1);
    assertThat(inserted.getLong("data.snapshotId")).isEqualTo(appended);
    assertThat(inserted.getString("data.operation")).isEqualTo("append");
    assertThat(inserted.getInt("data.rowsAdded")).isEqualTo(1);
    assertThat(events.get(2).getLong("data.snapshotId")).isEqualTo(appended);
    assertThat(events.get(2).getString("data.snapshots[0].summary.'added-records'")).isEqualTo("1");
    assertThat(events.get(3).getList("data.columns.name")).containsExactly("id", "name");
    assertThat(events.get(5).getString("data.name")).isEqualTo("v1");
    assertThat(events.get(5).getString("data.refType")).isEqualTo("tag");
    // ids and cursors only grow, and each event is there once
    assertThat(events).extracting(e -> e.getString("id")).doesNotHaveDuplicates();
  }

  @Test
  void rowsOverRestAreAnnouncedAsInsertedUpdatedAndDeletedAndQueriesOnceAnswered() {
    Warehouse database = Warehouses.local("events");
    String start = end();
    String tables = DATABASES + database.name + "/tables";
    given().contentType(ContentType.JSON).body(Map.of("namespace", "shop", "name", "t", "columns",
        List.of(Map.of("name", "id", "type", "long", "nullable", false), Map.of("name", "v", "type", "string"))))
        .post(tables).then().statusCode(201);
    given().contentType(ContentType.JSON).body("[{\"id\": 1, \"v\": \"a\"}, {\"id\": 2, \"v\": \"b\"}]")
        .post(tables + "/shop/t/rows").then().statusCode(201);
    given().contentType(ContentType.JSON).body(Map.of("where", "id = 1", "set", Map.of("v", "z")))
        .post(tables + "/shop/t/rows/update").then().statusCode(200);
    given().contentType(ContentType.JSON).body(Map.of("where", "id = 2"))
        .post(tables + "/shop/t/rows/delete").then().statusCode(200);
    String resource = "databases/" + database.name + "/tables/shop.t";
    List<JsonPath> events = new ArrayList<>();
    Eventually.within(Duration.ofSeconds(10), () -> {
      events.clear();
      events.addAll(after(start, resource).stream()
          .filter(e -> e.getString("type").startsWith("datalake.Data.")).toList());
      assertThat(events).hasSize(3);
    });
    assertThat(events).extracting(e -> e.getString("type"))
        .containsExactly("datalake.Data.inserted", "datalake.Data.updated", "datalake.Data.deleted");
    assertThat(events.get(0).getInt("data.rowsAdded")).isEqualTo(2);

    // a query and a query into the past are announced once answered; a refused one is not
    long first = events.get(0).getLong("data.snapshotId");
    String query = DATABASES + database.name + "/query";
    given().contentType(ContentType.JSON).body(Map.of("sql", "SELECT * FROM shop.t")).post(query)
        .then().statusCode(200).body("rowCount", equalTo(1));
    given().contentType(ContentType.JSON).body(Map.of("sql", "SELECT * FROM shop.t", "asOf", Map.of("snapshotId", first)))
        .post(query).then().statusCode(200).body("rowCount", equalTo(2));
    given().contentType(ContentType.JSON).body(Map.of("sql", "SELECT * FROM read_csv('/etc/passwd')")).post(query)
        .then().statusCode(400);
    List<JsonPath> queries = new ArrayList<>();
    Eventually.within(Duration.ofSeconds(10), () -> {
      queries.clear();
      queries.addAll(after(start, "databases/" + database.name).stream()
          .filter(e -> e.getString("type").contains("quer") || e.getString("type").contains("Query")).toList());
      assertThat(queries).hasSize(2);
    });
    assertThat(queries).extracting(e -> e.getString("type"))
        .containsExactly("datalake.queried", "datalake.Query.timeTraveled");
    assertThat(queries.get(0).getInt("data.rowCount")).isEqualTo(1);
    assertThat(queries.get(0).getList("data.tables")).containsExactly("shop.t");
    assertThat(queries.get(1).getLong("data.snapshots.'shop.t'")).isEqualTo(first);
  }

  @Test
  void aChangeThatDoesNotCommitAnnouncesNothing() throws Exception {
    String start = end();
    String name = "rolled_back_" + System.nanoTime();
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try (var statement = connection.createStatement()) {
        statement.executeUpdate("INSERT INTO warehouse (id, organization_id, name, location, storage_type)"
            + " VALUES (gen_random_uuid(), '00000000-0000-0000-0000-000000000001', '" + name + "', '/tmp/x', 'LOCAL')");
      }
      connection.rollback();
    }
    Warehouses.local("events_marker");
    Eventually.within(Duration.ofSeconds(10), () ->
        assertThat(after(start, "databases/")).extracting(e -> e.getString("data.name"))
            .anyMatch(n -> n.startsWith("events_marker")));
    assertThat(after(start, "databases/")).extracting(e -> e.getString("resource"))
        .doesNotContain("databases/" + name);
  }

  @Test
  void anotherOrganizationSeesNoneOfTheEvents() {
    String start = end();
    Warehouses.local("events");
    TestOrganizations.Org other = TestOrganizations.create();
    Eventually.within(Duration.ofSeconds(10), () -> assertThat(after(start, "databases/")).isNotEmpty());
    given().header("Authorization", TestTokens.bearer(other.read())).get(EVENTS + "?size=1000")
        .then().statusCode(200).body("events", org.hamcrest.Matchers.empty());
  }

  @Test
  void aBadCursorOrTypeIsA400() {
    given().get(EVENTS + "?after=abc").then().statusCode(400).contentType("application/problem+json");
    given().get(EVENTS + "?after=99999999999999999999-1").then().statusCode(400);
    given().get(EVENTS + "?types=datalake.nothing").then().statusCode(400).body("detail",
        org.hamcrest.Matchers.containsString("datalake.nothing"));
    given().get(EVENTS + "?size=0").then().statusCode(400);
    given().get(EVENTS + "/stream?after=x").then().statusCode(400);
  }

  @Test
  void theStreamFollowsNewEventsAsServerSentEventsAndResumesAfterTheLastOne() throws Exception {
    HttpURLConnection stream = (HttpURLConnection) new URL(root, EVENTS.substring(1)
        + "/stream?types=datalake.Table.created&after=" + end()).openConnection();
    stream.setRequestProperty("Authorization", TestTokens.bearer(TestTokens.defaultAdmin()));
    stream.setRequestProperty("Accept", "text/event-stream");
    stream.setReadTimeout(20_000);
    assertThat(stream.getResponseCode()).isEqualTo(200);
    assertThat(stream.getContentType()).startsWith("text/event-stream");
    Warehouse database = Warehouses.local("events");
    // a quiet stream gets a comment line every heartbeat (1s in the tests), so proxies keep it open
    Thread.sleep(1500);
    CompletableFuture.runAsync(() -> {
      try (RESTCatalog client = IcebergClients.connect(catalog, database)) {
        client.createNamespace(Namespace.of("s"));
        client.createTable(TableIdentifier.of("s", "followed"),
            new Schema(Types.NestedField.required(1, "id", Types.LongType.get())));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }).get(30, TimeUnit.SECONDS);
    String id = null;
    String event = null;
    String data = null;
    boolean heartbeat = false;
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.startsWith(":")) {
          heartbeat = true;
        } else if (line.startsWith("id:")) {
          id = line.substring(3).strip();
        } else if (line.startsWith("event:")) {
          event = line.substring(6).strip();
        } else if (line.startsWith("data:")) {
          data = line.substring(5).strip();
        } else if (line.isEmpty() && data != null && data.contains("followed")) {
          break;
        }
      }
    } finally {
      stream.disconnect();
    }
    assertThat(heartbeat).as("a comment line while nothing was new").isTrue();
    assertThat(event).isEqualTo("datalake.Table.created");
    JsonPath json = JsonPath.from(data);
    assertThat(json.getString("cursor")).isEqualTo(id);
    assertThat(json.getString("resource")).isEqualTo("databases/" + database.name + "/tables/s.followed");
    // the feed resumes after the streamed event: the table's creation is behind it
    given().get(EVENTS + "?after=" + id + "&types=datalake.Table.created").then().statusCode(200)
        .body("events.resource", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(json.getString("resource"))));
  }

  /** The cursor after every event readable now. */
  static String end() {
    String cursor = null;
    while (true) {
      Response page = given().get(EVENTS + "?size=1000" + (cursor == null ? "" : "&after=" + cursor));
      page.then().statusCode(200);
      String next = page.path("next");
      if (page.jsonPath().getList("events").isEmpty()) {
        return next;
      }
      cursor = next;
    }
  }

  /** The events after {@code cursor} whose resource starts with {@code resource}, each as JSON. */
  static List<JsonPath> after(String cursor, String resource) {
    List<JsonPath> found = new ArrayList<>();
    while (true) {
      Response page = given().get(EVENTS + "?size=1000&after=" + cursor);
      page.then().statusCode(200);
      List<Map<String, Object>> events = page.jsonPath().getList("events");
      for (int i = 0; i < events.size(); i++) {
        if (((String) events.get(i).get("resource")).startsWith(resource)) {
          found.add(JsonPath.from(page.jsonPath().prettify()).setRootPath("events[" + i + "]"));
        }
      }
      if (events.isEmpty()) {
        return found;
      }
      cursor = page.path("next");
    }
  }
}
