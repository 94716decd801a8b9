package io.ailake.api;

import static io.ailake.api.DocumentSchemas.arrayOf;
import static io.ailake.api.DocumentSchemas.integer;
import static io.ailake.api.DocumentSchemas.object;
import static io.ailake.api.DocumentSchemas.props;
import static io.ailake.api.DocumentSchemas.ref;
import static io.ailake.api.DocumentSchemas.string;

import io.ailake.auth.AuthFilter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

/**
 * Completes the OpenAPI document where annotations cannot say it once: every route but the OAuth2
 * token endpoint takes a bearer token; the errors every route of a family may answer (401, 403, 429,
 * 503, 404 where the path names a resource, 415 where it takes a body, 422 for a reused idempotency key)
 * in the family's error format (problem+json for {@code /api}, Iceberg's error model for
 * {@code /iceberg}); the tags; the operation schema as GoodData's oneOf; and, for every asynchronous AI
 * Lake call (marked with the {@value #ASYNC} extension), the 202 with the operation's headers. It runs
 * when the build writes the document (smallrye-open-api-maven-plugin, see pom.xml).
 */
public class ApiDocumentation implements OASFilter {

  public static final String ASYNC = "x-ailake-async";
  /** Marks a log route: its 200 is the lines as JSON, or their stream (docs/logs.md). */
  public static final String LOGS = "x-ailake-logs";
  private static final String PROBLEM = "Problem";
  private static final String ENVELOPE = "DatalakeResponse";
  private static final String BEARER = "bearer";
  private static final String AI_LAKE = "AI Lake";
  private static final String CATALOG = "Catalog API";
  private static final String CONFIGURATION = "Configuration API";
  private static final String OAUTH = "OAuth2 API";
  /** What OperationService accepts as a client-chosen operation id. */
  private static final String OPERATION_ID = "^[A-Za-z0-9._:-]{1,128}$";
  private static final List<String> MUTATING = List.of("POST", "PUT", "PATCH", "DELETE");
  private static final List<String> OPERATION_KINDS = List.of("provision-database", "deprovision-database",
      "create-pipe-table", "delete-pipe-table", "refresh-partition", "analyze-statistics", "run-service-command",
      "purge-table");

  @Override
  public void filterOpenAPI(OpenAPI openAPI) {
    var components = openAPI.getComponents();
    components.addSchema(PROBLEM, object(
        "An error of the AI Lake and admin APIs (RFC 9457); traceId equals the X-Request-ID header",
        props("title", string(), "status", integer(), "detail", string(), "traceId", string()),
        List.of("title", "status", "detail", "traceId"),
        Map.of("title", "Conflict", "status", 409, "detail", "A database named sales already exists",
            "traceId", "0c6f4a2e9b1d4f7a")));
    IcebergSchemas.addTo(components);
    EventSchemas.addTo(openAPI);
    addOperationSchemas(openAPI);
    addLogSchemas(openAPI);
    components.addSecurityScheme(BEARER, OASFactory.createSecurityScheme()
        .type(SecurityScheme.Type.HTTP)
        .scheme("bearer")
        .description("An ailake token (its secret), an access token from /iceberg/v1/oauth/tokens, or a JWT"
            + " of the configured OIDC issuer"));
    List<org.eclipse.microprofile.openapi.models.tags.Tag> annotated =
        openAPI.getTags() == null ? List.of() : new ArrayList<>(openAPI.getTags());
    openAPI.setTags(new ArrayList<>(List.of(
        tag(AI_LAKE, "GoodData's AI Lake API: databases, pipe tables, services and operations"),
        tag("AI Lake - Databases", "Database instances, their data sources and the object storages they use"),
        tag("AI Lake - Pipe Tables", "Tables loaded from parquet files, and their statistics"),
        tag("AI Lake - Tables", "A database's Iceberg tables: create, describe, drop, snapshots and their tags,"
            + " schema evolution"),
        tag("AI Lake - Services & Operations", "Background services and long-running operations"),
        tag("AI Lake - Webhooks", "Subscriptions that POST the organization's events, signed as Standard Webhooks,"
            + " retried, in order (docs/webhooks.md); each event type's body is in this document's webhooks"),
        tag(CONFIGURATION, "Iceberg REST catalog: the catalog's configuration"),
        tag(OAUTH, "Iceberg REST catalog: the OAuth2 token endpoint"),
        tag(CATALOG, "Iceberg REST catalog: namespaces, tables, views and transactions"),
        tag("Admin - Object Storages", "Register S3, MinIO and local-disk storages"),
        tag("Admin - Organizations", "Organizations, their tokens and object storages (server admin token)"),
        tag("Admin - Audit", "The audit log of mutating calls"))));
    // a tag an annotation adds later keeps its place in the list
    annotated.stream()
        .filter(t -> openAPI.getTags().stream().noneMatch(known -> known.getName().equals(t.getName())))
        .forEach(openAPI::addTag);
    openAPI.getPaths().getPathItems().forEach((path, item) -> {
      if (item.getParameters() != null) {
        item.getParameters().forEach(ApiDocumentation::bound);
      }
      item.getOperations().forEach((method, operation) -> complete(path, method, operation));
    });
  }

