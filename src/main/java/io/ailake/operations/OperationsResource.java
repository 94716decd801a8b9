package io.ailake.operations;

import io.ailake.api.ApiException;
import io.ailake.auth.Caller;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Polling of long-running operations. */
@Path("/api/v1/ailake/operations")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "AI Lake - Services & Operations")
public class OperationsResource {

  private final OperationService operations;
  private final Caller caller;

  OperationsResource(OperationService operations, Caller caller) {
    this.operations = operations;
    this.caller = caller;
  }

  /** GoodData's Operation: pending, succeeded (with result) or failed (with error). */
  @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  @org.eclipse.microprofile.openapi.annotations.media.Schema(name = "Operation", example = """
      {"id": "e9fd5d74-8a1b-46bd-ac60-bd91e9206897", "kind": "provision-database", "status": "succeeded",
      "result": {"databaseId": "3f0c6a52-8d3e-4c1e-9a57-2f4b1c9e7d10", "name": "sales"},
      "createdAt": "2026-05-07T10:15:30Z", "updatedAt": "2026-05-07T10:15:31Z"}""")
  public record OperationView(
      String id, String kind,
      @org.eclipse.microprofile.openapi.annotations.media.Schema(enumeration = {"pending", "succeeded", "failed"}) String status,
      Map<String, Object> result, Map<String, Object> error,
      java.time.Instant createdAt, java.time.Instant updatedAt) {}

  @GET
  @Path("/{operationId}")
  @Transactional
  @Operation(
      summary = "An operation's state: pending, then succeeded (with its result) or failed (with its error)")
  public OperationView get(@PathParam("operationId") String operationId) {
    Job job =
        operations.find(caller.organizationId(), operationId)
            .orElseThrow(() -> ApiException.notFound("Operation %s does not exist", operationId));
    Map<String, Object> error = job.state != Job.State.FAILED ? null
        : job.error != null ? job.error
        : Map.of("title", "Operation failed", "status", 500, "detail", String.valueOf(job.lastError));
    return new OperationView(job.operationId, job.kind, job.state.name().toLowerCase(java.util.Locale.ROOT),
        job.result, error, job.createdAt, job.updatedAt);
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
