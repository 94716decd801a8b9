package io.ailake.lake;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ailake.storage.FileIOs;
import io.ailake.storage.ObjectStorage;
import io.ailake.storage.ObjectStorageRequest;
import io.ailake.storage.ObjectStorageService;
import io.ailake.testing.Eventually;
import io.ailake.testing.S3ProxyResource;
import io.ailake.testing.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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

/**
 * The AI Lake lists and single GETs answer in one form that both of GoodData's generated Python clients
 * read: the current one ("V3", JSON:API envelopes, page/size) and the V2-era one (flat fields,
 * size/offset). Each client is generated from a transcription of GoodData's document
 * (src/test/resources/gooddata/ailake-v2.yaml, ailake-v3.yaml) with openapi-generator 6.6.0's python-prior
 * generator, the one GoodData's clients come from (6.0.1's "python"), and calls this server.
 */
@QuarkusTest
class GoodDataClientsTest {

  static final String DATABASES = "/api/v1/ailake/database/instances";
  static final Path CLIENTS = Path.of("target", "gooddata-clients");
  static final Path GENERATOR = Path.of("target", "openapi-generator", "openapi-generator-cli.jar");
  static final Path CHECKS = Path.of("src", "test", "resources", "gooddata", "check_clients.py");
  static final Schema ROWS = new Schema(
      Types.NestedField.optional(1, "id", Types.LongType.get()),
      Types.NestedField.optional(2, "customer", Types.StringType.get()),
      Types.NestedField.optional(3, "amount", Types.DoubleType.get()));
  static final ObjectMapper JSON = new ObjectMapper();

  /** The organization every check reads: made once, so both clients see the same lists. */
  private static Fixture fixture;

  @TestHTTPResource("/")
  URL root;

  @Inject ObjectStorageService storageService;
  @Inject FileIOs fileIOs;

  record Fixture(String token, Map<String, Object> facts) {}

  @Test
  void bothGeneratedPythonClientsReadEveryListAndSingleGet() throws Exception {
    Fixture organization = fixture();
    Files.createDirectories(CLIENTS);
    Path facts = CLIENTS.resolve("facts.json");
    Map<String, Object> all = new LinkedHashMap<>(organization.facts());
    all.put("host", root.toString().replaceAll("/$", ""));
    all.put("authorization", TestTokens.bearer(organization.token()));
    JSON.writeValue(facts.toFile(), all);

    // every check makes one call: 10 (V2) or 13 (V3) shape-specific ones, plus service status and operation
    Map<String, Integer> checks = Map.of("v2", 12, "v3", 15);
    Map<String, JsonNode> reports = new LinkedHashMap<>();
    for (String shape : checks.keySet().stream().sorted().toList()) {
      reports.put(shape, run(shape, generate(shape), facts));
    }
    for (String shape : reports.keySet()) {
      JsonNode report = reports.get(shape);
      System.out.printf("GoodData %s client: %d calls, %d checks passed, %d failed%n", shape,
          report.get("calls").asInt(), report.get("passed").asInt(), report.get("failed").asInt());
    }
    reports.forEach((shape, report) -> {
      assertThat(report.get("failures").toString()).as(shape + " client's failed checks").isEqualTo("[]");
      assertThat(report.get("passed").asInt()).as(shape + " checks passed").isEqualTo(checks.get(shape));
      assertThat(report.get("calls").asInt()).as(shape + " calls made").isEqualTo(checks.get(shape));
    });
  }