  private static org.eclipse.microprofile.openapi.models.tags.Tag tag(String name, String description) {
    return OASFactory.createTag().name(name).description(description);
  }

  /** Security, tags, typed parameters and the errors of one route. */
  private static void complete(String path, PathItem.HttpMethod httpMethod, Operation operation) {
    String method = httpMethod.name();
    boolean iceberg = path.startsWith("/iceberg/");
    boolean oauth = path.equals(AuthFilter.OAUTH_TOKENS);
    if (!oauth) {
      operation.addSecurityRequirement(OASFactory.createSecurityRequirement().addScheme(BEARER));
    }
    tag(path, operation, iceberg, oauth);
    if (oauth && operation.getRequestBody() != null) {
      operation.getRequestBody().getContent().getMediaTypes().values().forEach(form -> {
        form.getSchema().required(List.of("grant_type"));
        form.getSchema().getProperties().get("grant_type").enumeration(List.of("client_credentials",
            "urn:ietf:params:oauth:grant-type:token-exchange"));
      });
    }
    if (operation.getParameters() != null) {
      operation.getParameters().forEach(ApiDocumentation::bound);
    }
    if (iceberg && (path.endsWith("/namespaces") || path.endsWith("/tables") || path.endsWith("/views"))
        && method.equals("GET")) {
      addPaging(operation);
    }
    if (MUTATING.contains(method) && !oauth) {
      operation.addParameter(OASFactory.createParameter().name("Idempotency-Key").in(Parameter.In.HEADER)
          .description("Replays the first answer when repeated with the same request; the same key with another"
              + " request is a 422. Iceberg clients send a UUIDv7.")
          .schema(string().minLength(1).maxLength(255)));
    }
    APIResponses responses = operation.getResponses();
    if (responses == null) {
      return;
    }
    add(responses, "400", "The request is invalid; the detail says why");
    if (!oauth) {
      add(responses, "401", "No token, or one that is unknown, revoked or expired");
      add(responses, "403", "The token's role or organization may not do this");
      add(responses, "429", "Past the caller's request rate; Retry-After says when to come back");
    }
    if (path.contains("{") || path.endsWith("/config")) {
      add(responses, "404", "No such resource (or not visible to the caller)");
    }
    if (operation.getRequestBody() != null) {
      add(responses, "415", "The body is not of the media type the route takes");
    }
    if (MUTATING.contains(method) && !oauth) {
      add(responses, "422", "The Idempotency-Key was used before with another request");
      if (path.startsWith("/api/v1/ailake/")) {
        add(responses, "409", "Conflicts with the current state: a name or id taken, a database that is not ready,"
            + " an operation-id used for another request; the detail says which");
      }
    }
    add(responses, "503", "A dependency (PostgreSQL, object storage) did not answer; retry later");
    responses.getAPIResponses().forEach((code, response) -> {
      if (code.startsWith("4") || code.startsWith("5")) {
        errorContent(path, method, iceberg, oauth, code, response);
      }
    });
  }

  private static void tag(String path, Operation operation, boolean iceberg, boolean oauth) {
    List<String> tags = operation.getTags() == null ? new ArrayList<>() : new ArrayList<>(operation.getTags());
    if (oauth) {
      tags = new ArrayList<>(List.of(OAUTH));
    } else if (iceberg) {
      tags = new ArrayList<>(List.of(path.endsWith("/config") ? CONFIGURATION : CATALOG));
    } else if (path.startsWith("/api/v1/ailake/") && !tags.contains(AI_LAKE)) {
      tags.add(0, AI_LAKE);
    }
    operation.setTags(tags);
  }

  private static void errorContent(String path, String method, boolean iceberg, boolean oauth, String code,
      APIResponse response) {
    if (method.equals("HEAD")) {
      response.setContent(null); // a HEAD answer has no body
      return;
    }
    if (Envelope.serves(path)) {
      response.setContent(OASFactory.createContent().addMediaType("application/json",
          OASFactory.createMediaType().schema(ref(ENVELOPE))));
      return;
    }
    String schema = oauth && (code.equals("400") || code.equals("401")) ? IcebergSchemas.OAUTH_ERROR
        : iceberg || oauth ? IcebergSchemas.ERROR : PROBLEM;
    String type = iceberg || oauth ? "application/json" : ApiErrors.PROBLEM_JSON;
    response.setContent(OASFactory.createContent().addMediaType(type, OASFactory.createMediaType().schema(ref(schema))));
  }

