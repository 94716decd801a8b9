package io.ailake.data.tables;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.ailake.iceberg.Warehouse;
import io.ailake.storage.FileIOs;
import io.ailake.testing.Eventually;
import io.ailake.testing.IcebergClients;
import io.ailake.testing.TestTokens;
import io.ailake.testing.Warehouses;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/**
 * The table routes of a database: what they create and change is the Iceberg table Iceberg's own REST
 * client then loads, and what they refuse is a 4xx that names the cause.
 */
@QuarkusTest
class TableRoutesRestTest {

  @TestHTTPResource("/iceberg")
  URL catalog;

  @Inject FileIOs fileIOs;

  private static Warehouse database;

  private static synchronized Warehouse database() {
    if (database == null) {
      database = Warehouses.local("tables");
    }
    return database;
  }

  private static String tables() {
    return "/api/v1/ailake/database/instances/" + database().name + "/tables";
  }

  private static Map<String, Object> column(String name, String type, boolean nullable) {
    Map<String, Object> column = new HashMap<>();
    column.put("name", name);
    column.put("type", type);
    column.put("nullable", nullable);
    return column;
  }

  private static Map<String, Object> table(String namespace, String name, List<Map<String, Object>> columns,
      List<String> partitionBy) {
    Map<String, Object> body = new HashMap<>();
    body.put("namespace", namespace);
    body.put("name", name);
    body.put("columns", columns);
    body.put("partitionBy", partitionBy);
    return body;
  }

  private static Response create(Map<String, Object> body) {
    return given().contentType(ContentType.JSON).body(body).post(tables());
  }

