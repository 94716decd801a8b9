package io.ailake.api;

import io.ailake.auth.AuthFilter;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

/**
 * Completes the OpenAPI document where annotations cannot say it once: every route but the OAuth2
 * token endpoint takes a bearer token, every asynchronous AI Lake call (marked with the {@value #ASYNC}
 * extension) answers 202 with the operation's headers, and every error of an {@code /api} route is a
 * problem+json document. It runs when the build writes the document (smallrye-open-api-maven-plugin,
 * see pom.xml).
 */
public class ApiDocumentation implements OASFilter {

  public static final String ASYNC = "x-ailake-async";
  private static final String PROBLEM = "Problem";
  private static final String BEARER = "bearer";

  @Override
  public void filterOpenAPI(OpenAPI openAPI) {
    openAPI.getComponents().addSchema(PROBLEM, OASFactory.createSchema()
        .addType(Schema.SchemaType.OBJECT)
        .description("An error of the AI Lake and admin APIs (RFC 9457); traceId equals the X-Request-ID header")
        .addProperty("title", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
        .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER))
        .addProperty("detail", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
        .addProperty("traceId", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
        .example(Map.of("title", "Conflict", "status", 409,
            "detail", "A database named sales already exists", "traceId", "0c6f4a2e9b1d4f7a")));
    openAPI.getComponents().addSecurityScheme(BEARER, OASFactory.createSecurityScheme()
        .type(SecurityScheme.Type.HTTP)
        .scheme("bearer")
        .description("An ailake token (its secret), an access token from /iceberg/v1/oauth/tokens, or a JWT"
            + " of the configured OIDC issuer"));
    openAPI.getPaths().getPathItems().forEach((path, item) -> {
      if (!path.equals(AuthFilter.OAUTH_TOKENS)) {
        item.getOperations().values().forEach(operation ->
            operation.addSecurityRequirement(OASFactory.createSecurityRequirement().addScheme(BEARER)));
      }
      if (!path.startsWith("/api/")) {
        return;
      }
      item.getOperations().values().forEach(operation -> {
        var responses = operation.getResponses();
        if (responses == null) {
          return;
        }
        if (path.contains("{")) {
          addError(responses, "404", "No such resource (or not visible to the caller)");
        }
        if (operation.getRequestBody() != null) {
          addError(responses, "400", "The request is invalid; the detail says why");
        }
        responses.getAPIResponses().forEach((code, response) -> {
          if (code.startsWith("4") || code.startsWith("5")) {
            response.setContent(OASFactory.createContent().addMediaType(ApiErrors.PROBLEM_JSON,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM))));
          }
        });
      });
    });
  }

  private static void addError(org.eclipse.microprofile.openapi.models.responses.APIResponses responses,
      String code, String description) {
    if (!responses.hasAPIResponse(code)) {
      responses.addAPIResponse(code, OASFactory.createAPIResponse().description(description));
    }
  }

  @Override
  public Operation filterOperation(Operation operation) {
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
            .schema(OASFactory.createSchema().addType(Schema.SchemaType.STRING))
            .example("e9fd5d74-8a1b-46bd-ac60-bd91e9206897"))
        .addHeader("operation-location", OASFactory.createHeader()
            .description("Where to poll the operation")
            .schema(OASFactory.createSchema().addType(Schema.SchemaType.STRING))
            .example("/api/v1/ailake/operations/e9fd5d74-8a1b-46bd-ac60-bd91e9206897"))
        .content(OASFactory.createContent().addMediaType("application/json", OASFactory.createMediaType()
            .schema(OASFactory.createSchema().addType(Schema.SchemaType.OBJECT))
            .example(Map.of())));
    operation.getResponses().addAPIResponse("202", accepted);
    return operation;
  }
}