  /** Integer paging parameters as integers, and path parameters as the names the service creates. */
  private static void bound(Parameter parameter) {
    Schema schema = parameter.getSchema();
    if (parameter.getIn() == Parameter.In.PATH) {
      parameter.setRequired(true);
      Schema named = string().minLength(1);
      switch (parameter.getName()) {
        case "prefix", "instanceId", "storageIdOrName" -> named.pattern("^" + Names.NAME.pattern() + "$");
        case "orgId", "tokenId" -> named.format("uuid");
        case "tableName" -> named.pattern("^[a-z][a-z0-9_-]{0,62}$");
        case "operationId" -> named.pattern(OPERATION_ID);
        case "table", "view" -> named.maxLength(255);
        case "dataSourceId" -> named.maxLength(Names.LABEL_MAX_BYTES);
        default -> { }
      }
      parameter.setSchema(named);
      return;
    }
    if (parameter.getIn() == Parameter.In.HEADER && parameter.getName().equals("operation-id")) {
      parameter.setSchema(string().pattern(OPERATION_ID));
      return;
    }
    boolean untyped = schema == null || schema.getType() == null || schema.getType().contains(Schema.SchemaType.STRING);
    if (parameter.getIn() == Parameter.In.QUERY && untyped) {
      switch (parameter.getName()) {
        case "size" -> parameter.setSchema(integer().minimum(BigDecimal.ONE).defaultValue(Paging.DEFAULT_SIZE));
        case "offset", "page" -> parameter.setSchema(integer().minimum(BigDecimal.ZERO).defaultValue(0));
        case "snapshots" -> parameter.setSchema(string().enumeration(List.of("all", "refs")).defaultValue("all"));
        case "purgeRequested" -> parameter.setSchema(DocumentSchemas.bool().defaultValue(false));
        default -> { }
      }
    }
  }

  /** Iceberg's keyset paging: no pageToken lists everything, an empty one asks for the first page. */
  private static void addPaging(Operation operation) {
    operation.addParameter(OASFactory.createParameter().name("pageToken").in(Parameter.In.QUERY)
        .description("Empty for the first page, then the previous answer's next-page-token; absent: everything")
        .schema(string()));
    operation.addParameter(OASFactory.createParameter().name("pageSize").in(Parameter.In.QUERY)
        .description("Items per page (with pageToken); larger values are capped by the server")
        .schema(integer().minimum(BigDecimal.ONE)));
  }

  private static void add(APIResponses responses, String code, String description) {
    if (!responses.hasAPIResponse(code)) {
      responses.addAPIResponse(code, OASFactory.createAPIResponse().description(description));
    }
  }

  /**
   * GoodData's operation: oneOf pending, succeeded and failed, told apart by {@code status}; ours also
   * counts attempts and shows a retrying job's last error.
   */
  private static void addOperationSchemas(OpenAPI openAPI) {
    var components = openAPI.getComponents();
    String id = "e9fd5d74-8a1b-46bd-ac60-bd91e9206897";
    components.addSchema("OperationKind", string().enumeration(new ArrayList<>(OPERATION_KINDS))
        .description("What the operation does"));
    components.addSchema("OperationError", object("Why an operation failed: the status and words of the cause",
        props("title", string(), "status", integer(), "detail", string()), List.of("title", "status", "detail"),
        Map.of("title", "Operation failed", "status", 409, "detail", "A table named orders already exists")));
    components.addSchema("OperationLastError", object("Why a retrying operation's last attempt failed",
        props("status", integer(), "detail", string()), List.of("status", "detail"),
        Map.of("status", 503, "detail", "Object storage did not answer: Connection refused")));
    components.addSchema("PendingOperation", variant("An operation that has not finished (it may be retrying)",
        "pending", props("lastError", ref("OperationLastError")), List.of(),
        Map.of("id", id, "kind", "provision-database", "status", "pending", "attempts", 2,
            "lastError", Map.of("status", 503, "detail", "Object storage did not answer: Connection refused"))));
    components.addSchema("SucceededOperation", variant("An operation that succeeded",
        "succeeded", props("result", DocumentSchemas.anyObject("What the operation did; its shape depends on kind")),
        List.of(), Map.of("id", id, "kind", "provision-database", "status", "succeeded", "attempts", 1,
            "result", Map.of("databaseId", "3f0c6a52-8d3e-4c1e-9a57-2f4b1c9e7d10", "name", "sales"))));
    components.addSchema("FailedOperation", variant("An operation that failed for good",
        "failed", props("error", ref("OperationError")), List.of("error"),
        Map.of("id", id, "kind", "create-pipe-table", "status", "failed", "attempts", 1,
            "error", Map.of("title", "Operation failed", "status", 409,
                "detail", "A table named orders already exists"))));
    Map<String, String> mapping = new LinkedHashMap<>();
    for (String status : List.of("pending", "succeeded", "failed")) {
      mapping.put(status, "#/components/schemas/" + Character.toUpperCase(status.charAt(0)) + status.substring(1)
          + "Operation");
    }
    components.addSchema("Operation", OASFactory.createSchema()
        .description("A long-running operation, told apart by status")
        .oneOf(List.of(ref("PendingOperation"), ref("SucceededOperation"), ref("FailedOperation")))
        .discriminator(OASFactory.createDiscriminator().propertyName("status").mapping(mapping)));
  }

