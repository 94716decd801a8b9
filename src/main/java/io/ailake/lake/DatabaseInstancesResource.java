package io.ailake.lake;

import io.ailake.api.Paging;
import io.ailake.operations.OperationsResource;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** AI Lake database instances and their data sources (the V2 "flat" shape). */
@Path("/api/v1/ailake/database/instances")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "AI Lake - Databases")
public class DatabaseInstancesResource {

  private static final String OPERATION_ID = "operation-id";

  private final DatabaseInstances databases;
  private final DataSources dataSources;

  DatabaseInstancesResource(DatabaseInstances databases, DataSources dataSources) {
    this.databases = databases;
    this.dataSources = dataSources;
  }

  @GET
  @Operation(summary = "List database instances, by name; metaInclude=page adds totalCount")
  public Map<String, Object> list(
      @QueryParam("size") String size,
      @QueryParam("offset") String offset,
      @QueryParam("metaInclude") List<String> metaInclude) {
    Paging paging = Paging.of(size, offset, metaInclude);
    DatabaseInstances.Page page = databases.list(paging.size(), paging.offset());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("databases", page.databases());
    if (paging.withTotal()) {
      body.put("totalCount", page.totalCount());
    }
    return body;
  }

  @POST
  @Operation(summary = "Provision a database instance (an Iceberg warehouse); 202 with operation-id")
  public Response provision(
      @Parameter(description = "Client-chosen operation id; repeating it repeats nothing")
          @HeaderParam(OPERATION_ID) String operationId,
      LakeRequests.ProvisionDatabaseInstance request) {
    return OperationsResource.accepted(databases.provision(request, operationId));
  }

  @GET
  @Path("/{instanceId}")
  @Operation(summary = "A database instance, by name or id")
  public DatabaseInstance get(@PathParam("instanceId") String instanceId) {
    return databases.get(instanceId);
  }

  @DELETE
  @Path("/{instanceId}")
  @Operation(summary = "Deprovision a database: drops its tables with their files; 202 with operation-id")
  public Response deprovision(
      @PathParam("instanceId") String instanceId, @HeaderParam(OPERATION_ID) String operationId) {
    return OperationsResource.accepted(databases.deprovision(instanceId, operationId));
  }

  @PATCH
  @Path("/{instanceId}/dataSource")
  @Operation(summary = "Replace the id (and name) recorded for one of the database's data sources")
  public Map<String, String> updateDataSource(
      @PathParam("instanceId") String instanceId, LakeRequests.UpdateDatabaseDataSource request) {
    DataSource.Info updated = dataSources.update(instanceId, request);
    return Map.of("dataSourceId", updated.dataSourceId(), "dataSourceName", updated.dataSourceName());
  }

  @GET
  @Path("/{instanceId}/dataSources")
  @Operation(summary = "List the database's data sources")
  public Map<String, Object> listDataSources(@PathParam("instanceId") String instanceId) {
    return Map.of("dataSources", dataSources.list(instanceId));
  }

  @POST
  @Path("/{instanceId}/dataSources")
  @Operation(summary = "Add a data source to the database")
  public Map<String, Object> addDataSource(
      @PathParam("instanceId") String instanceId, LakeRequests.AddDatabaseDataSource request) {
    return Map.of("dataSource", dataSources.add(instanceId, request));
  }

  @DELETE
  @Path("/{instanceId}/dataSources/{dataSourceId}")
  @Operation(summary = "Remove a data source; the last one cannot be removed")
  public Map<String, String> removeDataSource(
      @PathParam("instanceId") String instanceId, @PathParam("dataSourceId") String dataSourceId) {
    return Map.of("dataSourceId", dataSources.remove(instanceId, dataSourceId));
  }
}
