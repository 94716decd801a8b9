package io.ailake.data.rows;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.ailake.iceberg.Warehouse;
import io.ailake.testing.Eventually;
import io.ailake.testing.TestTokens;
import io.ailake.testing.Warehouses;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

@QuarkusTest
@SuppressWarnings("unchecked")
class InsertRowsTest {

  static final Schema EVERY_TYPE = new Schema(
      Types.NestedField.required(1, "id", Types.LongType.get()),
      Types.NestedField.optional(2, "name", Types.StringType.get()),
      Types.NestedField.optional(3, "active", Types.BooleanType.get()),
      Types.NestedField.optional(4, "qty", Types.IntegerType.get()),
      Types.NestedField.optional(5, "price", Types.DecimalType.of(10, 2)),
      Types.NestedField.optional(6, "ratio", Types.DoubleType.get()),
      Types.NestedField.optional(7, "score", Types.FloatType.get()),
      Types.NestedField.optional(8, "day", Types.DateType.get()),
      Types.NestedField.optional(9, "at", Types.TimestampType.withoutZone()),
      Types.NestedField.optional(10, "at_tz", Types.TimestampType.withZone()),
      Types.NestedField.optional(11, "clock", Types.TimeType.get()),
      Types.NestedField.optional(12, "uid", Types.UUIDType.get()),
      Types.NestedField.optional(13, "blob", Types.BinaryType.get()),
      Types.NestedField.optional(14, "code", Types.FixedType.ofLength(3)),
      Types.NestedField.optional(15, "address", Types.StructType.of(
          Types.NestedField.optional(20, "city", Types.StringType.get()),
          Types.NestedField.optional(21, "zip", Types.IntegerType.get()))),
      Types.NestedField.optional(16, "tags", Types.ListType.ofOptional(22, Types.StringType.get())),
      Types.NestedField.optional(17, "attrs", Types.MapType.ofOptional(23, 24, Types.StringType.get(),
          Types.LongType.get())));

  static final PartitionSpec BY_DAY_AND_ACTIVE =
      PartitionSpec.builderFor(EVERY_TYPE).day("at").identity("active").build();

  @TestHTTPResource("/iceberg")
  URL catalog;

  private static final String ROW_1 = """
      {"id": 1, "name": "first", "active": true, "qty": 3, "price": 12.34, "ratio": 0.5, "score": 1.25,
       "day": "2024-03-01", "at": "2024-03-01T10:15:30", "at_tz": "2024-03-01T10:15:30+02:00",
       "clock": "10:15:30", "uid": "4f2c1a3e-9b7d-4c8e-a1f0-2d3e4f5a6b7c", "blob": "AAEC/w==", "code": "YWJj",
       "address": {"city": "Prague", "zip": 11000}, "tags": ["a", null, "c"], "attrs": {"x": 1, "y": 9007199254740993}}""";

  @Test
  void jsonNdjsonAndCsvRowsOfEveryTypeLandInAPartitionedTableAsTheyWereSent() {
    Warehouse warehouse = Warehouses.local("rows");
    RowTables.create(catalog, warehouse, "shop", "things", EVERY_TYPE, BY_DAY_AND_ACTIVE, Map.of());

    Response json = RowTables.insert(warehouse, "shop", "things", "application/json",
        "[" + ROW_1 + ", {\"id\": 2, \"active\": false, \"at\": \"2024-03-02 00:00:00\"}]");
    json.then().statusCode(201).body("rowsInserted", equalTo(2));
    RowTables.insert(warehouse, "shop", "things", "application/x-ndjson",
            "{\"id\": 3, \"name\": \"ndjson\", \"price\": \"7\", \"at_tz\": \"2024-03-03T00:00:00Z\"}\n\n"
                + "{\"id\": 4, \"tags\": [], \"attrs\": {}, \"address\": {\"city\": null}}\n")
        .then().statusCode(201).body("rowsInserted", equalTo(2));
    RowTables.insert(warehouse, "shop", "things", "text/csv",
            "id,name,active,price,day,blob,address,tags\n"
                + "5,\"csv, quoted\",true,0.10,2024-03-05,AQI=,\"{\"\"city\"\":\"\"Brno\"\",\"\"zip\"\":60200}\",\"[\"\"t\"\"]\"\n"
                + "6,,,,,,,\n")
        .then().statusCode(201).body("rowsInserted", equalTo(2));

    Table table = RowTables.load(catalog, warehouse, "shop", "things");
    assertThat(table.currentSnapshot().snapshotId()).isNotEqualTo(json.jsonPath().getLong("snapshotId"));
    assertThat(table.snapshots()).hasSize(3);
    List<Record> rows = RowTables.rows(catalog, warehouse, "shop", "things");
    assertThat(rows).extracting(r -> r.getField("id")).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);