  @Test
  void everyListPagesByPageOrOffsetAndRefusesWhatItCannotHonour() {
    Fixture organization = fixture();
    String database = (String) organization.facts().get("database");
    List<String> lists = List.of(DATABASES, DATABASES + "/" + database + "/dataSources",
        DATABASES + "/" + database + "/pipeTables", "/api/v1/ailake/objectStorages", "/api/v1/ailake/services");
    for (String list : lists) {
      RequestSpecification as = given().header("Authorization", TestTokens.bearer(organization.token()));
      String second = as.get(list + "?page=1&size=1").then().statusCode(200)
          .body("meta.page.number", equalTo(1)).body("meta.page.size", equalTo(1))
          .body("meta.page", not(org.hamcrest.Matchers.hasKey("totalElements")))
          .body("totalCount", nullValue())
          .extract().path("data[0].id");
      given().header("Authorization", TestTokens.bearer(organization.token())).get(list + "?offset=1&size=1")
          .then().statusCode(200).body("data[0].id", equalTo(second)).body("meta.page.number", equalTo(1));
      given().header("Authorization", TestTokens.bearer(organization.token())).get(list + "?page=99&metaInclude=page")
          .then().statusCode(200).body("data.size()", equalTo(0)).body("meta.page.number", equalTo(99))
          .body("meta.page.totalPages", equalTo(1));
      given().header("Authorization", TestTokens.bearer(organization.token())).get(list + "?metaInclude=ALL")
          .then().statusCode(200).body("meta.page.totalPages", equalTo(1));
      Map<String, String> refused = Map.of(
          "page=1&offset=1", "page and offset", "size=501", "size must be between 1 and 500",
          "page=-1", "page must be", "page=x", "page must be an integer", "metaInclude=totals", "metaInclude");
      refused.forEach((query, detail) ->
          given().header("Authorization", TestTokens.bearer(organization.token())).get(list + "?" + query)
              .then().statusCode(400).contentType("application/problem+json")
              .body("detail", containsString(detail)));
    }
    String operations = "/api/v1/ailake/operations";
    String secondOperation = given().header("Authorization", TestTokens.bearer(organization.token()))
        .get(operations + "?offset=1&size=1").then().statusCode(200).extract().path("operations[0].id");
    given().header("Authorization", TestTokens.bearer(organization.token())).get(operations + "?page=1&size=1")
        .then().statusCode(200).body("operations.id", equalTo(List.of(secondOperation)));
    given().get(operations + "?page=0&offset=0").then().statusCode(400)
        .contentType("application/problem+json").body("detail", containsString("page and offset"));
  }

  private Path generate(String shape) throws IOException, InterruptedException {
    assertThat(GENERATOR).as("copied by maven-dependency-plugin (pom.xml)").exists();
    Path output = CLIENTS.resolve(shape);
    Path log = CLIENTS.resolve(shape + "-generate.log");
    Process generator = new ProcessBuilder("java", "-jar", GENERATOR.toString(), "generate",
        "-g", "python-prior", "-i", Path.of("src", "test", "resources", "gooddata", "ailake-" + shape + ".yaml").toString(),
        "-o", output.toString(), "--package-name", "gd_" + shape,
        "--global-property", "apiTests=false,modelTests=false,apiDocs=false,modelDocs=false")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(generator.waitFor(3, TimeUnit.MINUTES)).as("generator finished").isTrue();
    assertThat(generator.exitValue()).as("generator exit code; see " + log).isZero();
    return output;
  }

