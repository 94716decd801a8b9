package io.ailake.data.rows;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Rows of a table of a database instance: insert, update and delete over REST (docs/rows.md). */
@Path("/api/v1/ailake/database/instances/{instanceId}/tables/{namespace}/{table}/rows")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "AI Lake - Table Rows", description = "Insert, update and delete the rows of a database's tables")
@io.ailake.auth.Idempotent
public class RowsResource {

  static final String NDJSON = "application/x-ndjson";
  static final String CSV = "text/csv";

  private final RowInserts inserts;
  private final RowChanges changes;

  RowsResource(RowInserts inserts, RowChanges changes) {
    this.inserts = inserts;
    this.changes = changes;
  }

  /** An insert's JSON body: the array of row objects. */
  @Schema(name = "AiLakeTableRows", description = "The rows to insert: one object per row, members named as the"
      + " table's columns (a missing optional column is null)", minItems = 1,
      type = SchemaType.ARRAY, implementation = Row.class, example = "[{\"id\": 1}, {\"id\": 2}]")
  public static final class TableRows {}

  @Schema(name = "AiLakeTableRow", type = SchemaType.OBJECT, description = "A row: column names and their values",
      additionalProperties = Schema.True.class, example = "{\"id\": 1}")
  public static final class Row {}

  @POST
  @Consumes({MediaType.APPLICATION_JSON, NDJSON, CSV})
  @Operation(operationId = "insertAiLakeTableRows", summary = "Insert rows, checked against the table's schema and"
      + " appended in one commit; a bad row refuses them all (400 naming its row and column)")
  @APIResponse(responseCode = "201", description = "The rows are committed",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = InsertedRows.class)))
  @APIResponse(responseCode = "413", description = "The body is larger than ailake.rows.max-body-bytes")
  public Response insert(
      @PathParam("instanceId") String instanceId,
      @Parameter(description = "the table's namespace; levels separated by dots", example = "sales")
          @PathParam("namespace") String namespace,
      @PathParam("table") String table,
      @RequestBody(required = true, description = "JSON: an array of row objects. NDJSON: one row object per line."
          + " CSV: a header row naming columns, then one row per line; an empty field is null; a nested column's"
          + " field holds JSON. Dates, times and timestamps are ISO-8601 text, binary is base64.",
          content = {
              @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TableRows.class)),
              @Content(mediaType = NDJSON, schema = @Schema(type = SchemaType.STRING)),
              @Content(mediaType = CSV, schema = @Schema(type = SchemaType.STRING),
                  examples = @ExampleObject(name = "rows", value = "id\n1\n2\n"))})
          RowsBody body) {
    try (body) {
      return Response.status(Response.Status.CREATED).entity(inserts.insert(instanceId, namespace, table, body)).build();
    }
  }

  @POST
  @Path("/update")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(operationId = "updateAiLakeTableRows", summary = "Set columns of the rows a SQL predicate matches, in"
      + " the table's write.update.mode (copy-on-write or merge-on-read)")
  @APIResponse(responseCode = "200", description = "The change is committed (or no row matched)",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UpdatedRows.class)))
  public UpdatedRows update(
      @PathParam("instanceId") String instanceId,
      @Parameter(description = "the table's namespace; levels separated by dots", example = "sales")
          @PathParam("namespace") String namespace,
      @PathParam("table") String table,
      @RequestBody(required = true) RowRequests.UpdateRows request) {
    return changes.update(instanceId, namespace, table, request);
  }

  @POST
  @Path("/delete")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(operationId = "deleteAiLakeTableRows", summary = "Delete the rows a SQL predicate matches, in the"
      + " table's write.delete.mode (copy-on-write or merge-on-read)")
  @APIResponse(responseCode = "200", description = "The change is committed (or no row matched)",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DeletedRows.class)))
  public DeletedRows delete(
      @PathParam("instanceId") String instanceId,
      @Parameter(description = "the table's namespace; levels separated by dots", example = "sales")
          @PathParam("namespace") String namespace,
      @PathParam("table") String table,
      @RequestBody(required = true) RowRequests.DeleteRows request) {
    return changes.delete(instanceId, namespace, table, request);
  }
}
