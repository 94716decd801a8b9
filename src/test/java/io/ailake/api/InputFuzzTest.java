package io.ailake.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.ailake.storage.ObjectStorage;
import io.ailake.testing.ObjectStorages;
import io.ailake.testing.RawHttp;
import io.ailake.testing.Operations;
import io.ailake.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Bad input never gets a 5xx: every route of the served OpenAPI document, with valid tokens and
 * mutated path segments, query parameters, headers, bodies and media types. Seeded, so a failure
 * repeats: {@code -Dfuzz.seed=N} explores other inputs, {@code -Dfuzz.requests-per-route=N}
 * goes deeper. Refusals must also be in the route family's error format.
 */
@QuarkusTest
class InputFuzzTest {

  private static final Logger LOG = Logger.getLogger(InputFuzzTest.class);
  private static final long SEED = Long.getLong("fuzz.seed", 23_2026L);
  private static final int REQUESTS_PER_ROUTE = Integer.getInteger("fuzz.requests-per-route", 45);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String SCHEMA =
      "{\"type\":\"struct\",\"schema-id\":0,\"fields\":[{\"id\":1,\"name\":\"id\",\"required\":false,\"type\":\"int\"}]}";

  /** Strings a field, segment or parameter should refuse or survive; NUL and surrogates come as escapes too. */
  private static final List<String> BAD_STRINGS =
      List.of("", " ", ".", "..", "../x", "a/b", "/", "a\u0000b", "\u0000", "x".repeat(10_000),
          "é".repeat(300), "\u001f", "a\u001fb", "\t\n", "%00", "%", "null", "-1", "😀", "a b",
          "\\", "\"", "'; drop table x; --", "${jndi:x}", "*", "?", "#", "a;b", "\u202e", "\ufeff");

  /** JSON string contents written as escapes: what a parser turns into NUL or an unpaired surrogate. */
  private static final List<String> BAD_ESCAPES =
      List.of("\\u0000", "a\\u0000b", "\\ud800", "x\\udc00", "\\ud800\\ud800", "\\udfff\\ud800", "\\u001f\\u0000");

  private static final List<String> WRONG_TYPES =
      List.of("5", "-1", "0", "1.5e308", "1e400", "99999999999999999999999", "true", "false", "null", "[]", "{}",
          "[\"a\", 1]", "{\"a\": 1}", "\"\"", "[[[]]]", "-0.0");

  private static final List<String> CONTENT_TYPES =
      List.of("text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
          "application/json; charset=ISO-8859-1", "application/json; charset=nonsense", "*/*", "application/octet-stream",
          "application/problem+json", "application/json;;", "json", "");

  private static final List<String> ODD_QUERY_NAMES =
      List.of("pageToken", "pageSize", "size", "offset", "metaInclude", "parent", "warehouse", "snapshots",
          "purgeRequested", "x", "", "a\u0000b");

  private static final List<String> HEADERS =
      List.of("operation-id", "Idempotency-Key", "X-Request-ID", "If-None-Match", "Accept", "Authorization");

  private final List<String> failures = new ArrayList<>();
  private Fixture fixture;
  private int sent;

  @Test
  void noRouteAnswersBadInputWithA5xxAndEveryRefusalIsInItsFamilysFormat() throws Exception {
    LOG.infof("InputFuzzTest seed %d (-Dfuzz.seed), %d requests per route", SEED, REQUESTS_PER_ROUTE);
    Random random = new Random(SEED);
    fixture = Fixture.create();
    List<Route> routes = Route.all(given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
        .extract().asString());
    assertThat(routes).hasSizeGreaterThanOrEqualTo(60);

    for (Route route : routes) {
      for (int i = 0; i < REQUESTS_PER_ROUTE; i++) {
        Call call = mutate(route, random, i == 0);
        int status = send(call);
        if (route.destructive() && status >= 200 && status < 300) {
          fixture.restore();
        }
      }
    }
    races(routes, random);

    LOG.infof("InputFuzzTest sent %d requests over %d routes, %d failures", sent, routes.size(), failures.size());
    assertThat(failures).as("seed %d: %d failures%n%s", SEED, failures.size(), String.join("\n", failures)).isEmpty();
  }

