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
import org.eclipse.microprofile.openapi.annotations.Operation;
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
