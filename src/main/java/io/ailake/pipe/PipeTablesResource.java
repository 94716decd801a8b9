package io.ailake.pipe;

import io.ailake.api.PageParameters;
import io.ailake.api.Paging;
import io.ailake.operations.OperationsResource;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Pipe tables of a database instance (both client shapes, see {@link io.ailake.api.JsonApi}), plus refresh. */
@Path("/api/v1/ailake/database/instances/{instanceId}/pipeTables")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "AI Lake - Pipe Tables")
@io.ailake.auth.Idempotent
public class PipeTablesResource {

  private static final String OPERATION_ID = "operation-id";

  private final PipeTables pipeTables;

  PipeTablesResource(PipeTables pipeTables) {
    this.pipeTables = pipeTables;
  }

  @GET
  @Operation(operationId = "listAiLakePipeTables", summary = "List the database's pipe tables, by name")
  public PipeTableViews.ListPipeTablesResponse list(
      @PathParam("instanceId") String instanceId, @BeanParam PageParameters parameters, @Context UriInfo uri) {
    Paging paging = parameters.paging();
    return PipeTableViews.ListPipeTablesResponse.of(pipeTables.list(instanceId), paging, uri);
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @org.eclipse.microprofile.openapi.annotations.extensions.Extension(name = io.ailake.api.ApiDocumentation.ASYNC, value = "true")
  @Operation(operationId = "createAiLakePipeTable", summary = "Create a pipe table: infer its columns from the parquet files under pathPrefix, load them,"
      + " then keep loading new ones; 202 with operation-id")
  public Response create(
      @PathParam("instanceId") String instanceId,
      @HeaderParam(OPERATION_ID) String operationId,
      PipeTableRequests.CreatePipeTable request) {
    return OperationsResource.accepted(pipeTables.create(instanceId, request, operationId));
  }

  @GET
  @Path("/{tableName}")
  @Operation(operationId = "getAiLakePipeTable", summary = "A pipe table, with its columns, configuration and loading progress")
  public PipeTableViews.PipeTableDocument get(
      @PathParam("instanceId") String instanceId, @PathParam("tableName") String tableName, @Context UriInfo uri) {
    return PipeTableViews.PipeTableDocument.of(pipeTables.get(instanceId, tableName), uri);
  }

  @GET
  @Path("/{tableName}/files")
  @Operation(operationId = "listAiLakePipeTableFiles",
      summary = "The files the pipe table's loader took, in load order: rows, bytes, times, FINISHED or FAILED with why")
  @APIResponse(responseCode = "200", description = "A page of the files, with the total",
      content = @Content(mediaType = MediaType.APPLICATION_JSON,
          schema = @Schema(implementation = PipeTableViews.ListFilesResponse.class)))
  @APIResponse(responseCode = "400", description = "A bad from, size or status; the detail names it")
  @APIResponse(responseCode = "404", description = "No such database or pipe table")
  public PipeTableViews.ListFilesResponse files(
      @PathParam("instanceId") String instanceId,
      @PathParam("tableName") String tableName,
      @Parameter(description = "Files to skip", schema = @Schema(type = SchemaType.INTEGER, format = "int32",
          minimum = "0", defaultValue = "0")) @QueryParam("from") String from,
      @Parameter(description = "Files per page", schema = @Schema(type = SchemaType.INTEGER, format = "int32",
          minimum = "1", maximum = "500", defaultValue = "50")) @QueryParam("size") String size,
      @Parameter(description = "Only the files in this state", schema = @Schema(type = SchemaType.STRING,
          enumeration = {"SYNCING", "FINISHED", "FAILED"})) @QueryParam("status") String status) {
    return pipeTables.files(instanceId, tableName, status, Paging.from(from, size));
  }

  @GET
  @Path("/{tableName}/logs")
  @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS, io.ailake.logs.LogAnswers.NDJSON})
  @org.eclipse.microprofile.openapi.annotations.extensions.Extension(name = io.ailake.api.ApiDocumentation.LOGS, value = "true")
  @Operation(operationId = "getAiLakePipeTableLogs", summary = "What the loader did for a pipe table: files found,"
      + " loaded (rows) or failed (why); follow=true streams new lines until the client leaves")
  public Response logs(
      @PathParam("instanceId") String instanceId,
      @PathParam("tableName") String tableName,
      @BeanParam io.ailake.logs.LogParameters parameters) {
    return pipeTables.logs(instanceId, tableName, parameters);
  }

  @DELETE
  @Path("/{tableName}")
  @org.eclipse.microprofile.openapi.annotations.extensions.Extension(name = io.ailake.api.ApiDocumentation.ASYNC, value = "true")
  @Operation(operationId = "deleteAiLakePipeTable", summary = "Delete a pipe table and its Iceberg table (the source files stay); 202 with operation-id")
  public Response delete(
      @PathParam("instanceId") String instanceId,
      @PathParam("tableName") String tableName,
      @HeaderParam(OPERATION_ID) String operationId) {
    return OperationsResource.accepted(pipeTables.delete(instanceId, tableName, operationId));
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Path("/{tableName}/refresh")
  @org.eclipse.microprofile.openapi.annotations.extensions.Extension(name = io.ailake.api.ApiDocumentation.ASYNC, value = "true")
  @Operation(operationId = "refreshAiLakePipeTablePartition", summary = "Replace one Hive partition's rows with what its files hold now; 202 with operation-id")
  public Response refresh(
      @PathParam("instanceId") String instanceId,
      @PathParam("tableName") String tableName,
      @HeaderParam(OPERATION_ID) String operationId,
      PipeTableRequests.RefreshPartition request) {
    return OperationsResource.accepted(pipeTables.refresh(instanceId, tableName, request, operationId));
  }
}