  // ---- mutations -------------------------------------------------------------------------------

  private Call mutate(Route route, Random random, boolean valid) {
    Call call = route.baseline(fixture);
    if (valid) {
      return call;
    }
    int kind = random.nextInt(10);
    if (kind <= 1 && !route.pathParams.isEmpty()) {
      String name = pick(random, route.pathParams);
      call.path.put(name, pathSegment(random));
    } else if (kind == 2 || (kind <= 1)) {
      String name = random.nextBoolean() && !route.queryParams.isEmpty()
          ? pick(random, route.queryParams) : pick(random, ODD_QUERY_NAMES);
      call.query.add(encode(name) + (random.nextInt(8) == 0 ? "" : "=" + queryValue(random)));
      if (random.nextInt(4) == 0) {
        call.query.add(encode(name) + "=" + queryValue(random));
      }
    } else if (kind == 3) {
      String header = pick(random, HEADERS);
      String value = pick(random, List.of("x".repeat(10_000), "..", "%00", "é", "", " ", "null", "*",
          "W/\"x\"", "a,b", UUID.randomUUID().toString(), "application/xml", "Bearer ", "Bearer x", "Basic eA=="));
      call.headers.put(header, value);
    } else if (call.body == null) {
      if (random.nextBoolean()) {
        call.body = pick(random, WRONG_TYPES).getBytes(StandardCharsets.UTF_8);
        call.contentType = "application/json";
      } else {
        call.contentType = pick(random, CONTENT_TYPES);
        call.body = "{\"a\": \"\\u0000\"}".getBytes(StandardCharsets.UTF_8);
      }
    } else if (kind == 9) {
      call.contentType = pick(random, CONTENT_TYPES);
      if (call.contentType.isEmpty()) {
        call.contentType = null;
      }
    } else if (route.bodyType.startsWith("multipart/")) {
      call.body = multipartMutation(random, new String(call.body, StandardCharsets.UTF_8));
    } else if (!route.jsonBody()) {
      call.body = formMutation(random, new String(call.body, StandardCharsets.UTF_8));
    } else {
      call.body = bodyMutation(random, kind, new String(call.body, StandardCharsets.UTF_8));
    }
    return call;
  }

