package io.ailake.data.envelope;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ailake.api.ApiException;
import io.ailake.api.Envelope;
import io.ailake.api.RequestIds;
import io.ailake.auth.AuditLog;
import io.ailake.auth.Caller;
import io.ailake.auth.Role;
import io.vertx.ext.web.RoutingContext;
import io.ailake.operations.OperationsResource;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The seed's operation envelope (docs/envelope.md): one route that names the operation in its body and
 * calls the service its REST route calls. The role is the operation's, checked here: the filter cannot
 * see the body, and lets any organization token through to this one route.
 */
@Path(Envelope.PATH)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Data Lake envelope", description = "The datalake.do operation envelope over the same services as the"
    + " REST routes")
@io.ailake.auth.Idempotent
public class DatalakeResource {

  private final DatalakeOperations operations;
  private final Caller caller;
  private final ObjectMapper json;
  private final RoutingContext routing;

  @Inject UriInfo uri;

  DatalakeResource(DatalakeOperations operations, Caller caller, ObjectMapper json, RoutingContext routing) {
    this.operations = operations;
    this.caller = caller;
    this.json = json;
    this.routing = routing;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(operationId = "datalakeOperation", summary = "Run one operation of the seed's envelope: create, delete,"
      + " createTable, dropTable, listTables, getSchema, snapshot, evolveSchema, insert, update, deleteRecords,"
      + " query, timeTravel",
      description = "Answers {success, data, meta} with the status the REST route answers (201 created, 202 a"
          + " database operation to poll at /api/v1/ailake/operations/{id}), or {success: false, error: {code,"
          + " message, details}, meta} with the real HTTP status. listTables, getSchema, query and timeTravel need a"
          + " read token, the others manage.")
  @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
      schema = @Schema(implementation = DatalakeRequest.class),
      examples = {
          @ExampleObject(name = "listTables", value = """
              {"operation": "listTables", "parameters": {"database": "sales", "namespace": "shop"}}"""),
          @ExampleObject(name = "createTable", value = """
              {"operation": "createTable", "parameters": {"database": "sales", "namespace": "shop", "table": "orders",
              "columns": [{"name": "id", "type": "long", "nullable": false}, {"name": "amount", "type": "decimal(12, 2)"}],
              "partitionBy": []}}"""),
          @ExampleObject(name = "insert", value = """
              {"operation": "insert", "parameters": {"database": "sales", "table": "shop.orders",
              "rows": [{"id": 1, "amount": 9.5}]}, "options": {"timeout": 30000}}"""),
          @ExampleObject(name = "timeTravel", value = """
              {"operation": "timeTravel", "parameters": {"database": "sales",
              "sql": "SELECT count(*) AS orders FROM shop.orders", "timestamp": "2025-06-30T00:00:00Z"},
              "options": {"timeout": 10000}}"""),
          @ExampleObject(name = "deleteRecords", value = """
              {"operation": "deleteRecords", "parameters": {"database": "sales", "namespace": "shop", "table": "orders",
              "where": "id = 1"}}"""),
          @ExampleObject(name = "create", value = """
              {"operation": "create", "parameters": {"name": "sales", "storageIds": ["s3-data-lake"]}}""")}))
  @APIResponse(responseCode = "200", description = "Done: data is what the REST route answers",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Envelope.Body.class),
          examples = @ExampleObject(name = "getSchema", value = """
              {"success": true, "data": {"namespace": "shop", "name": "orders", "schemaId": 0, "columns":
              [{"id": 1, "name": "id", "type": "long", "nullable": false}]},
              "meta": {"requestId": "6c1f2a9e-0b7d-4e51-9a3c-2d4e6f8a0b1c", "timestamp": "2025-01-01T12:00:00Z",
              "duration": 14}}""")))
  @APIResponse(responseCode = "201", description = "Created (createTable, snapshot, insert)",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "DatalakeResponse")))
  @APIResponse(responseCode = "202", description = "create, delete: data is the database operation; poll"
      + " GET /api/v1/ailake/operations/{data.id} until its status is succeeded or failed",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "DatalakeResponse")))
  @APIResponse(responseCode = "400", description = "VALIDATION_ERROR: an unknown operation, a missing or invalid"
      + " parameter", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "DatalakeResponse"),
          examples = @ExampleObject(name = "unknown operation", value = """
              {"success": false, "error": {"code": "VALIDATION_ERROR", "message": "Unknown operation 'drop': one of \
              create, delete, createTable, dropTable, listTables, getSchema, snapshot, evolveSchema, insert, update, \
              deleteRecords, query, timeTravel", "details": {"status": 400, "title": "Bad Request"}}, "meta": {"requestId":
              "6c1f2a9e-0b7d-4e51-9a3c-2d4e6f8a0b1c", "timestamp": "2025-01-01T12:00:00Z", "duration": 2}}""")))
  @APIResponse(responseCode = "404", description = "NOT_FOUND: no such database, namespace or table in the caller's"
      + " organization")
  @APIResponse(responseCode = "408", description = "TIMEOUT: options.timeout passed before the operation started, or"
      + " a query ran past it")
  @APIResponse(responseCode = "409", description = "VALIDATION_ERROR (details.status 409): a name taken, a database"
      + " not ready, a table changed underneath; reload and retry")
  @APIResponse(responseCode = "413", description = "VALIDATION_ERROR: the body is larger than the server takes")
  public Response run(DatalakeRequest request) {
    if (request == null) {
      throw ApiException.badRequest("A body {operation, parameters, options} is required");
    }
    DatalakeOperations.Operation operation = operations.operation(request.operation());
    if (!caller.role().atLeast(operation.role())) {
      throw new ApiException(403, "Forbidden",
          "A " + caller.role().wire() + " token may not run operation '" + operation.name() + "': it needs "
              + operation.role().wire());
    }
    if (operation.role() == Role.READ) {
      AuditLog.changesNothing(routing); // a read token may run it, as its REST route
    }
    Long timeout = timeout(request.options());
    Long elapsed = Envelope.elapsedMillis();
    if (timeout != null && elapsed != null && elapsed > timeout) {
      throw new ApiException(408, "Request Timeout",
          "options.timeout (" + timeout + " ms) passed before operation '" + operation.name() + "' started");
    }
    DatalakeOperations.Answer answer = operation.call().run(new Parameters(request.parameters(), json, timeout), uri);
    Response done = Envelope.success(answer.status(), answer.data(), RequestIds.current());
    if (answer.data() instanceof OperationsResource.OperationView started) {
      return Response.fromResponse(done).header("operation-id", started.id())
          .header("operation-location", "/api/v1/ailake/operations/" + started.id()).build();
    }
    return done;
  }

  private static Long timeout(DatalakeRequest.Options options) {
    if (options == null) {
      return null;
    }
    if (options.timeout() != null && options.timeout() < 1) {
      throw ApiException.badRequest("options.timeout must be a positive number of milliseconds");
    }
    if (options.retries() != null && options.retries() < 0) {
      throw ApiException.badRequest("options.retries must not be negative");
    }
    return options.timeout();
  }
}
