package io.ailake.statistics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ailake.operations.OperationsResource;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Table statistics of a database: Iceberg Puffin files with a theta sketch of every column's values. */
@Path("/api/v1/ailake/database/instances/{instanceId}/analyzeStatistics")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "AI Lake - Pipe Tables")
@io.ailake.auth.Idempotent
public class StatisticsResource {

  private final StatisticsService statistics;
  private final ObjectMapper json;

  StatisticsResource(StatisticsService statistics, ObjectMapper json) {
    this.statistics = statistics;
    this.json = json;
  }

  /**
   * The body is read here rather than by the framework: it is optional, and a bare POST (no body, no
   * content type) means "every table", not 415. Unreadable JSON is still the 400 of {@code ApiErrors}.
   */
  @POST
  @org.eclipse.microprofile.openapi.annotations.extensions.Extension(name = io.ailake.api.ApiDocumentation.ASYNC, value = "true")
  @Operation(operationId = "analyzeStatistics",
      summary = "Compute row, null and distinct-value statistics of the named tables (all when none are"
          + " named) into Iceberg Puffin statistics files; 202 with operation-id")
  public Response analyze(
      @PathParam("instanceId") String instanceId,
      @Parameter(description = "Client-chosen operation id; repeating it repeats nothing")
          @HeaderParam("operation-id") String operationId,
      @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON,
          schema = @Schema(implementation = AnalyzeStatisticsRequest.class)))
          String body)
      throws JsonProcessingException {
    AnalyzeStatisticsRequest request =
        body == null || body.isBlank() ? null : json.readValue(body, AnalyzeStatisticsRequest.class);
    return OperationsResource.accepted(statistics.analyze(instanceId, request, operationId));
  }
}
