package io.ailake.operations;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ailake.api.ApiErrors;
import io.ailake.api.ApiException;
import io.ailake.api.PageParameters;
import io.ailake.api.Paging;
import io.ailake.auth.Caller;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Polling of long-running operations. */
@Path("/api/v1/ailake/operations")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "AI Lake - Services & Operations")
public class OperationsResource {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final OperationService operations;
  private final Caller caller;
  private final io.ailake.logs.LogAnswers logs;

  OperationsResource(OperationService operations, Caller caller, io.ailake.logs.LogAnswers logs) {
    this.operations = operations;
    this.caller = caller;
    this.logs = logs;
  }

  /**
   * GoodData's Operation: pending, succeeded (with result) or failed (with error); and, beyond it, how
   * many attempts ran and, while a job retries, why the last one failed.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "Operation", example = """
      {"id": "e9fd5d74-8a1b-46bd-ac60-bd91e9206897", "kind": "provision-database", "status": "succeeded",
      "attempts": 1, "result": {"databaseId": "3f0c6a52-8d3e-4c1e-9a57-2f4b1c9e7d10", "name": "sales"},
      "createdAt": "2026-05-07T10:15:30Z", "updatedAt": "2026-05-07T10:15:31Z"}""")
  public record OperationView(
      @Schema(required = true) String id,
      @Schema(required = true) String kind,
      @Schema(required = true, enumeration = {"pending", "succeeded", "failed"}) String status,
      @Schema(description = "Attempts started so far; a pending operation with more than one is retrying")
      int attempts,
      @Schema(description = "While a pending operation retries: its last attempt's failure, {status, detail}")
      Map<String, Object> lastError,
      Map<String, Object> result,
      @Schema(description = "Once failed: {title, status, detail}, the status and words of the cause")
      Map<String, Object> error,
      Instant createdAt, Instant updatedAt) {

    public static OperationView of(Job job) {
      Map<String, Object> lastError = lastError(job);
      Map<String, Object> error = job.state != Job.State.FAILED ? null
          : job.error != null ? job.error
          : withTitle(lastError != null ? lastError : Map.of("status", 500, "detail", JobFailure.SERVER_SIDE));
      return new OperationView(job.operationId, job.kind, word(job.state), job.attempts,
          job.state == Job.State.PENDING ? lastError : null, job.result, error, job.createdAt, job.updatedAt);
    }

    private static Map<String, Object> withTitle(Map<String, Object> lastError) {
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("title", "Operation failed");
      error.putAll(lastError);
      return error;
    }

    /**
     * {@code last_error} holds {@code {status, detail}}; a row written before it did holds
     * "ClassName: detail", of which only the detail is shown.
     */
    private static Map<String, Object> lastError(Job job) {
      if (job.lastError == null) {
        return null;
      }
      try {
        return JSON.readValue(job.lastError, new TypeReference<Map<String, Object>>() {});
      } catch (JsonProcessingException legacy) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("status", 500);
        error.put("detail", job.lastError.replaceFirst("^[A-Za-z0-9_$]+: ", ""));
        return error;
      }
    }
  }

  @Schema(name = "ListOperationsResponse", example = """
      {"operations": [{"id": "e9fd5d74-8a1b-46bd-ac60-bd91e9206897", "kind": "provision-database",
      "status": "pending", "attempts": 3, "lastError": {"status": 503,
      "detail": "Object storage did not answer: Connection refused"}, "createdAt": "2026-05-07T10:15:30Z", "updatedAt": "2026-05-07T10:15:37Z"}],
      "totalCount": 1}""")
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ListOperationsResponse(
      @Schema(required = true) List<OperationView> operations,
      @Schema(description = "All operations that match, with metaInclude=page") Long totalCount) {}

  @GET
  @Transactional
  @Operation(operationId = "listAiLakeOperations",
      summary = "The organization's operations, newest first, with attempts and a retrying one's last error")
  @APIResponse(responseCode = "200", description = "Operations of the caller's organization",
      content = @Content(mediaType = MediaType.APPLICATION_JSON,
          schema = @Schema(implementation = ListOperationsResponse.class)))
  @APIResponse(responseCode = "400", description = "An invalid status, kind, page, size, offset or metaInclude, or page with offset",
      content = @Content(mediaType = ApiErrors.PROBLEM_JSON))
  @APIResponse(responseCode = "401", description = "No valid token",
      content = @Content(mediaType = ApiErrors.PROBLEM_JSON))
  @APIResponse(responseCode = "403", description = "The token may not read this organization's AI Lake",
      content = @Content(mediaType = ApiErrors.PROBLEM_JSON))
  public ListOperationsResponse list(
      @Parameter(description = "Only operations in this status",
          schema = @Schema(type = SchemaType.STRING, enumeration = {"pending", "succeeded", "failed"}))
      @QueryParam("status") String status,
      @Parameter(description = "Only operations of this kind, e.g. provision-database",
          schema = @Schema(type = SchemaType.STRING, pattern = "^[a-z][a-z0-9-]{0,63}$"))
      @QueryParam("kind") String kind,
      @BeanParam PageParameters parameters) {
    Paging paging = parameters.paging();
    OperationService.Page page = operations.list(caller.organizationId(), state(status), kind(kind),
        paging.size(), paging.offset(), paging.withTotal());
    return new ListOperationsResponse(page.operations().stream().map(OperationView::of).toList(),
        page.totalCount());
  }

  @GET
  @Path("/{operationId}")
  @Transactional
  @Operation(operationId = "getAiLakeOperation",
      summary = "An operation's state: pending, then succeeded (with its result) or failed (with its error)")
  @APIResponse(responseCode = "200", description = "AI Lake Long Running Operation details successfully retrieved",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Operation")))
  public OperationView get(@PathParam("operationId") String operationId) {
    Job job =
        operations.find(caller.organizationId(), operationId)
            .orElseThrow(() -> ApiException.notFound("Operation %s does not exist", operationId));
    return OperationView.of(job);
  }

  @GET
  @Path("/{operationId}/logs")
  @Transactional
  @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS, io.ailake.logs.LogAnswers.NDJSON})
  @org.eclipse.microprofile.openapi.annotations.extensions.Extension(name = io.ailake.api.ApiDocumentation.LOGS, value = "true")
  @Operation(operationId = "getAiLakeOperationLogs", summary = "What the service did for an operation: claimed,"
      + " each attempt, succeeded or failed with its error; follow=true streams until the operation ends")
  public Response logs(@PathParam("operationId") String operationId, @BeanParam io.ailake.logs.LogParameters parameters) {
    java.util.UUID organizationId = caller.organizationId();
    Job job = operations.find(organizationId, operationId)
        .orElseThrow(() -> ApiException.notFound("Operation %s does not exist", operationId));
    return logs.answer(io.ailake.logs.LogSubject.operation(organizationId, job.operationId), parameters,
        () -> operations.ended(organizationId, job.operationId));
  }

  private static String word(Job.State state) {
    return state.name().toLowerCase(Locale.ROOT);
  }

  private static Job.State state(String status) {
    if (status == null || status.isBlank()) {
      return null;
    }
    for (Job.State state : Job.State.values()) {
      if (word(state).equals(status.trim())) {
        return state;
      }
    }
    throw ApiException.badRequest("status must be one of pending, succeeded, failed; got '%s'", status);
  }

  private String kind(String kind) {
    if (kind == null || kind.isBlank()) {
      return null;
    }
    java.util.SortedSet<String> kinds = operations.kinds();
    if (!kinds.contains(kind.trim())) {
      throw ApiException.badRequest("kind must be one of %s; got '%s'", String.join(", ", kinds), kind);
    }
    return kind.trim();
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