  private static Schema variant(String description, String status, Map<String, Schema> extra, List<String> required,
      Object example) {
    Map<String, Schema> properties = props("id", string(), "kind", ref("OperationKind"),
        "status", string().enumeration(List.of(status)),
        "attempts", integer().description("Attempts started so far"),
        "createdAt", string().format("date-time"), "updatedAt", string().format("date-time"));
    properties.putAll(extra);
    List<String> all = new ArrayList<>(List.of("id", "kind", "status", "attempts"));
    all.addAll(required);
    return object(description, properties, all, example);
  }

  /** A log's lines: timestamp, level and message, and the fields of what the line tells. */
  private static void addLogSchemas(OpenAPI openAPI) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("timestamp", "2026-05-07T10:15:31.204Z");
    line.put("level", "info");
    line.put("message", "File received");
    line.put("file", "orders-1.csv");
    line.put("bytes", 5120);
    line.put("rows", 120);
    openAPI.getComponents().addSchema("LogLine", object("One line of a log; beyond timestamp, level and message,"
            + " the fields of what it tells (file, rows, bytes, attempt, error, snapshotId...)",
        props("timestamp", string().format("date-time"), "level", string().enumeration(List.of("info", "warn", "error")),
            "message", string()), List.of("timestamp", "level", "message"), line)
        .additionalPropertiesBoolean(true));
    openAPI.getComponents().addSchema("LogsResponse", object("A log's lines, oldest first",
        props("logs", arrayOf(ref("LogLine"))), List.of("logs"), Map.of("logs", List.of(line))));
  }

  /** A log route's 200: the lines as JSON, or with follow=true their stream. */
  private static void logAnswers(Operation operation) {
    operation.removeExtension(LOGS);
    String json = "{\"timestamp\":\"2026-05-07T10:15:31.204Z\",\"level\":\"info\",\"message\":\"File received\","
        + "\"file\":\"orders-1.csv\",\"bytes\":5120,\"rows\":120}";
    operation.getResponses().addAPIResponse("200", OASFactory.createAPIResponse()
        .description("The lines, oldest first; with follow=true a stream of them (Server-Sent Events: one data line"
            + " of JSON each, and last an event end with the reason; NDJSON: one JSON line each) that ends when the"
            + " operation or sync ends, when the client leaves, or after ailake.logs.follow-max-duration")
        .content(OASFactory.createContent()
            .addMediaType("application/json", OASFactory.createMediaType().schema(ref("LogsResponse")))
            .addMediaType("text/event-stream", OASFactory.createMediaType().schema(string())
                .example("data: " + json + "\n\nevent: end\ndata: {\"reason\":\"ended\"}\n\n"))
            .addMediaType("application/x-ndjson", OASFactory.createMediaType().schema(string())
                .example(json + "\n"))));
  }

  @Override
  public Operation filterOperation(Operation operation) {
    if (operation.getExtensions() != null && operation.getExtensions().containsKey(LOGS)) {
      logAnswers(operation);
      return operation;
    }
    if (operation.getExtensions() == null || !operation.getExtensions().containsKey(ASYNC)) {
      return operation;
    }
    operation.removeExtension(ASYNC);
    if (operation.getResponses() != null) {
      operation.getResponses().removeAPIResponse("200");
      operation.getResponses().removeAPIResponse("204");
    }
    APIResponse accepted = OASFactory.createAPIResponse()
        .description("Accepted: the work runs as an operation; poll GET /api/v1/ailake/operations/{operation-id}")
        .addHeader("operation-id", OASFactory.createHeader()
            .description("The operation's id (the client's own when it sent the operation-id header)")
            .required(true)
            .schema(string())
            .example("e9fd5d74-8a1b-46bd-ac60-bd91e9206897"))
        .addHeader("operation-location", OASFactory.createHeader()
            .description("Where to poll the operation")
            .required(true)
            .schema(string())
            .example("/api/v1/ailake/operations/e9fd5d74-8a1b-46bd-ac60-bd91e9206897"))
        .content(OASFactory.createContent().addMediaType("application/json", OASFactory.createMediaType()
            .schema(OASFactory.createSchema().addType(Schema.SchemaType.OBJECT))
            .example(Map.of())));
    operation.getResponses().addAPIResponse("202", accepted);
    return operation;
  }
}
