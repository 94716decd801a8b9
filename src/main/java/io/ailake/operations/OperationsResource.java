package io.ailake.operations;

import io.ailake.api.ApiException;
import io.ailake.organization.Organizations;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Polling of long-running operations. */
@Path("/api/v1/ailake/operations")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "AI Lake - Services & Operations")
public class OperationsResource {

  private final OperationService operations;

  OperationsResource(OperationService operations) {
    this.operations = operations;
  }

  @GET
  @Path("/{operationId}")
  @Transactional
  @Operation(
      summary = "An operation's state: pending, then succeeded (with its result) or failed (with its error)")
  public Map<String, Object> get(@PathParam("operationId") String operationId) {
    Job job =
        operations.find(Organizations.DEFAULT_ID, operationId)
            .orElseThrow(() -> ApiException.notFound("Operation %s does not exist", operationId));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", job.operationId);
    body.put("kind", job.kind);
    body.put("status", job.state.name().toLowerCase(java.util.Locale.ROOT));
    if (job.result != null) {
      body.put("result", job.result);
    }
    if (job.state == Job.State.FAILED) {
      body.put("error", job.error != null ? job.error
          : Map.of("title", "Operation failed", "status", 500, "detail", String.valueOf(job.lastError)));
    }
    body.put("createdAt", job.createdAt);
    body.put("updatedAt", job.updatedAt);
    return body;
  }

  /** The 202 every asynchronous AI Lake call answers: the operation's id and where to poll it. */
  public static Response accepted(OperationService.Submitted submitted) {
    return Response.accepted(Map.of())
        .type(MediaType.APPLICATION_JSON_TYPE)
        .header("operation-id", submitted.operationId())
        .header("operation-location", "/api/v1/ailake/operations/" + submitted.operationId())
        .build();
  }
}