  private static String unique(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  // ---- create ----------------------------------------------------------------------------------

  @Test
  void aTableCreatedWithEveryTypeNestingAndPartitioningIsTheTableIcebergsClientLoads() throws Exception {
    String name = unique("every_type");
    List<Map<String, Object>> columns = List.of(
        column("id", "long", false), column("qty", "int", true), column("price", "double", true),
        column("ratio", "float", true), column("amount", "decimal(12,2)", true), column("active", "boolean", true),
        column("d", "date", true), column("t", "time", true), column("ts", "timestamp", true),
        column("tstz", "timestamptz", true), column("payload", "binary", true), column("uid", "uuid", true),
        column("digest", "fixed[16]", true), column("name", "string", true), column("category", "string", false),
        column("address", "struct<city: string, zip: int not null>", true),
        column("tags", "list<string>", true), column("counts", "map<string, long>", true),
        column("items", "list<struct<a: int, b: string>>", true));
    Map<String, Object> body = table("shop.eu", name, columns,
        List.of("category", "day(ts)", "month(d)", "hour(tstz)", "bucket(8, id)", "truncate(4, name)"));
    body.put("properties", Map.of("owner", "tables-test"));
    Map<String, Object> withComment = new HashMap<>(columns.get(0));
    withComment.put("comment", "Order number");
    body.put("columns", concat(List.of(withComment), columns.subList(1, columns.size())));

    Response created = create(body);

    created.then().statusCode(201)
        .header("Location", tables() + "/shop.eu/" + name)
        .body("namespace", equalTo("shop.eu")).body("name", equalTo(name))
        .body("columns[0].comment", equalTo("Order number"))
        .body("columns[15].type", equalTo("struct<city: string, zip: int not null>"))
        .body("columns[15].fields[1].name", equalTo("zip")).body("columns[15].fields[1].nullable", equalTo(false))
        .body("columns[17].fields.name", equalTo(List.of("key", "value")))
        .body("partitionBy", equalTo(List.of("category", "day(ts)", "month(d)", "hour(tstz)", "bucket(8, id)",
            "truncate(4, name)")))
        .body("properties.owner", equalTo("tables-test")).body("rowCount", equalTo(0))
        .body("formatVersion", equalTo(2));

    Schema expected = TypeUtil.assignFreshIds(new Schema(
        Types.NestedField.required(1, "id", Types.LongType.get(), "Order number"),
        Types.NestedField.optional(2, "qty", Types.IntegerType.get()),
        Types.NestedField.optional(3, "price", Types.DoubleType.get()),
        Types.NestedField.optional(4, "ratio", Types.FloatType.get()),
        Types.NestedField.optional(5, "amount", Types.DecimalType.of(12, 2)),
        Types.NestedField.optional(6, "active", Types.BooleanType.get()),
        Types.NestedField.optional(7, "d", Types.DateType.get()),
        Types.NestedField.optional(8, "t", Types.TimeType.get()),
        Types.NestedField.optional(9, "ts", Types.TimestampType.withoutZone()),
        Types.NestedField.optional(10, "tstz", Types.TimestampType.withZone()),
        Types.NestedField.optional(11, "payload", Types.BinaryType.get()),
        Types.NestedField.optional(12, "uid", Types.UUIDType.get()),
        Types.NestedField.optional(13, "digest", Types.FixedType.ofLength(16)),
        Types.NestedField.optional(14, "name", Types.StringType.get()),
        Types.NestedField.required(15, "category", Types.StringType.get()),
        Types.NestedField.optional(16, "address", Types.StructType.of(
            Types.NestedField.optional(20, "city", Types.StringType.get()),
            Types.NestedField.required(21, "zip", Types.IntegerType.get()))),
        Types.NestedField.optional(17, "tags", Types.ListType.ofOptional(22, Types.StringType.get())),
        Types.NestedField.optional(18, "counts",
            Types.MapType.ofOptional(23, 24, Types.StringType.get(), Types.LongType.get())),
        Types.NestedField.optional(19, "items", Types.ListType.ofOptional(25, Types.StructType.of(
            Types.NestedField.optional(26, "a", Types.IntegerType.get()),
            Types.NestedField.optional(27, "b", Types.StringType.get()))))),
        new AtomicInteger()::incrementAndGet);
    try (RESTCatalog client = IcebergClients.connect(catalog, database())) {
      Table loaded = client.loadTable(TableIdentifier.of("shop", "eu", name));
      assertThat(loaded.schema().asStruct()).isEqualTo(expected.asStruct());
      PartitionSpec spec = PartitionSpec.builderFor(loaded.schema()).identity("category").day("ts").month("d")
          .hour("tstz").bucket("id", 8).truncate("name", 4).build();
      assertThat(loaded.spec().fields()).isEqualTo(spec.fields());
      assertThat(loaded.properties()).containsEntry("owner", "tables-test");
      assertThat(loaded.location()).isEqualTo(created.path("location"));
      // the answer's field ids are the table's
      List<Map<String, Object>> answered = created.path("columns");
      for (Map<String, Object> column : answered) {
        Types.NestedField field = loaded.schema().findField((Integer) column.get("id"));
        assertThat(field.name()).isEqualTo(column.get("name"));
        assertThat(ColumnTypes.format(field.type())).isEqualTo(column.get("type"));
      }
      assertThat(created.<Integer>path("columns[18].fields[0].fields[1].id"))
          .isEqualTo(loaded.schema().findField("items.element.b").fieldId());
    }
    given().get(tables() + "/shop.eu/" + name).then().statusCode(200)
        .body("columns", equalTo(created.path("columns"))).body("tableUuid", equalTo(created.path("tableUuid")));
  }

  @SafeVarargs
  private static <T> List<T> concat(List<T>... lists) {
    List<T> all = new ArrayList<>();
    for (List<T> list : lists) {
      all.addAll(list);
    }
    return all;
  }

  @Test
  void aBadTypeOrPartitionTermIsA400ThatNamesTheColumn() throws Exception {
    String name = unique("bad");
    create(table("shop", name, List.of(column("id", "long", false), column("price", "decimal(40, 2)", true)), null))
        .then().statusCode(400).contentType("application/problem+json")
        .body("detail", allOf(containsString("'price'"), containsString("precision")));
    create(table("shop", name, List.of(column("label", "strng", true)), null))
        .then().statusCode(400).body("detail", allOf(containsString("'label'"), containsString("unknown type 'strng'")));
    create(table("shop", name, List.of(column("point", "struct<x: double, y>", true)), null))
        .then().statusCode(400).body("detail", containsString("'point'"));
    create(table("shop", name, List.of(column("m", "map<string>", true)), null))
        .then().statusCode(400).body("detail", containsString("'m'"));
    create(table("shop", name, List.of(column("id", "long", true), column("ID", "int", true)), null))
        .then().statusCode(400).body("detail", containsString("appears twice"));
    create(table("shop", name, List.of(), null)).then().statusCode(400).body("detail", containsString("column"));
    create(table("shop", name, List.of(column("id", "long", true)), List.of("day(nope)")))
        .then().statusCode(400).body("detail", allOf(containsString("day(nope)"), containsString("nope")));
    create(table("shop", name, List.of(column("label", "string", true)), List.of("day(label)")))
        .then().statusCode(400).body("detail", containsString("day(label)"));
    create(table("shop", name, List.of(column("id", "long", true)), List.of("bucket(id)")))
        .then().statusCode(400).body("detail", containsString("bucket"));
    create(table("", name, List.of(column("id", "long", true)), null)).then().statusCode(400);
    // nothing was created by the refusals
    given().get(tables() + "/shop/" + name).then().statusCode(404);
  }

  // ---- idempotency, conflicts ------------------------------------------------------------------

  @Test
  void aRepeatedCreateWithItsKeyReplaysThe201AndAnotherKeyGetsA409() throws Exception {
    Map<String, Object> body = table("keys", unique("once"), List.of(column("id", "long", false)), List.of());
    String key = UUID.randomUUID().toString();

    Response first = given().header("Idempotency-Key", key).contentType(ContentType.JSON).body(body).post(tables());
    Response again = given().header("Idempotency-Key", key).contentType(ContentType.JSON).body(body).post(tables());
    Response alias = given().header("X-Idempotency-Key", key).contentType(ContentType.JSON).body(body).post(tables());

    first.then().statusCode(201);
    again.then().statusCode(201).header("Idempotent-Replayed", "true").header("Location", first.header("Location"));
    assertThat(again.<String>path("tableUuid")).isEqualTo(first.path("tableUuid"));
    alias.then().statusCode(201).header("Idempotent-Replayed", "true");
    given().header("Idempotency-Key", UUID.randomUUID().toString()).contentType(ContentType.JSON).body(body)
        .post(tables()).then().statusCode(409).contentType("application/problem+json")
        .body("detail", containsString("already exists"));
    create(body).then().statusCode(409);
    Map<String, Object> other = new HashMap<>(body);
    other.put("name", unique("other"));
    given().header("Idempotency-Key", key).contentType(ContentType.JSON).body(other).post(tables())
        .then().statusCode(422);
  }

  // ---- schema evolution ------------------------------------------------------------------------

  @Test
  void evolvedSchemaIsTheSchemaIcebergsClientLoadsWithItsFieldIdsKept() throws Exception {
    String name = unique("evolve");
    Response created = create(table("evo", name, List.of(column("id", "int", false), column("name", "string", true),
        column("price", "float", true), column("legacy", "string", true), column("code", "string", false)), null));
    created.then().statusCode(201).body("schemaId", equalTo(0));
    String path = tables() + "/evo/" + name;

    Response evolved = given().contentType(ContentType.JSON).body(Map.of("expectedSchemaId", 0, "changes", List.of(
            Map.of("action", "add", "name", "region", "type", "string", "nullable", true, "after", "id"),
            Map.of("action", "rename", "name", "name", "newName", "full_name"),
            Map.of("action", "drop", "name", "legacy"),
            Map.of("action", "widen", "name", "id", "type", "long"),
            Map.of("action", "widen", "name", "price", "type", "double"),
            Map.of("action", "makeOptional", "name", "code"))))
        .post(path + "/schema");

    evolved.then().statusCode(200).body("schemaId", equalTo(1))
        .body("columns.name", equalTo(List.of("id", "region", "full_name", "price", "code")))
        .body("columns.type", equalTo(List.of("long", "string", "string", "double", "string")))
        .body("columns.nullable", equalTo(List.of(false, true, true, true, true)))
        .body("columns[0].id", equalTo(1)).body("columns[2].id", equalTo(2)).body("columns[1].id", equalTo(6));
    try (RESTCatalog client = IcebergClients.connect(catalog, database())) {
      Table loaded = client.loadTable(TableIdentifier.of("evo", name));
      assertThat(loaded.schema().schemaId()).isEqualTo(1);
      assertThat(loaded.schema().asStruct()).isEqualTo(Types.StructType.of(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(6, "region", Types.StringType.get()),
          Types.NestedField.optional(2, "full_name", Types.StringType.get()),
          Types.NestedField.optional(3, "price", Types.DoubleType.get()),
          Types.NestedField.optional(5, "code", Types.StringType.get())));
      assertThat(loaded.schemas()).hasSize(2);
    }
    given().get(path).then().statusCode(200).body("schemaId", equalTo(1));
  }

  @Test
  void aSchemaChangedUnderneathIsA409AndConcurrentChangesNeverMerge() throws Exception {
    String name = unique("race");
    create(table("evo", name, List.of(column("id", "long", false)), null)).then().statusCode(201);
    String path = tables() + "/evo/" + name + "/schema";
    // another writer (Iceberg's own client) changes the schema after this one read it
    try (RESTCatalog client = IcebergClients.connect(catalog, database())) {
      client.loadTable(TableIdentifier.of("evo", name)).updateSchema()
          .addColumn("by_engine", Types.StringType.get()).commit();
    }
    given().contentType(ContentType.JSON).body(Map.of("expectedSchemaId", 0,
            "changes", List.of(Map.of("action", "add", "name", "late", "type", "string"))))
        .post(path).then().statusCode(409).contentType("application/problem+json")
        .body("detail", containsString("schema 1"));

    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CyclicBarrier start = new CyclicBarrier(4);
      List<CompletableFuture<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String column = "c" + i;
        answers.add(CompletableFuture.supplyAsync(() -> {
          try {
            start.await();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          return given().contentType(ContentType.JSON)
              .body(Map.of("changes", List.of(Map.of("action", "add", "name", column, "type", "int"))))
              .post(path).statusCode();
        }, pool));
      }
      List<String> added = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        int status = answers.get(i).get();
        assertThat(status).as("change %d", i).isIn(200, 409);
        if (status == 200) {
          added.add("c" + i);
        }
      }
      assertThat(added).isNotEmpty();
      List<String> columns = given().get(tables() + "/evo/" + name).then().statusCode(200).extract().path("columns.name");
      assertThat(columns.subList(2, columns.size())).containsExactlyInAnyOrderElementsOf(added);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anInvalidChangeIsA400AndChangesNothing() throws Exception {
    String name = unique("invalid");
    create(table("evo", name, List.of(column("id", "long", false), column("label", "string", true),
        column("ts", "timestamptz", true)), List.of("day(ts)"))).then().statusCode(201);
    String path = tables() + "/evo/" + name;

    given().contentType(ContentType.JSON)
        .body(Map.of("changes", List.of(Map.of("action", "widen", "name", "label", "type", "int"))))
        .post(path + "/schema").then().statusCode(400).contentType("application/problem+json")
        .body("detail", allOf(containsString("label"), containsString("string cannot become int")));
    given().contentType(ContentType.JSON)
        .body(Map.of("changes", List.of(Map.of("action", "drop", "name", "ts"))))
        .post(path + "/schema").then().statusCode(400).body("detail", allOf(containsString("ts_day"),
            containsString("partitioning")));
    given().contentType(ContentType.JSON)
        .body(Map.of("changes", List.of(Map.of("action", "add", "name", "x", "type", "int"),
            Map.of("action", "rename", "name", "missing", "newName", "y"))))
        .post(path + "/schema").then().statusCode(400).body("detail", allOf(containsString("Change 2"),
            containsString("missing")));
    given().contentType(ContentType.JSON)
        .body(Map.of("changes", List.of(Map.of("action", "add", "name", "req", "type", "int", "nullable", false))))
        .post(path + "/schema").then().statusCode(400).body("detail", containsString("req"));
    given().contentType(ContentType.JSON)
        .body(Map.of("changes", List.of(Map.of("action", "explode", "name", "id"))))
        .post(path + "/schema").then().statusCode(400).body("detail", containsString("action"));

    given().get(path).then().statusCode(200).body("schemaId", equalTo(0))
        .body("columns.name", equalTo(List.of("id", "label", "ts")));
  }

  // ---- snapshots -------------------------------------------------------------------------------

  @Test
  void aTaggedSnapshotIsARefIcebergsClientSees() throws Exception {
    String name = unique("tagged");
    create(table("snap", name, List.of(column("id", "long", false)), null)).then().statusCode(201);
    String path = tables() + "/snap/" + name;
    given().contentType(ContentType.JSON).body(Map.of("name", "too-early")).post(path + "/snapshots")
        .then().statusCode(400).body("detail", containsString("no snapshot"));
    long snapshotId;
    try (RESTCatalog client = IcebergClients.connect(catalog, database())) {
      Table table = client.loadTable(TableIdentifier.of("snap", name));
      table.newAppend().appendFile(dataFile(table, "part-0.parquet", 3)).commit();
      snapshotId = table.currentSnapshot().snapshotId();
    }

    given().contentType(ContentType.JSON).body(Map.of("name", "end-of-q3", "maxAgeDays", 7)).post(path + "/snapshots")
        .then().statusCode(201).body("name", equalTo("end-of-q3")).body("snapshotId", equalTo(snapshotId))
        .body("maxRefAgeMs", equalTo((int) Duration.ofDays(7).toMillis()));

    try (RESTCatalog client = IcebergClients.connect(catalog, database())) {
      SnapshotRef ref = client.loadTable(TableIdentifier.of("snap", name)).refs().get("end-of-q3");
      assertThat(ref).isNotNull();
      assertThat(ref.isTag()).isTrue();
      assertThat(ref.snapshotId()).isEqualTo(snapshotId);
      assertThat(ref.maxRefAgeMs()).isEqualTo(Duration.ofDays(7).toMillis());
    }
    given().get(path + "/snapshots").then().statusCode(200).body("currentSnapshotId", equalTo(snapshotId))
        .body("snapshots.size()", equalTo(1)).body("snapshots[0].snapshotId", equalTo(snapshotId))
        .body("snapshots[0].operation", equalTo("append"))
        .body("snapshots[0].summary.'total-records'", equalTo("3"))
        .body("snapshots[0].tags", equalTo(List.of("end-of-q3"))).body("snapshots[0].branches", equalTo(List.of("main")));
    given().get(path).then().statusCode(200).body("currentSnapshotId", equalTo(snapshotId)).body("rowCount", equalTo(3));
    given().contentType(ContentType.JSON).body(Map.of("name", "end-of-q3")).post(path + "/snapshots")
        .then().statusCode(409).body("detail", containsString("end-of-q3"));
    given().contentType(ContentType.JSON).body(Map.of("name", "main")).post(path + "/snapshots")
        .then().statusCode(409).body("detail", containsString("branch"));
    given().contentType(ContentType.JSON).body(Map.of("name", "nowhere", "snapshotId", 42)).post(path + "/snapshots")
        .then().statusCode(400).body("detail", containsString("no snapshot 42"));
  }

  private static DataFile dataFile(Table table, String fileName, long records) {
    String path = table.location() + "/data/" + fileName;
    try (PositionOutputStream out = table.io().newOutputFile(path).create()) {
      out.write(new byte[64]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return DataFiles.builder(PartitionSpec.unpartitioned()).withPath(path).withFileSizeInBytes(64)
        .withRecordCount(records).withFormat(FileFormat.PARQUET).build();
  }

  // ---- lists -----------------------------------------------------------------------------------

  @Test
  void theListPagesThroughEveryNamespacesTablesByNamespaceThenName() throws Exception {
    Warehouse own = Warehouses.local("listing");
    String base = "/api/v1/ailake/database/instances/" + own.name + "/tables";
    for (String[] table : List.of(new String[] {"b", "t2"}, new String[] {"a", "t3"}, new String[] {"b", "t1"},
        new String[] {"a.x", "t0"}, new String[] {"a", "t1"})) {
      given().contentType(ContentType.JSON).body(table(table[0], table[1], List.of(column("id", "long", true)), null))
          .post(base).then().statusCode(201);
    }

    given().get(base + "?size=2&metaInclude=page").then().statusCode(200)
        .body("tables.namespace", equalTo(List.of("a", "a"))).body("tables.name", equalTo(List.of("t1", "t3")))
        .body("data.id", equalTo(List.of("a.t1", "a.t3"))).body("data[0].type", equalTo("table"))
        .body("totalCount", equalTo(5)).body("meta.page.totalPages", equalTo(3));
    given().get(base + "?size=2&offset=2").then().statusCode(200)
        .body("tables.namespace", equalTo(List.of("a.x", "b"))).body("tables.name", equalTo(List.of("t0", "t1")));
    given().get(base + "?size=2&page=2").then().statusCode(200).body("tables.name", equalTo(List.of("t2")))
        .body("meta.page.number", equalTo(2));
    given().get(base + "?namespace=b").then().statusCode(200).body("tables.name", equalTo(List.of("t1", "t2")));
    given().get(base + "?namespace=nope").then().statusCode(404).body("detail", containsString("nope"));
    given().get(base + "?size=0").then().statusCode(400);
  }

  // ---- not found, other organizations, roles ---------------------------------------------------

  @Test
  void whatDoesNotExistIsA404InProblemJson() throws Exception {
    String name = unique("present");
    create(table("nf", name, List.of(column("id", "long", true)), null)).then().statusCode(201);
    for (String path : List.of(tables() + "/nf/missing", tables() + "/nf/missing/snapshots",
        tables() + "/gone/" + name, "/api/v1/ailake/database/instances/no_such_db/tables/nf/" + name)) {
      given().get(path).then().statusCode(404).contentType("application/problem+json");
    }
    given().delete(tables() + "/nf/missing").then().statusCode(404).contentType("application/problem+json")
        .body("detail", containsString("nf.missing"));
    given().contentType(ContentType.JSON).body(Map.of("changes", List.of(Map.of("action", "drop", "name", "id"))))
        .post(tables() + "/nf/missing/schema").then().statusCode(404);
    given().contentType(ContentType.JSON).body(Map.of("name", "x")).post(tables() + "/nf/missing/snapshots")
        .then().statusCode(404);
    given().get("/api/v1/ailake/database/instances/no_such_db/tables").then().statusCode(404);
  }

  @Test
  void anotherOrganizationFindsNoneOfTheTablesAndAReadTokenOnlyReads() throws Exception {
    String name = unique("mine");
    create(table("own", name, List.of(column("id", "long", true)), null)).then().statusCode(201);
    String path = tables() + "/own/" + name;
    String foreign = TestTokens.bearer(token(newOrganization(), "admin"));

    given().header("Authorization", foreign).get(tables()).then().statusCode(404);
    given().header("Authorization", foreign).get(path).then().statusCode(404);
    given().header("Authorization", foreign).get(path + "/snapshots").then().statusCode(404);
    given().header("Authorization", foreign).delete(path).then().statusCode(404);
    given().header("Authorization", foreign).contentType(ContentType.JSON)
        .body(Map.of("changes", List.of(Map.of("action", "drop", "name", "id")))).post(path + "/schema")
        .then().statusCode(404);
    given().header("Authorization", foreign).contentType(ContentType.JSON)
        .body(table("own", name, List.of(column("id", "long", true)), null)).post(tables()).then().statusCode(404);
    given().get(path).then().statusCode(200).body("columns.name", equalTo(List.of("id")));

    String reader = TestTokens.bearer(token(io.ailake.organization.Organizations.DEFAULT_ID.toString(), "read"));
    given().header("Authorization", reader).get(path).then().statusCode(200);
    given().header("Authorization", reader).get(tables()).then().statusCode(200);
    given().header("Authorization", reader).delete(path).then().statusCode(403);
    given().header("Authorization", reader).contentType(ContentType.JSON)
        .body(table("own", unique("no"), List.of(column("id", "long", true)), null)).post(tables())
        .then().statusCode(403);
    String manager = TestTokens.bearer(token(io.ailake.organization.Organizations.DEFAULT_ID.toString(), "manage"));
    given().header("Authorization", manager).contentType(ContentType.JSON)
        .body(table("own", unique("managed"), List.of(column("id", "long", true)), null)).post(tables())
        .then().statusCode(201);
  }

  @Test
  void everyCallIsAuditedOnceWithTheStatusItAnswered() throws Exception {
    Response issued = given().header("Authorization", TestTokens.bearer(TestTokens.serverAdmin()))
        .contentType(ContentType.JSON).body(Map.of("name", unique("audited"), "role", "manage"))
        .post("/api/v1/admin/organizations/" + io.ailake.organization.Organizations.DEFAULT_ID + "/tokens");
    String manager = TestTokens.bearer(issued.path("token"));
    String namespace = unique("audit_ns");
    String name = unique("audited");

    given().header("Authorization", manager).contentType(ContentType.JSON)
        .body(table(namespace, name, List.of(column("id", "int", true)), null)).post(tables()).then().statusCode(201);
    given().header("Authorization", manager).header("Idempotency-Key", UUID.randomUUID().toString())
        .contentType(ContentType.JSON).body(table(namespace + ".inner", name, List.of(column("id", "int", true)), null))
        .post(tables()).then().statusCode(201);
    given().header("Authorization", manager).contentType(ContentType.JSON)
        .body(Map.of("changes", List.of(Map.of("action", "widen", "name", "id", "type", "long"))))
        .post(tables() + "/" + namespace + "/" + name + "/schema").then().statusCode(200);
    given().header("Authorization", manager).header("Idempotency-Key", UUID.randomUUID().toString())
        .delete(tables() + "/" + namespace + "/" + name).then().statusCode(204);
    given().header("Authorization", manager).delete(tables() + "/" + namespace + "/" + name).then().statusCode(404);

    given().get("/api/v1/admin/audit?actor=" + issued.path("id")).then().statusCode(200)
        .body("events.status", equalTo(List.of(404, 204, 200, 201, 201)))
        .body("events.method", equalTo(List.of("DELETE", "DELETE", "POST", "POST", "POST")));
  }

  /** A new organization, made by the server admin; its id. */
  private static String newOrganization() {
    return given().header("Authorization", TestTokens.bearer(TestTokens.serverAdmin())).contentType(ContentType.JSON)
        .body(Map.of("name", unique("org"))).post("/api/v1/admin/organizations")
        .then().statusCode(201).extract().path("id");
  }

  /** A new token of the organization with the role; its secret. */
  private static String token(String organizationId, String role) {
    return given().header("Authorization", TestTokens.bearer(TestTokens.serverAdmin())).contentType(ContentType.JSON)
        .body(Map.of("name", unique(role), "role", role))
        .post("/api/v1/admin/organizations/" + organizationId + "/tokens")
        .then().statusCode(201).extract().path("token");
  }

  // ---- drop ------------------------------------------------------------------------------------

  @Test
  void aDropWithPurgeRemovesTheTableAndDeletesItsFiles() throws Exception {
    String name = unique("purged");
    create(table("drop", name, List.of(column("id", "long", true)), null)).then().statusCode(201);
    String dataFile;
    String metadata;
    try (RESTCatalog client = IcebergClients.connect(catalog, database())) {
      Table table = client.loadTable(TableIdentifier.of("drop", name));
      DataFile file = dataFile(table, "part-0.parquet", 1);
      table.newAppend().appendFile(file).commit();
      dataFile = file.location();
      metadata = ((org.apache.iceberg.HasTableOperations) table).operations().current().metadataFileLocation();
    }
    var io = fileIOs.forStorage(database().storage());
    assertThat(io.newInputFile(dataFile).exists()).isTrue();

    given().delete(tables() + "/drop/" + name + "?purge=yes").then().statusCode(400);
    given().delete(tables() + "/drop/" + name + "?purge=true").then().statusCode(204);

    given().get(tables() + "/drop/" + name).then().statusCode(404);
    try (RESTCatalog client = IcebergClients.connect(catalog, database())) {
      assertThat(client.tableExists(TableIdentifier.of("drop", name))).isFalse();
    }
    Eventually.within(Duration.ofSeconds(30), () -> {
      assertThat(io.newInputFile(dataFile).exists()).as(dataFile).isFalse();
      assertThat(io.newInputFile(metadata).exists()).as(metadata).isFalse();
    });
    given().delete(tables() + "/drop/" + name).then().statusCode(404);
  }

  @Test
  void aDropWithoutPurgeKeepsTheFiles() throws Exception {
    String name = unique("kept");
    create(table("drop", name, List.of(column("id", "long", true)), null)).then().statusCode(201);
    String metadata;
    try (RESTCatalog client = IcebergClients.connect(catalog, database())) {
      metadata = ((org.apache.iceberg.HasTableOperations) client.loadTable(TableIdentifier.of("drop", name)))
          .operations().current().metadataFileLocation();
    }
    String key = UUID.randomUUID().toString();
    given().header("Idempotency-Key", key).delete(tables() + "/drop/" + name).then().statusCode(204);
    given().header("Idempotency-Key", key).delete(tables() + "/drop/" + name).then().statusCode(204)
        .header("Idempotent-Replayed", "true");
    given().get(tables() + "/drop/" + name).then().statusCode(404);
    assertThat(fileIOs.forStorage(database().storage()).newInputFile(metadata).exists()).as(metadata).isTrue();
  }
}