  private static String pathSegment(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> pick(random, List.of("%00", "a%00b", "..", ".", "%2e%2e", "a%2Fb", "%ZZ", "%FF%FE", "%ED%A0%80",
          "%C0%AF", "%1F", "a%1F%1Fb", "%1F", "%20", "%25", "%3B"));
      default -> encode(pick(random, BAD_STRINGS));
    };
  }

  private static String queryValue(Random random) {
    return switch (random.nextInt(3)) {
      case 0 -> pick(random, List.of("%00", "%FF", "%ED%A0%80", "-1", "0", "99999999999999999999", "1e3", "true",
          "abc", "%ZZ", "", "page", "all", "refs", "2026-13-45", "1.5"));
      default -> encode(pick(random, BAD_STRINGS));
    };
  }

  private static byte[] formMutation(Random random, String form) {
    String mutated = switch (random.nextInt(4)) {
      case 0 -> form + "&client_id=" + pick(random, List.of("%00", "%ED%A0%80", "x".repeat(5000), "..", "%ZZ"));
      case 1 -> form.replace("client_credentials", pick(random, List.of("%00", "", "x", "%FF")));
      case 2 -> form + "&" + pick(random, List.of("=", "&&", "a", "%", "client_secret=%00"));
      default -> "grant_type=urn:ietf:params:oauth:grant-type:token-exchange&subject_token="
          + pick(random, List.of("%00", "a.b.c", "eyJ.eyJ.x", "x".repeat(5000), "%ED%A0%80"));
    };
    return mutated.getBytes(StandardCharsets.UTF_8);
  }

  /** A file upload cut short, with a broken boundary or part header, or with bad bytes in it. */
  private static byte[] multipartMutation(Random random, String body) {
    String mutated = switch (random.nextInt(5)) {
      case 0 -> body.substring(0, random.nextInt(body.length()));
      case 1 -> body.replace("--fuzzboundary--", "");
      case 2 -> body.replace("fuzzboundary", pick(random, List.of("other", "", "fuzz\u0000boundary")));
      case 3 -> body.replace("filename=\"f.parquet\"", "filename=\"" + pick(random, BAD_STRINGS) + "\"");
      default -> body.replace("PAR1", pick(random, BAD_STRINGS));
    };
    return mutated.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bodyMutation(Random random, int kind, String body) {
    JsonNode tree;
    try {
      tree = JSON.readTree(body);
    } catch (Exception e) {
      throw new IllegalStateException("Baseline body is not JSON: " + body, e);
    }
    List<Consumer<JsonNode>> setters = new ArrayList<>();
    List<JsonNode> nodes = new ArrayList<>();
    collect(tree, setters, nodes);
    String placeholder = "@@FUZZ@@";
    switch (kind) {
      case 4, 5 -> { // a string field gets a bad string, or a field name does
        if (random.nextInt(6) == 0 && tree instanceof ObjectNode object) {
          object.put(pick(random, BAD_STRINGS.subList(0, 12)), "x");
        } else if (!setters.isEmpty()) {
          setters.get(random.nextInt(setters.size())).accept(TextNode.valueOf(pick(random, BAD_STRINGS)));
        }
        return bytes(tree);
      }
      case 6 -> { // a string field gets an escaped NUL or an unpaired surrogate
        if (setters.isEmpty()) {
          return bytes(tree);
        }
        setters.get(random.nextInt(setters.size())).accept(TextNode.valueOf(placeholder));
        String escape = pick(random, BAD_ESCAPES);
        return bytes(tree).length == 0 ? new byte[0]
            : new String(bytes(tree), StandardCharsets.UTF_8).replace(placeholder, escape).getBytes(StandardCharsets.UTF_8);
      }
      case 7 -> { // a field gets a value of the wrong type
        if (setters.isEmpty()) {
          return bytes(tree);
        }
        setters.get(random.nextInt(setters.size())).accept(TextNode.valueOf(placeholder));
        String text = new String(bytes(tree), StandardCharsets.UTF_8);
        return text.replace("\"" + placeholder + "\"", pick(random, WRONG_TYPES)).getBytes(StandardCharsets.UTF_8);
      }
      default -> { // the body as a whole is broken
        return switch (random.nextInt(12)) {
          case 0 -> body.substring(0, random.nextInt(Math.max(1, body.length()))).getBytes(StandardCharsets.UTF_8);
          case 1 -> new byte[0];
          case 2 -> pick(random, List.of("null", "[]", "5", "\"x\"", "{", "}", "true", "{}")).getBytes(StandardCharsets.UTF_8);
          case 3 -> ("[".repeat(5000) + "]".repeat(5000)).getBytes(StandardCharsets.UTF_8);
          case 4 -> concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, body.getBytes(StandardCharsets.UTF_8));
          case 5 -> concat(body.substring(0, body.length() - 1).getBytes(StandardCharsets.UTF_8),
              new byte[] {',', '"', 'x', '"', ':', '"', (byte) 0xFF, (byte) 0xFE, '"', '}'});
          case 6 -> body.replaceFirst("\"", "\"\u0000").getBytes(StandardCharsets.UTF_8);
          case 7 -> (body + "garbage").getBytes(StandardCharsets.UTF_8);
          case 8 -> removeRandomField(random, tree);
          case 9 -> body.replaceFirst(":", ": 1, \"dup\": 2, \"dup\":").getBytes(StandardCharsets.UTF_8);
          case 10 -> ("{\"x\": \"" + "y".repeat(2_000_000) + "\"}").getBytes(StandardCharsets.UTF_8);
          default -> (" \n\t" + body).getBytes(StandardCharsets.UTF_8);
        };
      }
    }
  }

  private static byte[] removeRandomField(Random random, JsonNode tree) {
    List<ObjectNode> objects = new ArrayList<>();
    collectObjects(tree, objects);
    objects.removeIf(o -> o.isEmpty());
    if (!objects.isEmpty()) {
      ObjectNode object = objects.get(random.nextInt(objects.size()));
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      object.remove(names.get(random.nextInt(names.size())));
    }
    return bytes(tree);
  }

  private static void collectObjects(JsonNode node, List<ObjectNode> objects) {
    if (node instanceof ObjectNode object) {
      objects.add(object);
    }
    node.elements().forEachRemaining(child -> collectObjects(child, objects));
  }

  /** Setters for every value below the root: leaves and containers alike. */
  private static void collect(JsonNode node, List<Consumer<JsonNode>> setters, List<JsonNode> nodes) {
    if (node instanceof ObjectNode object) {
      for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        setters.add(value -> object.set(name, value));
        collect(object.get(name), setters, nodes);
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        int index = i;
        setters.add(value -> array.set(index, value));
        collect(array.get(i), setters, nodes);
      }
    }
    nodes.add(node);
  }

  // ---- concurrent duplicates -------------------------------------------------------------------

  /** The same create, four at once: one wins, the others are refused (409), none is a 5xx. */
  private void races(List<Route> routes, Random random) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (Route route : routes) {
        if (!route.method.equals("POST") || !route.jsonBody() || route.destructive()) {
          continue;
        }
        for (int round = 0; round < 3; round++) {
          Call call = route.baseline(fixture);
          String unique = "race_" + Long.toHexString(random.nextLong() & 0xffffffffL);
          String text = new String(call.body, StandardCharsets.UTF_8)
              .replaceAll("\"(name|tableName|dataSourceId)\": ?\"[^\"]*\"", "\"$1\": \"" + unique + "\"")
              .replaceAll("\"namespace\": ?\\[\"fz_new\"\\]", "\"namespace\": [\"" + unique + "\"]");
          call.body = text.getBytes(StandardCharsets.UTF_8);
          CyclicBarrier start = new CyclicBarrier(4);
          List<CompletableFuture<Integer>> answers = new ArrayList<>();
          for (int i = 0; i < 4; i++) {
            answers.add(CompletableFuture.supplyAsync(() -> {
              try {
                start.await();
                return send(call);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            }, pool));
          }
          for (CompletableFuture<Integer> answer : answers) {
            answer.get();
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ---- sending and judging ---------------------------------------------------------------------

  private int send(Call call) {
    Map<String, String> headers = new LinkedHashMap<>(call.headers);
    if (call.contentType != null) {
      headers.put("Content-Type", call.contentType);
    }
    RawHttp.Answer response = RawHttp.send(call.method, call.uri(), headers, call.body);
    int status = response.status();
    synchronized (this) {
      sent++;
      String problem = status >= 500 ? "status " + status : formatProblem(call, response);
      if (problem != null) {
        failures.add(String.format("%s: %s %s%n  content-type: %s, headers: %s%n  body: %s%n  answer: %d %s %s",
            problem, call.method, abbreviate(call.uri(), 300), call.contentType, abbreviate(call.headers.toString(), 200),
            call.body == null ? "-" : abbreviate(new String(call.body, StandardCharsets.UTF_8), 300),
            status, response.contentType(), abbreviate(response.body(), 400)));
      }
    }
    return status;
  }

  /** A refusal must be in its family's error format: Iceberg's error model, the seed's envelope, or problem+json. */
  private static String formatProblem(Call call, RawHttp.Answer response) {
    int status = response.status();
    // 414 and 431 (the HTTP server's limits on the request line and headers) and a 400 for a URI that does
    // not parse (a malformed escape such as %ZZ) come from the HTTP server itself, before any route
    if (status < 400 || status == 414 || status == 431 || call.method.equals("HEAD")
        || call.route.path.equals("/iceberg/v1/oauth/tokens") || status == 400 && !parses(call.uri())) {
      return null;
    }
    String type = response.contentType() == null ? "" : response.contentType();
    try {
      if (call.route.path.startsWith("/iceberg/")) {
        JsonNode error = JSON.readTree(response.body()).path("error");
        return type.startsWith("application/json") && error.path("code").asInt() == status
            && !error.path("message").asText().isBlank() && !error.path("type").asText().isBlank()
            ? null : "not Iceberg's error model";
      }
      if (Envelope.serves(call.route.path)) {
        JsonNode envelope = JSON.readTree(response.body());
        return type.startsWith("application/json") && envelope.path("success").isBoolean()
            && !envelope.path("success").asBoolean() && envelope.path("error").path("code").asText().equals(Envelope.code(status))
            && !envelope.path("error").path("message").asText().isBlank()
            && !envelope.path("meta").path("requestId").asText().isBlank() ? null : "not the seed's error envelope";
      }
      JsonNode problem = JSON.readTree(response.body());
      return type.startsWith(ApiErrors.PROBLEM_JSON) && problem.path("status").asInt() == status
          && !problem.path("detail").asText().isBlank() ? null : "not problem+json";
    } catch (Exception notJson) {
      return "error body is not JSON";
    }
  }

  private static boolean parses(String uri) {
    try {
      new java.net.URI(uri);
      return true;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  // ---- routes and their valid requests ---------------------------------------------------------

  record Route(String method, String path, List<String> pathParams, List<String> queryParams, String bodyType,
      String example) {

    static List<Route> all(String document) throws Exception {
      JsonNode openapi = JSON.readTree(document);
      List<Route> routes = new ArrayList<>();
      openapi.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
        if (!List.of("get", "post", "put", "patch", "delete", "head").contains(op.getKey())) {
          return;
        }
        List<String> pathParams = new ArrayList<>();
        List<String> queryParams = new ArrayList<>();
        for (JsonNode parameter : op.getValue().path("parameters")) {
          String in = parameter.path("in").asText();
          (in.equals("path") ? pathParams : in.equals("query") ? queryParams : new ArrayList<String>())
              .add(parameter.path("name").asText());
        }
        JsonNode content = op.getValue().path("requestBody").path("content");
        String bodyType = content.fieldNames().hasNext() ? content.fieldNames().next() : null;
        String example = null;
        if (bodyType != null) {
          JsonNode schema = content.path(bodyType).path("schema");
          String ref = schema.path("$ref").asText();
          if (!ref.isEmpty()) {
            JsonNode examples = openapi.at("/components/schemas/" + ref.substring(ref.lastIndexOf('/') + 1) + "/examples");
            example = examples.isArray() && !examples.isEmpty() ? examples.get(0).toString() : "{}";
          }
        }
        routes.add(new Route(op.getKey().toUpperCase(), path.getKey(), pathParams, queryParams, bodyType, example));
      }));
      // what removes the fixture goes last, the database itself at the very end
      routes.sort(Comparator.comparing((Route r) -> r.destructive())
          .thenComparing(r -> r.method.equals("DELETE") && r.path.endsWith("/instances/{instanceId}"))
          .thenComparing(r -> r.method + " " + r.path));
      return routes;
    }

    boolean destructive() {
      return method.equals("DELETE") || method.equals("PATCH") || path.endsWith("/unregister")
          || path.endsWith("/rename");
    }

    boolean jsonBody() {
      return bodyType != null && !bodyType.equals("application/x-www-form-urlencoded");
    }

    Call baseline(Fixture fixture) {
      Call call = new Call(this);
      for (String name : pathParams) {
        call.path.put(name, encode(fixture.pathValue(name)));
      }
      call.token = path.startsWith("/api/v1/admin/organizations") || path.startsWith("/api/v1/admin/audit")
          ? TestTokens.serverAdmin() : TestTokens.defaultAdmin();
      call.headers.put("Authorization", "Bearer " + call.token);
      if (path.equals("/iceberg/v1/oauth/tokens")) {
        call.contentType = bodyType;
        call.body = "grant_type=client_credentials&client_id=x&client_secret=y".getBytes(StandardCharsets.UTF_8);
      } else if (bodyType != null && bodyType.startsWith("multipart/")) {
        // a sync's upload: one small file part
        call.contentType = "multipart/form-data; boundary=fuzzboundary";
        call.body = ("--fuzzboundary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.parquet\"\r\n"
            + "\r\nPAR1\r\n--fuzzboundary--\r\n").getBytes(StandardCharsets.UTF_8);
      } else if (bodyType != null) {
        call.contentType = "application/json";
        String body = path.startsWith("/iceberg/") ? fixture.icebergBody(method, path) : fixture.apiBody(example);
        call.body = body.getBytes(StandardCharsets.UTF_8);
      }
      return call;
    }
  }

  static final class Call {
    final Route route;
    final String method;
    final Map<String, String> path = new LinkedHashMap<>();
    final List<String> query = new ArrayList<>();
    final Map<String, String> headers = new LinkedHashMap<>();
    String token;
    String contentType;
    byte[] body;

    Call(Route route) {
      this.route = route;
      this.method = route.method;
    }

    String uri() {
      String uri = route.path;
      for (Map.Entry<String, String> param : path.entrySet()) {
        uri = uri.replace("{" + param.getKey() + "}", param.getValue());
      }
      return query.isEmpty() ? uri : uri + "?" + String.join("&", query);
    }
  }

  /** What the valid requests name: one database with a namespace, a table and a view, and the rest. */
  static final class Fixture {
    String prefix;
    String storageId;
    String storageName;
    String spareStorage;
    String operationId;
    String dataSourceId = "fz-ds";
    String orgId;
    String tokenId;
    String serviceId;
    String commandName;
    String syncId;
    String tableLocation;
    String viewLocation;
    String webhookId;
    String deliveryId;

    static Fixture create() {
      Fixture fixture = new Fixture();
      ObjectStorage storage = ObjectStorages.s3("fuzz");
      fixture.storageId = storage.id.toString();
      fixture.storageName = storage.name;
      fixture.spareStorage = ObjectStorages.s3("fuzz-spare").name;
      fixture.prefix = "fuzz_" + UUID.randomUUID().toString().substring(0, 8);
      fixture.operationId = given().contentType(ContentType.JSON)
          .body("{\"name\":\"" + fixture.prefix + "\",\"storageIds\":[\"" + fixture.storageId + "\"]}")
          .post("/api/v1/ailake/database/instances").then().statusCode(202).extract().header("operation-id");
      Operations.awaitSucceeded(fixture.operationId);
      Response services = given().get("/api/v1/ailake/services");
      fixture.serviceId = services.jsonPath().getString("services[0].serviceId");
      List<String> commands = given().get("/api/v1/ailake/services/" + fixture.serviceId + "/status")
          .jsonPath().getList("status.commands");
      fixture.commandName = commands.contains("run-now") ? "run-now" : commands.get(0);
      fixture.restore();
      fixture.syncId = String.valueOf(given().contentType(ContentType.JSON)
          .body("{\"name\":\"fz\",\"table\":\"fz.t\",\"syncType\":\"INCREMENTAL\"}")
          .post("/api/v1/ailake/database/instances/" + fixture.prefix + "/syncs").then().statusCode(201)
          .extract().jsonPath().getLong("syncId"));
      return fixture;
    }

    /** Puts back what a successful destructive request removed. */
    void restore() {
      String base = "/iceberg/v1/" + prefix + "/namespaces";
      given().contentType(ContentType.JSON).body("{\"namespace\":[\"fz\"]}").post(base);
      if (given().head(base + "/fz/tables/t").statusCode() != 204) {
        given().contentType(ContentType.JSON).body("{\"name\":\"t\",\"schema\":" + SCHEMA + "}").post(base + "/fz/tables");
      }
      tableLocation = given().get(base + "/fz/tables/t").jsonPath().getString("metadata-location");
      if (given().head(base + "/fz/views/v").statusCode() != 204) {
        given().contentType(ContentType.JSON).body(view("v")).post(base + "/fz/views");
      }
      viewLocation = given().get(base + "/fz/views/v").jsonPath().getString("metadata-location");
      given().contentType(ContentType.JSON).body("{\"dataSourceId\":\"" + dataSourceId + "\",\"dataSourceName\":\"fz\"}")
          .post("/api/v1/ailake/database/instances/" + prefix + "/dataSources");
      if (given().get("/api/v1/admin/objectStorages/" + spareStorage).statusCode() != 200) {
        spareStorage = ObjectStorages.s3("fuzz-spare").name;
      }
      if (webhookId == null || given().get("/api/v1/ailake/webhooks/" + webhookId).statusCode() != 200) {
        // a webhook whose receiver never answers (the discard port), with one delivery of a test event
        webhookId = given().contentType(ContentType.JSON)
            .body("{\"url\":\"http://127.0.0.1:9/fuzz\",\"events\":[\"table.committed\"],\"resources\":[\"databases/"
                + prefix + "\"]}").post("/api/v1/ailake/webhooks").then().statusCode(201).extract().path("id");
        deliveryId = String.valueOf(given().post("/api/v1/ailake/webhooks/" + webhookId + "/test").then()
            .statusCode(202).extract().jsonPath().getLong("deliveryId"));
      }
      String admin = "Bearer " + TestTokens.serverAdmin();
      if (orgId == null || given().header("Authorization", admin).get("/api/v1/admin/organizations/" + orgId)
          .statusCode() != 200) {
        orgId = given().header("Authorization", admin).contentType(ContentType.JSON)
            .body("{\"name\":\"fuzz_" + UUID.randomUUID().toString().substring(0, 8) + "\"}")
            .post("/api/v1/admin/organizations").then().statusCode(201).extract().path("id");
        tokenId = null;
      }
      if (tokenId == null || !given().header("Authorization", admin).get("/api/v1/admin/organizations/" + orgId + "/tokens")
          .asString().contains(tokenId)) {
        tokenId = given().header("Authorization", admin).contentType(ContentType.JSON)
            .body("{\"name\":\"fuzz\",\"role\":\"read\"}").post("/api/v1/admin/organizations/" + orgId + "/tokens")
            .then().statusCode(201).extract().path("id");
      }
    }

    String pathValue(String name) {
      return switch (name) {
        case "prefix", "instanceId" -> prefix;
        case "namespace" -> "fz";
        case "table" -> "t";
        case "view" -> "v";
        case "tableName" -> "orders";
        case "dataSourceId" -> dataSourceId;
        case "storageIdOrName" -> spareStorage;
        case "orgId" -> orgId;
        case "tokenId" -> tokenId;
        case "operationId" -> operationId;
        case "serviceId" -> serviceId;
        case "commandName" -> commandName;
        case "syncId" -> syncId;
        case "webhookId" -> webhookId;
        case "deliveryId" -> deliveryId;
        default -> throw new IllegalStateException("No fixture value for path parameter " + name);
      };
    }

    /** The documented example, naming this fixture's storage. */
    String apiBody(String example) {
      return example
          .replace("0b6d2f64-1e0a-4e8b-8a0e-5c1b2d3e4f50", storageId)
          .replace("s3-data-lake", storageName)
          .replace("\"sales\"", "\"" + dataSourceId + "\"")
          .replace("https://hooks.example.com/ailake", "http://127.0.0.1:9/fuzz");
    }

    String icebergBody(String method, String path) {
      String tail = path.substring("/iceberg/v1/{prefix}".length());
      String setProperty = "{\"action\":\"set-properties\",\"updates\":{\"k\":\"v\"}}";
      return switch (tail) {
        case "/namespaces" -> "{\"namespace\":[\"fz_new\"],\"properties\":{\"owner\":\"fuzz\"}}";
        case "/namespaces/{namespace}/properties" -> "{\"removals\":[\"gone\"],\"updates\":{\"owner\":\"fuzz\"}}";
        case "/namespaces/{namespace}/register" -> "{\"name\":\"reg\",\"metadata-location\":\"" + tableLocation + "\"}";
        case "/namespaces/{namespace}/register-view" ->
            "{\"name\":\"regv\",\"metadata-location\":\"" + viewLocation + "\"}";
        case "/namespaces/{namespace}/tables" ->
            "{\"name\":\"t2\",\"schema\":" + SCHEMA + ",\"properties\":{\"k\":\"v\"}}";
        case "/namespaces/{namespace}/tables/{table}" ->
            "{\"requirements\":[],\"updates\":[" + setProperty + "]}";
        case "/namespaces/{namespace}/tables/{table}/metrics" ->
            "{\"report-type\":\"scan-report\",\"table-name\":\"t\",\"snapshot-id\":1,\"filter\":true,\"schema-id\":0,"
                + "\"projected-field-ids\":[1],\"projected-field-names\":[\"id\"],\"metrics\":{}}";
        case "/tables/rename" ->
            "{\"source\":{\"namespace\":[\"fz\"],\"name\":\"t\"},\"destination\":{\"namespace\":[\"fz\"],\"name\":\"t_renamed\"}}";
        case "/views/rename" ->
            "{\"source\":{\"namespace\":[\"fz\"],\"name\":\"v\"},\"destination\":{\"namespace\":[\"fz\"],\"name\":\"v_renamed\"}}";
        case "/transactions/commit" ->
            "{\"table-changes\":[{\"identifier\":{\"namespace\":[\"fz\"],\"name\":\"t\"},\"requirements\":[],"
                + "\"updates\":[" + setProperty + "]}]}";
        case "/namespaces/{namespace}/views" -> view("v2");
        case "/namespaces/{namespace}/views/{view}" ->
            "{\"requirements\":[],\"updates\":[{\"action\":\"add-view-version\",\"view-version\":{\"version-id\":2,"
                + "\"schema-id\":0,\"timestamp-ms\":1764374400000,\"summary\":{},\"default-namespace\":[\"fz\"],"
                + "\"representations\":[{\"type\":\"sql\",\"sql\":\"select 2 as id\",\"dialect\":\"spark\"}]}},"
                + "{\"action\":\"set-current-view-version\",\"view-version-id\":-1}]}";
        default -> throw new IllegalStateException("No valid body for " + method + " " + path);
      };
    }

    static String view(String name) {
      return "{\"name\":\"" + name + "\",\"schema\":" + SCHEMA + ",\"view-version\":{\"version-id\":1,\"schema-id\":0,"
          + "\"timestamp-ms\":1764374400000,\"summary\":{},\"default-namespace\":[\"fz\"],\"representations\":["
          + "{\"type\":\"sql\",\"sql\":\"select 1 as id\",\"dialect\":\"spark\"}]},\"properties\":{}}";
    }
  }

  // ---- small helpers ---------------------------------------------------------------------------

  private static <T> T pick(Random random, List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static byte[] bytes(JsonNode tree) {
    try {
      return JSON.writeValueAsBytes(tree);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(a);
    out.writeBytes(b);
    return out.toByteArray();
  }

  private static String abbreviate(String text, int max) {
    String oneLine = text.replace("\n", "\\n").replace("\u0000", "\\0");
    return oneLine.length() <= max ? oneLine : oneLine.substring(0, max) + "...(" + oneLine.length() + " chars)";
  }
}
