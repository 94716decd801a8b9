package io.ailake.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The OpenAPI document and Swagger UI. The build writes the document from the routes' annotations
 * (smallrye-open-api-maven-plugin, with {@link ApiDocumentation}); it is served as written, YAML unless
 * {@code format=json} or {@code Accept: application/json} asks for JSON. The UI's scripts and styles
 * come from the smallrye-open-api-ui jar. Neither needs a token.
 */
@Path("/q")
public class ApiDocumentResource {

  private static final String DOCUMENT = "META-INF/openapi/openapi.";
  private static final String UI = "META-INF/resources/openapi-ui/";
  private static final Map<String, String> UI_FILES =
      Map.of(
          "swagger-ui.css", "text/css",
          "swagger-ui-bundle.js", "text/javascript",
          "swagger-ui-standalone-preset.js", "text/javascript",
          "favicon.ico", "image/x-icon");
  private static final String UI_PAGE =
      """
      <!DOCTYPE html>
      <html lang="en">
      <head>
        <meta charset="UTF-8">
        <title>ailake API</title>
        <link rel="stylesheet" href="/q/swagger-ui/swagger-ui.css">
        <link rel="icon" href="/q/swagger-ui/favicon.ico">
      </head>
      <body>
        <div id="swagger-ui"></div>
        <script src="/q/swagger-ui/swagger-ui-bundle.js"></script>
        <script src="/q/swagger-ui/swagger-ui-standalone-preset.js"></script>
        <script>
          window.ui = SwaggerUIBundle({
            url: "/q/openapi?format=json",
            dom_id: "#swagger-ui",
            deepLinking: true,
            presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
            layout: "StandaloneLayout"
          });
        </script>
      </body>
      </html>
      """;

  @GET
  @Path("openapi")
  @Operation(hidden = true)
  public Response document(
      @QueryParam("format") String format, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
    boolean json =
        format != null ? format.equalsIgnoreCase("json") : accept != null && accept.contains("json");
    return json
        ? resource(DOCUMENT + "json", "application/json;charset=UTF-8")
        : resource(DOCUMENT + "yaml", "application/yaml;charset=UTF-8");
  }

  @GET
  @Path("swagger-ui")
  @Operation(hidden = true)
  public Response page() {
    return Response.ok(UI_PAGE, "text/html;charset=UTF-8").build();
  }

  @GET
  @Path("swagger-ui/{file}")
  @Operation(hidden = true)
  public Response uiFile(@PathParam("file") String file) {
    String type = UI_FILES.get(file);
    if (type == null) {
      throw new NotFoundException();
    }
    return Response.fromResponse(resource(UI + file, type))
        .header(HttpHeaders.CACHE_CONTROL, "public, max-age=86400")
        .build();
  }

  private static Response resource(String name, String type) {
    InputStream content = ApiDocumentResource.class.getClassLoader().getResourceAsStream(name);
    if (content == null) {
      throw new IllegalStateException("The build did not package " + name);
    }
    return Response.ok(content, type).build();
  }
}