    Record first = rows.get(0);
    assertThat(first.getField("name")).isEqualTo("first");
    assertThat(first.getField("active")).isEqualTo(true);
    assertThat(first.getField("qty")).isEqualTo(3);
    assertThat(first.getField("price")).isEqualTo(new BigDecimal("12.34"));
    assertThat(first.getField("ratio")).isEqualTo(0.5);
    assertThat(first.getField("score")).isEqualTo(1.25f);
    assertThat(first.getField("day")).isEqualTo(LocalDate.of(2024, 3, 1));
    assertThat(first.getField("at")).isEqualTo(LocalDateTime.of(2024, 3, 1, 10, 15, 30));
    assertThat(first.getField("at_tz")).isEqualTo(OffsetDateTime.of(2024, 3, 1, 8, 15, 30, 0, ZoneOffset.UTC));
    assertThat(first.getField("clock")).isEqualTo(LocalTime.of(10, 15, 30));
    assertThat(first.getField("uid")).isEqualTo(UUID.fromString("4f2c1a3e-9b7d-4c8e-a1f0-2d3e4f5a6b7c"));
    assertThat(first.getField("blob")).isEqualTo(ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 0xff}));
    assertThat((byte[]) first.getField("code")).isEqualTo("abc".getBytes(StandardCharsets.UTF_8));
    Record address = (Record) first.getField("address");
    assertThat(address.getField("city")).isEqualTo("Prague");
    assertThat(address.getField("zip")).isEqualTo(11000);
    assertThat((List<Object>) first.getField("tags")).containsExactly("a", null, "c");
    assertThat((Map<?, ?>) first.getField("attrs")).isEqualTo(Map.of("x", 1L, "y", 9007199254740993L));

    assertThat(rows.get(1).getField("at")).isEqualTo(LocalDateTime.of(2024, 3, 2, 0, 0));
    assertThat(rows.get(1).getField("name")).isNull();
    assertThat(rows.get(2).getField("price")).isEqualTo(new BigDecimal("7.00"));
    assertThat(rows.get(2).getField("at_tz")).isEqualTo(OffsetDateTime.of(2024, 3, 3, 0, 0, 0, 0, ZoneOffset.UTC));
    assertThat((List<?>) rows.get(3).getField("tags")).isEmpty();
    assertThat(((Record) rows.get(3).getField("address")).getField("city")).isNull();
    Record csv = rows.get(4);
    assertThat(csv.getField("name")).isEqualTo("csv, quoted");
    assertThat(csv.getField("price")).isEqualTo(new BigDecimal("0.10"));
    assertThat(csv.getField("day")).isEqualTo(LocalDate.of(2024, 3, 5));
    assertThat(csv.getField("blob")).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2}));
    assertThat(((Record) csv.getField("address")).getField("zip")).isEqualTo(60200);
    assertThat((List<Object>) csv.getField("tags")).containsExactly("t");
    assertThat(rows.get(5).getField("name")).isNull();
    assertThat(rows.get(5).getField("active")).isNull();

    // rows of two days and both flags: one file per partition
    assertThat(table.currentSnapshot().summary().get("changed-partition-count")).isEqualTo("2");
  }

  @Test
  void aBadRowRefusesTheInsertNamingRowAndColumnAndLeavesNothingBehind() throws IOException {
    Warehouse warehouse = Warehouses.local("rows");
    Table created = RowTables.create(catalog, warehouse, "shop", "things", EVERY_TYPE, BY_DAY_AND_ACTIVE, Map.of());
    RowTables.insert(warehouse, "shop", "things", "application/json", "[{\"id\": 1, \"active\": true}]")
        .then().statusCode(201);
    Set<Path> before = files(created.location());
    long snapshot = RowTables.load(catalog, warehouse, "shop", "things").currentSnapshot().snapshotId();

    // many good rows in two partitions first, so files were open when row 3001 failed
    StringBuilder many = new StringBuilder("[");
    for (int i = 0; i < 3000; i++) {
      many.append("{\"id\": ").append(i + 10).append(", \"active\": ").append(i % 2 == 0).append("},");
    }
    many.append("{\"id\": 9, \"qty\": \"many\"}]");
    RowTables.insert(warehouse, "shop", "things", "application/json", many.toString())
        .then().statusCode(400).contentType("application/problem+json")
        .body("detail", containsString("Row 3001, column qty"));
    RowTables.insert(warehouse, "shop", "things", "application/x-ndjson", "{\"id\": 2}\n{\"name\": \"no id\"}\n")
        .then().statusCode(400).body("detail", containsString("Row 2, column id: the column is required"));
    RowTables.insert(warehouse, "shop", "things", "text/csv", "id,address\n2,\n3,\"{\"\"town\"\": \"\"x\"\"}\"\n")
        .then().statusCode(400).body("detail", containsString("Row 2, column address.town: the struct has no such field"));
    RowTables.insert(warehouse, "shop", "things", "application/json", "[{\"id\": 2, \"colour\": \"red\"}]")
        .then().statusCode(400).body("detail", containsString("Row 1, column colour: the table has no such column"));
    RowTables.insert(warehouse, "shop", "things", "application/json", "[{\"id\": 2, \"tags\": [\"a\", 5, {}]}]")
        .then().statusCode(400).body("detail", containsString("Row 1, column tags.[2]"));
    RowTables.insert(warehouse, "shop", "things", "application/json", "[{\"id\": 2, \"blob\": \"not base64!\"}]")
        .then().statusCode(400).body("detail", containsString("column blob"));
    RowTables.insert(warehouse, "shop", "things", "application/json", "[{\"id\": 2}, 7]")
        .then().statusCode(400).body("detail", containsString("Row 2: a row is a JSON object"));
    RowTables.insert(warehouse, "shop", "things", "application/json", "[{\"id\": 2}, {\"id\": 3")
        .then().statusCode(400).body("detail", containsString("malformed JSON"));
    RowTables.insert(warehouse, "shop", "things", "text/csv", "id,name\n2,a,extra\n")
        .then().statusCode(400).body("detail", containsString("Row 1"));
    RowTables.insert(warehouse, "shop", "things", "application/json", "[]")
        .then().statusCode(400).body("detail", containsString("no rows"));
    given().contentType("text/plain").body("id\n1").post(RowTables.path(warehouse, "shop", "things"))
        .then().statusCode(415);

    assertThat(RowTables.load(catalog, warehouse, "shop", "things").currentSnapshot().snapshotId()).isEqualTo(snapshot);
    assertThat(files(created.location())).isEqualTo(before);
  }

  @Test
  void aBodyOverTheCapIs413AndTheTableIsUntouched() {
    Warehouse warehouse = Warehouses.local("rows");
    RowTables.create(catalog, warehouse, "shop", "t", EVERY_TYPE, PartitionSpec.unpartitioned(), Map.of());
    String big = Stream.generate(() -> "{\"id\": 1, \"name\": \"" + "x".repeat(100) + "\"}")
        .limit(11_000).collect(Collectors.joining("\n"));
    RowTables.insert(warehouse, "shop", "t", "application/x-ndjson", big)
        .then().statusCode(413).contentType("application/problem+json")
        .body("detail", containsString("ailake.rows.max-body-bytes"));
    assertThat(RowTables.load(catalog, warehouse, "shop", "t").currentSnapshot()).isNull();
  }

  @Test
  void aRetriedInsertWithTheSameIdempotencyKeyAddsItsRowsOnce() {
    Warehouse warehouse = Warehouses.local("rows");
    RowTables.create(catalog, warehouse, "shop", "t", EVERY_TYPE, PartitionSpec.unpartitioned(), Map.of());
    Set<Path> spooledBefore = spooled();
    String key = UUID.randomUUID().toString();
    String body = "id,name\n1,a\n2,b\n";
    Response first = given().header("Idempotency-Key", key).contentType("text/csv").body(body)
        .post(RowTables.path(warehouse, "shop", "t"));
    first.then().statusCode(201).body("rowsInserted", equalTo(2));
    Response again = given().header("Idempotency-Key", key).contentType("text/csv").body(body)
        .post(RowTables.path(warehouse, "shop", "t"));
    again.then().statusCode(201).header("Idempotent-Replayed", "true");
    assertThat(again.jsonPath().getLong("snapshotId")).isEqualTo(first.jsonPath().getLong("snapshotId"));
    given().header("Idempotency-Key", key).contentType("text/csv").body("id,name\n3,c\n")
        .post(RowTables.path(warehouse, "shop", "t")).then().statusCode(422);
    assertThat(RowTables.rows(catalog, warehouse, "shop", "t")).hasSize(2);
    // the replayed and the refused requests never reached the route; their spooled bodies are gone too
    Eventually.within(Duration.ofSeconds(10), () -> assertThat(spooled()).isSubsetOf(spooledBefore));
  }

  /** The bodies spooled to the temporary directory now. */
  private static Set<Path> spooled() {
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files.filter(f -> f.getFileName().toString().startsWith("ailake-rows-")).collect(Collectors.toSet());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void eightConcurrentInsertersAllCommitAndEveryRowIsThereOnce() throws Exception {
    Warehouse warehouse = Warehouses.local("rows");
    RowTables.create(catalog, warehouse, "shop", "t", EVERY_TYPE, PartitionSpec.builderFor(EVERY_TYPE)
        .identity("qty").build(), Map.of());
    int writers = 8;
    int rounds = 3;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CyclicBarrier start = new CyclicBarrier(writers);
    List<CompletableFuture<List<Integer>>> answers = new ArrayList<>();
    try {
      for (int w = 0; w < writers; w++) {
        int writer = w;
        answers.add(CompletableFuture.supplyAsync(() -> {
          List<Integer> statuses = new ArrayList<>();
          try {
            start.await();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          for (int round = 0; round < rounds; round++) {
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < 10; i++) {
              long id = writer * 1000L + round * 100L + i;
              body.append("{\"id\": ").append(id).append(", \"qty\": ").append(i % 3).append("}\n");
            }
            statuses.add(RowTables.insert(warehouse, "shop", "t", "application/x-ndjson", body.toString()).statusCode());
          }
          return statuses;
        }, pool));
      }
      for (CompletableFuture<List<Integer>> answer : answers) {
        assertThat(answer.get()).containsOnly(201);
      }
    } finally {
      pool.shutdownNow();
    }
    List<Record> rows = RowTables.rows(catalog, warehouse, "shop", "t");
    assertThat(rows).hasSize(writers * rounds * 10);
    assertThat(rows.stream().map(r -> r.getField("id")).collect(Collectors.toSet())).hasSize(writers * rounds * 10);
  }

  @Test
  void anotherOrganizationCannotReachTheTableAndAReadTokenCannotWrite() {
    Warehouse warehouse = Warehouses.local("rows");
    RowTables.create(catalog, warehouse, "shop", "t", EVERY_TYPE, PartitionSpec.unpartitioned(), Map.of());
    String admin = TestTokens.bearer(TestTokens.serverAdmin());
    String org = given().header("Authorization", admin).contentType(ContentType.JSON)
        .body(Map.of("name", "rows_" + UUID.randomUUID().toString().substring(0, 8)))
        .post("/api/v1/admin/organizations").then().statusCode(201).extract().path("id");
    String foreign = given().header("Authorization", admin).contentType(ContentType.JSON)
        .body(Map.of("name", "writer", "role", "admin")).post("/api/v1/admin/organizations/" + org + "/tokens")
        .then().statusCode(201).extract().path("token");
    for (String route : List.of("", "/update", "/delete")) {
      given().header("Authorization", TestTokens.bearer(foreign)).contentType(ContentType.JSON)
          .body(route.isEmpty() ? "[{\"id\": 1}]" : "{\"where\": \"true\", \"set\": {\"name\": \"x\"}}")
          .post(RowTables.path(warehouse, "shop", "t") + route)
          .then().statusCode(404).contentType("application/problem+json");
    }
    String read = given().header("Authorization", admin).contentType(ContentType.JSON)
        .body(Map.of("name", "reader", "role", "read")).post("/api/v1/admin/organizations/" + org + "/tokens")
        .then().statusCode(201).extract().path("token");
    given().header("Authorization", TestTokens.bearer(read)).contentType(ContentType.JSON).body("[{\"id\": 1}]")
        .post(RowTables.path(warehouse, "shop", "t")).then().statusCode(403);
    RowTables.insert(warehouse, "shop", "missing", "application/json", "[{\"id\": 1}]").then().statusCode(404);
    assertThat(RowTables.rows(catalog, warehouse, "shop", "t")).isEmpty();
  }

  private static Set<Path> files(String location) throws IOException {
    Path root = Path.of(location.replaceFirst("^file:", ""));
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).collect(Collectors.toCollection(HashSet::new));
    }
  }
}
