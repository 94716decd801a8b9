package io.ailake.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ailake.testing.RawHttp;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.ws.rs.HttpMethod;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document lists every route the service serves, and every status a route answered here
 * is one its operation declares: each route's valid request (the DELETEs' 204 among them), the same
 * without a token (401), with a body of the wrong media type (415) and naming a resource that does not
 * exist (404); and every answer's body holds the properties its documented schema marks required. The
 * routes are the JAX-RS resource methods of io.ailake, found by reflection.
 */
@QuarkusTest
class RouteDocumentationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch", "head");

  @Test
  void everyServedRouteIsInTheDocumentAndNothingElseIs() throws Exception {
    JsonNode document = JSON.readTree(served());
    Set<String> documented = new TreeSet<>();
    document.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
      if (METHODS.contains(method)) {
        documented.add(method.toUpperCase() + " " + path.getKey());
      }
    }));

    Set<String> served = servedRoutes();

    assertThat(served).hasSizeGreaterThanOrEqualTo(60);
    assertThat(documented).containsExactlyInAnyOrderElementsOf(served);
  }

  @Test
  void everyStatusARouteAnswersIsDeclaredForItWithTheFieldsItsSchemaRequires() throws Exception {
    JsonNode document = JSON.readTree(served());
    InputFuzzTest.Fixture fixture = InputFuzzTest.Fixture.create();
    List<String> undeclared = new ArrayList<>();
    Map<String, Integer> answered = new LinkedHashMap<>();
    for (InputFuzzTest.Route route : InputFuzzTest.Route.all(document.toString())) {
      JsonNode responses = document.path("paths").path(route.path()).path(route.method().toLowerCase()).path("responses");
      List<Probe> probes = new ArrayList<>();
      if (!route.path().equals("/iceberg/v1/oauth/tokens")) {
        InputFuzzTest.Call anonymous = route.baseline(fixture);
        anonymous.headers.put("Authorization", null);
        probes.add(new Probe(anonymous, 401, "no token"));
      }
      if (route.jsonBody()) {
        InputFuzzTest.Call wrongType = route.baseline(fixture);
        wrongType.contentType = "text/plain";
        probes.add(new Probe(wrongType, 0, "a text/plain body")); // 415, but analyzeStatistics reads its optional body itself
      }
      if (!route.pathParams().isEmpty()) {
        InputFuzzTest.Call unknown = route.baseline(fixture);
        String last = route.pathParams().get(route.pathParams().size() - 1);
        unknown.path.put(last, last.equals("orgId") || last.equals("tokenId")
            ? "00000000-0000-4000-8000-000000000000" : "no_such_" + last.toLowerCase());
        probes.add(new Probe(unknown, 404, "an unknown " + last));
      }
      probes.add(new Probe(route.baseline(fixture), 0, "a valid request"));
      for (Probe probe : probes) {
        InputFuzzTest.Call call = probe.call();
        RawHttp.Answer answer = send(call);
        int status = answer.status();
        answered.merge(String.valueOf(status), 1, Integer::sum);
        String what = call.method + " " + route.path() + " (" + call.uri() + ")";
        if (!responses.has(String.valueOf(status))) {
          undeclared.add(what + " answered " + status + ", declared " + iterable(responses.fieldNames()));
        }
        if (probe.expected() != 0 && probe.expected() != status) {
          undeclared.add(what + " with " + probe.why() + " answered " + status + ", not " + probe.expected());
        }
        JsonNode schema = first(responses.path(String.valueOf(status)).path("content")).path("schema");
        if (!schema.isMissingNode() && !call.method.equals("HEAD") && !answer.body().isBlank()) {
          requiredFields(document, schema, JSON.readTree(answer.body()), what + " " + status + " body", undeclared, 0);
        }
        if (status >= 200 && status < 300 && route.destructive()) {
          fixture.restore();
        }
      }
    }

    assertThat(answered).containsKeys("200", "202", "204", "401", "404", "415");
    assertThat(undeclared).isEmpty();
  }

  // ---- the routes the service serves -----------------------------------------------------------

  /** "METHOD /path" of every JAX-RS resource method of io.ailake that the document does not hide. */
  private static Set<String> servedRoutes() throws Exception {
    Set<String> routes = new TreeSet<>();
    Path classes = Path.of("target", "classes");
    List<String> names;
    try (Stream<Path> files = Files.walk(classes.resolve("io/ailake"))) {
      names = files.map(p -> classes.relativize(p).toString())
          .filter(p -> p.endsWith(".class") && !p.contains("$"))
          .map(p -> p.substring(0, p.length() - ".class".length()).replace('/', '.'))
          .toList();
    }
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    for (String name : names) {
      Class<?> type = Class.forName(name, false, loader);
      jakarta.ws.rs.Path root = type.getAnnotation(jakarta.ws.rs.Path.class);
      if (root == null) {
        continue;
      }
      for (Method method : type.getDeclaredMethods()) {
        String verb = httpMethod(method);
        Operation operation = method.getAnnotation(Operation.class);
        if (verb == null || operation != null && operation.hidden()) {
          continue;
        }
        jakarta.ws.rs.Path sub = method.getAnnotation(jakarta.ws.rs.Path.class);
        routes.add(verb + " " + join(root.value(), sub == null ? "" : sub.value()));
      }
    }
    return routes;
  }

  private static String httpMethod(Method method) {
    for (Annotation annotation : method.getAnnotations()) {
      HttpMethod verb = annotation.annotationType().getAnnotation(HttpMethod.class);
      if (verb != null) {
        return verb.value();
      }
    }
    return null;
  }

  /** The path as the document writes it: one slash between parts, parameters without their regex. */
  private static String join(String root, String sub) {
    String path = ("/" + root + "/" + sub).replaceAll("\\{\\s*([^}:\\s]+)\\s*:[^}]*}", "{$1}").replaceAll("/+", "/");
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  // ---- sending ---------------------------------------------------------------------------------

  /** A request, and the status it must get (0: any the operation declares). */
  private record Probe(InputFuzzTest.Call call, int expected, String why) {}

  private static RawHttp.Answer send(InputFuzzTest.Call call) {
    Map<String, String> headers = new LinkedHashMap<>(call.headers);
    if (call.contentType != null) {
      headers.put("Content-Type", call.contentType);
    }
    return RawHttp.send(call.method, call.uri(), headers, call.body);
  }

  // ---- the answer against its schema -----------------------------------------------------------

  /**
   * Every property the schema marks required is in the answer (not null), at every depth the answer
   * has; a oneOf with a discriminator is checked as the variant the answer names.
   */
  private static void requiredFields(JsonNode document, JsonNode schema, JsonNode value, String at, List<String> problems,
      int depth) {
    if (value == null || value.isNull() || depth > 10) {
      return;
    }
    if (schema.has("$ref")) {
      schema = component(document, schema.path("$ref").asText());
    }
    if (schema.has("oneOf") && schema.has("discriminator")) {
      String property = schema.path("discriminator").path("propertyName").asText();
      String variant = schema.path("discriminator").path("mapping").path(value.path(property).asText()).asText();
      if (variant.isEmpty()) {
        problems.add(at + ": " + property + " = " + value.path(property) + " names no variant");
      } else {
        requiredFields(document, component(document, variant), value, at, problems, depth + 1);
      }
      return;
    }
    for (JsonNode part : schema.path("allOf")) {
      requiredFields(document, part, value, at, problems, depth + 1);
    }
    if (value.isObject()) {
      for (JsonNode name : schema.path("required")) {
        if (!value.hasNonNull(name.asText())) {
          problems.add(at + ": required " + name.asText() + " is missing in " + abbreviate(value.toString()));
        }
      }
      JsonNode finalSchema = schema;
      value.fields().forEachRemaining(field -> {
        JsonNode property = finalSchema.path("properties").path(field.getKey());
        if (!property.isMissingNode()) {
          requiredFields(document, property, field.getValue(), at + "." + field.getKey(), problems, depth + 1);
        }
      });
    } else if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < Math.min(value.size(), 5); i++) {
        requiredFields(document, schema.path("items"), value.get(i), at + "[" + i + "]", problems, depth + 1);
      }
    }
  }

  private static JsonNode component(JsonNode document, String ref) {
    return document.at("/components/schemas/" + ref.substring(ref.lastIndexOf('/') + 1));
  }

  private static JsonNode first(JsonNode content) {
    return content.elements().hasNext() ? content.elements().next() : content.path("none");
  }

  private static String abbreviate(String text) {
    return text.length() <= 300 ? text : text.substring(0, 300) + "...";
  }

  private static String served() {
    return given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().asString();
  }

  private static List<String> iterable(java.util.Iterator<String> names) {
    List<String> list = new ArrayList<>();
    names.forEachRemaining(list::add);
    return list;
  }
}
