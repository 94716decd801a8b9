package io.ailake.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openapitools.codegen.CodegenConstants;
import org.openapitools.codegen.DefaultGenerator;
import org.openapitools.codegen.config.CodegenConfigurator;

/**
 * A client generated from the served OpenAPI document compiles: openapi-generator's {@code java}
 * generator ({@code native} library: java.net.http and Jackson, nothing else) writes it, javac
 * compiles it against the test class path, and the generator had to invent no operationId. The same
 * check refuses a document whose operations lack or share an operationId.
 */
@QuarkusTest
class OpenApiClientTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;

  @Test
  void theServedDocumentGeneratesAJavaClientThatCompiles() throws Exception {
    String document = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
        .extract().asString();
    Client client = generate(document, work.resolve("served"));

    assertThat(client.problems()).isEmpty();
    assertThat(client.operationIdWarnings()).isEmpty();
    assertThat(client.compileErrors()).isEmpty();
    // one API class per tag ("Catalog API": CatalogApiApi), with GoodData's and Iceberg's method names
    assertThat(client.sources()).extracting(p -> p.getFileName().toString())
        .contains("AiLakeDatabasesApi.java", "AiLakePipeTablesApi.java", "AiLakeServicesOperationsApi.java",
            "CatalogApiApi.java", "ConfigurationApiApi.java", "Operation.java", "FailedOperation.java", "Problem.java",
            "IcebergErrorResponse.java", "LoadTableResult.java");
    String databases = Files.readString(client.source("AiLakeDatabasesApi.java"));
    assertThat(databases).contains("provisionAiLakeDatabaseInstance(", "listAiLakeDatabaseInstances(");
    String catalog = Files.readString(client.source("CatalogApiApi.java"));
    assertThat(catalog).contains("loadTable(", "createNamespace(", "commitTransaction(", "dropTable(");
  }

  @Test
  void anOperationWithoutAnOperationIdIsFoundAndTheGeneratorWarnsOfIt() throws Exception {
    ObjectNode document = servedTree();
    ((ObjectNode) document.path("paths").path("/api/v1/ailake/services").path("get")).remove("operationId");

    Client client = generate(JSON.writeValueAsString(document), work.resolve("missing"));

    assertThat(client.problems()).containsExactly("GET /api/v1/ailake/services has no operationId");
    assertThat(client.operationIdWarnings()).anySatisfy(w -> assertThat(w).contains("/api/v1/ailake/services"));
  }

  @Test
  void aDocumentWithADuplicateOperationIdIsRefused() throws Exception {
    ObjectNode document = servedTree();
    ((ObjectNode) document.path("paths").path("/api/v1/ailake/database/instances/{instanceId}").path("get"))
        .put("operationId", "listAiLakeDatabaseInstances");

    Client client = generate(JSON.writeValueAsString(document), work.resolve("duplicate"));

    assertThat(client.problems()).anySatisfy(p -> assertThat(p).contains("listAiLakeDatabaseInstances is used by 2"))
        .anySatisfy(p -> assertThat(p).contains("the generator refused the document", "operationId is repeated"));
  }

  private static ObjectNode servedTree() throws IOException {
    return (ObjectNode) JSON.readTree(given().queryParam("format", "json").get("/q/openapi")
        .then().statusCode(200).extract().asString());
  }

  // ---- generating and compiling ----------------------------------------------------------------

  record Client(List<String> problems, List<String> operationIdWarnings, List<Path> sources, List<String> compileErrors,
      Path root) {
    Path source(String fileName) {
      return sources.stream().filter(p -> p.getFileName().toString().equals(fileName)).findFirst().orElseThrow();
    }
  }

  private static Client generate(String document, Path out) throws Exception {
    Path spec = out.resolve("openapi.json");
    Files.createDirectories(out);
    Files.writeString(spec, document, StandardCharsets.UTF_8);
    List<String> problems = operationIdProblems(JSON.readTree(document));

    CodegenConfigurator configurator = new CodegenConfigurator()
        .setGeneratorName("java")
        .setLibrary("native")
        .setInputSpec(spec.toString())
        .setOutputDir(out.resolve("client").toString())
        .setApiPackage("io.ailake.client.api")
        .setModelPackage("io.ailake.client.model")
        .setInvokerPackage("io.ailake.client")
        .addAdditionalProperty("useJakartaEe", true)
        .addAdditionalProperty("openApiNullable", false)
        .addAdditionalProperty("annotationLibrary", "none")
        .addAdditionalProperty("hideGenerationTimestamp", true);
    List<String> warnings = new ArrayList<>();
    Logger generatorLog = Logger.getLogger("org.openapitools");
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        String message = record.getMessage();
        if (record.getParameters() != null) {
          for (Object parameter : record.getParameters()) {
            message = message.replaceFirst("\\{\\}", java.util.regex.Matcher.quoteReplacement(String.valueOf(parameter)));
          }
        }
        synchronized (warnings) {
          if (message.toLowerCase().contains("operationid")) {
            warnings.add(record.getLevel() + " " + message);
          }
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Level level = generatorLog.getLevel();
    generatorLog.setLevel(Level.INFO);
    generatorLog.addHandler(capture);
    try {
      DefaultGenerator generator = new DefaultGenerator();
      generator.setGeneratorPropertyDefault(CodegenConstants.API_TESTS, "false");
      generator.setGeneratorPropertyDefault(CodegenConstants.MODEL_TESTS, "false");
      generator.setGeneratorPropertyDefault(CodegenConstants.API_DOCS, "false");
      generator.setGeneratorPropertyDefault(CodegenConstants.MODEL_DOCS, "false");
      generator.opts(configurator.toClientOptInput()).generate();
    } catch (RuntimeException refused) {
      // the generator validates the document first (a repeated operationId is an error there)
      problems.add("the generator refused the document: " + refused.getMessage());
      return new Client(problems, warnings, List.of(), List.of(), out);
    } finally {
      generatorLog.removeHandler(capture);
      generatorLog.setLevel(level);
    }

    List<Path> sources;
    try (Stream<Path> files = Files.walk(out.resolve("client"))) {
      sources = files.filter(p -> p.toString().endsWith(".java")).toList();
    }
    return new Client(problems, warnings, sources, compile(sources, out.resolve("classes")), out);
  }

  /** Every operation has an operationId, and no two share one. */
  private static List<String> operationIdProblems(JsonNode document) {
    List<String> problems = new ArrayList<>();
    Map<String, Integer> uses = new HashMap<>();
    document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
      if (!List.of("get", "put", "post", "delete", "patch", "head").contains(op.getKey())) {
        return;
      }
      String id = op.getValue().path("operationId").asText("");
      if (id.isBlank()) {
        problems.add(op.getKey().toUpperCase() + " " + path.getKey() + " has no operationId");
      } else {
        uses.merge(id, 1, Integer::sum);
      }
    }));
    uses.forEach((id, count) -> {
      if (count > 1) {
        problems.add("operationId " + id + " is used by " + count + " operations");
      }
    });
    return problems;
  }

  private static List<String> compile(List<Path> sources, Path classes) throws IOException {
    Files.createDirectories(classes);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
      Iterable<? extends JavaFileObject> units = files.getJavaFileObjectsFromFiles(sources.stream().map(Path::toFile).toList());
      List<String> options = List.of("-proc:none", "-nowarn", "-d", classes.toString(), "-cp", classPath,
          "--release", "17");
      StringWriter output = new StringWriter();
      javac.getTask(output, files, diagnostics, options, null, units).call();
    }
    List<String> errors = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.getDiagnostics()) {
      if (diagnostic.getKind() == Diagnostic.Kind.ERROR) {
        errors.add((diagnostic.getSource() == null ? "" : new File(diagnostic.getSource().getName()).getName()
            + ":" + diagnostic.getLineNumber() + " ") + diagnostic.getMessage(null));
      }
    }
    return errors;
  }
}