  private static JsonNode run(String shape, Path client, Path facts) throws IOException, InterruptedException {
    Path log = CLIENTS.resolve(shape + "-checks.log");
    Process python = new ProcessBuilder("python3", CHECKS.toString(), shape, client.toString(), facts.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(python.waitFor(3, TimeUnit.MINUTES)).as("checks finished").isTrue();
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    assertThat(python.exitValue()).as("python exit code: " + String.join("\n", lines)).isZero();
    return JSON.readTree(lines.get(lines.size() - 1));
  }

  /**
   * A new organization with two storages, three databases (the last with a second data source and two pipe
   * tables: one with a primary key, one partitioned and hash-distributed).
   */
  private synchronized Fixture fixture() {
    if (fixture != null) {
      return fixture;
    }
    String admin = TestTokens.bearer(TestTokens.serverAdmin());
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String organizationId = given().header("Authorization", admin).contentType(ContentType.JSON)
        .body(Map.of("name", "gooddata_" + suffix)).post("/api/v1/admin/organizations")
        .then().statusCode(201).extract().path("id");
    String token = given().header("Authorization", admin).contentType(ContentType.JSON)
        .body(Map.of("name", "client", "role", "admin"))
        .post("/api/v1/admin/organizations/" + organizationId + "/tokens").then().statusCode(201).extract().path("token");

    List<ObjectStorage> storages = new ArrayList<>();
    for (String name : List.of("gd-landing-" + suffix, "gd-lake-" + suffix)) {
      storages.add(storageService.create(UUID.fromString(organizationId), new ObjectStorageRequest(
          name, "S3", S3ProxyResource.BUCKET, name, null, S3ProxyResource.endpoint(), S3ProxyResource.REGION,
          true, S3ProxyResource.ACCESS_KEY, S3ProxyResource.SECRET_KEY)));
    }
    ObjectStorage landing = storages.get(0);
    ObjectStorage lake = storages.get(1);

    List<String> databases = List.of("gd_a_" + suffix, "gd_b_" + suffix, "gd_c_" + suffix);
    Map<String, String> databaseIds = new LinkedHashMap<>();
    for (String name : databases) {
      awaitSucceeded(token, given().header("Authorization", TestTokens.bearer(token)).contentType(ContentType.JSON)
          .body(Map.of("name", name, "storageIds", List.of(lake.id.toString()))).post(DATABASES)
          .then().statusCode(202).extract().header("operation-id"));
      databaseIds.put(name, given().header("Authorization", TestTokens.bearer(token)).get(DATABASES + "/" + name)
          .then().statusCode(200).extract().path("id"));
    }
    String database = databases.get(2);
    String extraSource = "gd-bi-" + suffix;
    given().header("Authorization", TestTokens.bearer(token)).contentType(ContentType.JSON)
        .body(Map.of("dataSourceId", extraSource)).post(DATABASES + "/" + database + "/dataSources")
        .then().statusCode(200);

    FileIO files = fileIOs.forStorage(landing.storage());
    writeParquet(files, landing.root + "/orders/year=2024/part-0.parquet");
    writeParquet(files, landing.root + "/refunds/year=2024/part-0.parquet");
    String operationId = null;
    for (Map<String, Object> table : List.of(
        Map.<String, Object>of("tableName", "orders", "sourceStorageName", landing.name, "pathPrefix", "orders/",
            "keyConfig", Map.of("type", "primary", "columns", List.of("id"))),
        Map.<String, Object>of("tableName", "refunds", "sourceStorageName", landing.name, "pathPrefix", "refunds/",
            "partitionConfig", Map.of("type", "column", "columns", List.of("year")),
            "distributionConfig", Map.of("type", "hash", "buckets", 2, "columns", List.of("id"))))) {
      operationId = given().header("Authorization", TestTokens.bearer(token)).contentType(ContentType.JSON)
          .body(table).post(DATABASES + "/" + database + "/pipeTables")
          .then().statusCode(202).extract().header("operation-id");
      awaitSucceeded(token, operationId);
    }

    List<Map<String, String>> services = given().get("/api/v1/ailake/services").then().statusCode(200)
        .extract().path("services");
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("databases", databases);
    facts.put("databaseIds", databaseIds);
    facts.put("database", database);
    facts.put("dataSources", List.of(database, extraSource));
    facts.put("storages", List.of(lake.name, landing.name));
    facts.put("storageIds", List.of(lake.id.toString()));
    facts.put("bucket", S3ProxyResource.BUCKET);
    facts.put("pipeTables", List.of("orders", "refunds"));
    facts.put("services", services.stream().map(s -> s.get("name")).toList());
    facts.put("serviceIds", services.stream().map(s -> s.get("serviceId")).toList());
    facts.put("operationId", operationId);
    fixture = new Fixture(token, facts);
    return fixture;
  }

  private static void awaitSucceeded(String token, String operationId) {
    Eventually.within(Duration.ofSeconds(60), () -> assertThat(given().header("Authorization", TestTokens.bearer(token))
        .get("/api/v1/ailake/operations/" + operationId).jsonPath().getString("status")).isEqualTo("succeeded"));
  }

  private static void writeParquet(FileIO io, String location) {
    try (FileAppender<Record> out = Parquet.write(io.newOutputFile(location))
        .schema(ROWS).createWriterFunc(GenericParquetWriter::create).overwrite().build()) {
      for (long id = 1; id <= 3; id++) {
        Record row = GenericRecord.create(ROWS);
        row.setField("id", id);
        row.setField("customer", "customer-" + id);
        row.setField("amount", id + 0.5);
        out.add(row);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
