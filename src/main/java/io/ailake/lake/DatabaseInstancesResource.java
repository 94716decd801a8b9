package io.ailake.lake;

import io.ailake.api.JsonApi;
import io.ailake.api.PageParameters;
import io.ailake.api.Paging;
import io.ailake.operations.OperationsResource;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** AI Lake database instances and their data sources (both client shapes, see {@link JsonApi}). */
@Path("/api/v1/ailake/database/instances")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "AI Lake - Databases")
@io.ailake.auth.Idempotent
public class DatabaseInstancesResource {

  private static final String OPERATION_ID = "operation-id";

  private final DatabaseInstances databases;
  private final DataSources dataSources;

  DatabaseInstancesResource(DatabaseInstances databases, DataSources dataSources) {
    this.databases = databases;
    this.dataSources = dataSources;
  }

  static final String TYPE = "databaseInstance";
  static final String DATA_SOURCE_TYPE = "dataSource";

  /**
   * GoodData's {@code ListDatabaseInstancesResponse} ({@code databases}, {@code totalCount}) and {@code
   * JsonApiListDocumentDatabaseInstance} ({@code data}, {@code links}, {@code meta}) in one answer.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "ListDatabaseInstancesResponse", example = """
      {"data": [{"id": "3f0c6a52-8d3e-4c1e-9a57-2f4b1c9e7d10", "type": "databaseInstance", "attributes":
      {"id": "3f0c6a52-8d3e-4c1e-9a57-2f4b1c9e7d10", "name": "sales", "storageIds": ["0b6d2f64-1e0a-4e8b-8a0e-5c1b2d3e4f50"],
      "dataSources": [{"id": "8e3f7c1a-2b4d-4e6f-9a1b-3c5d7e9f1a2b", "dataSourceId": "sales", "dataSourceName": "sales"}],
      "state": "ready"}}], "links": {"self": "/api/v1/ailake/database/instances?metaInclude=page"},
      "meta": {"page": {"number": 0, "size": 50, "totalElements": 1, "totalPages": 1}},
      "databases": [{"id": "3f0c6a52-8d3e-4c1e-9a57-2f4b1c9e7d10", "name": "sales", "storageIds":
      ["0b6d2f64-1e0a-4e8b-8a0e-5c1b2d3e4f50"], "dataSources": [{"id": "8e3f7c1a-2b4d-4e6f-9a1b-3c5d7e9f1a2b",
      "dataSourceId": "sales", "dataSourceName": "sales"}], "state": "ready"}], "totalCount": 1}""")
  public record ListDatabaseInstancesResponse(
      @Schema(required = true) List<JsonApi.Item<DatabaseInstance>> data,
      @Schema(required = true) JsonApi.Links links,
      JsonApi.Meta meta,
      List<DatabaseInstance> databases,
      Long totalCount) {

    static ListDatabaseInstancesResponse of(List<DatabaseInstance> databases, Paging paging, Long total, UriInfo uri) {
      return new ListDatabaseInstancesResponse(JsonApi.items(TYPE, databases, DatabaseInstance::id),
          JsonApi.self(uri), JsonApi.meta(paging, total), databases, total);
    }
  }

  /**
   * GoodData's {@code ListDatabaseDataSourcesResponse} ({@code dataSources}) and {@code
   * JsonApiListDocumentDataSourceInfo} in one answer.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "ListDatabaseDataSourcesResponse", example = """
      {"data": [{"id": "8e3f7c1a-2b4d-4e6f-9a1b-3c5d7e9f1a2b", "type": "dataSource", "attributes":
      {"id": "8e3f7c1a-2b4d-4e6f-9a1b-3c5d7e9f1a2b", "dataSourceId": "sales", "dataSourceName": "sales"}}],
      "links": {"self": "/api/v1/ailake/database/instances/sales/dataSources"}, "meta": {"page": {"number": 0, "size": 50}},
      "dataSources": [{"id": "8e3f7c1a-2b4d-4e6f-9a1b-3c5d7e9f1a2b", "dataSourceId": "sales", "dataSourceName": "sales"}]}""")
  public record ListDatabaseDataSourcesResponse(
      @Schema(required = true) List<JsonApi.Item<DataSource.Info>> data,
      @Schema(required = true) JsonApi.Links links,
      JsonApi.Meta meta,
      List<DataSource.Info> dataSources,
      @Schema(description = "All the database's data sources, with metaInclude=page") Long totalCount) {

    static ListDatabaseDataSourcesResponse of(List<DataSource.Info> all, Paging paging, UriInfo uri) {
      List<DataSource.Info> page = paging.slice(all);
      Long total = paging.withTotal() ? (long) all.size() : null;
      return new ListDatabaseDataSourcesResponse(JsonApi.items(DATA_SOURCE_TYPE, page, DataSource.Info::id),
          JsonApi.self(uri), JsonApi.meta(paging, total), page, total);
    }
  }

  /**
   * One database: GoodData's {@code JsonApiDocumentDatabaseInstance} ({@code data}, {@code links}) with the
   * older client's flat {@code DatabaseInstance} fields beside them.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "DatabaseInstanceDocument", example = """
      {"data": {"id": "3f0c6a52-8d3e-4c1e-9a57-2f4b1c9e7d10", "type": "databaseInstance", "attributes":
      {"id": "3f0c6a52-8d3e-4c1e-9a57-2f4b1c9e7d10", "name": "sales", "storageIds": ["0b6d2f64-1e0a-4e8b-8a0e-5c1b2d3e4f50"],
      "dataSources": [{"id": "8e3f7c1a-2b4d-4e6f-9a1b-3c5d7e9f1a2b", "dataSourceId": "sales", "dataSourceName": "sales"}],
      "state": "ready"}}, "links": {"self": "/api/v1/ailake/database/instances/sales"},
      "id": "3f0c6a52-8d3e-4c1e-9a57-2f4b1c9e7d10", "name": "sales", "storageIds": ["0b6d2f64-1e0a-4e8b-8a0e-5c1b2d3e4f50"],
      "dataSources": [{"id": "8e3f7c1a-2b4d-4e6f-9a1b-3c5d7e9f1a2b", "dataSourceId": "sales", "dataSourceName": "sales"}],
      "state": "ready"}""")
  public record DatabaseInstanceDocument(
      @Schema(required = true) DatabaseInstanceItem data,
      @Schema(required = true) JsonApi.Links links,
      @JsonUnwrapped DatabaseInstance flat) {

    static DatabaseInstanceDocument of(DatabaseInstance database, UriInfo uri) {
      return new DatabaseInstanceDocument(new DatabaseInstanceItem(database.id(), TYPE, database), JsonApi.self(uri), database);
    }
  }

  /** {@link JsonApi.Item} of one database, named as GoodData names it. */
  @Schema(name = "JsonApiItemDatabaseInstance", example = """
      {"id": "3f0c6a52-8d3e-4c1e-9a57-2f4b1c9e7d10", "type": "databaseInstance", "attributes":
      {"id": "3f0c6a52-8d3e-4c1e-9a57-2f4b1c9e7d10", "name": "sales", "storageIds": ["0b6d2f64-1e0a-4e8b-8a0e-5c1b2d3e4f50"],
      "dataSources": [{"id": "8e3f7c1a-2b4d-4e6f-9a1b-3c5d7e9f1a2b", "dataSourceId": "sales", "dataSourceName": "sales"}],
      "state": "ready"}}""")
  public record DatabaseInstanceItem(
      @Schema(required = true) String id, @Schema(required = true) String type,
      @Schema(required = true) DatabaseInstance attributes) {}

  @Schema(name = "AddDatabaseDataSourceResponse", requiredProperties = {"dataSource"}, example = """
      {"dataSource": {"id": "8e3f7c1a-2b4d-4e6f-9a1b-3c5d7e9f1a2b", "dataSourceId": "sales-bi", "dataSourceName": "Sales BI"}}""")
  public record AddDatabaseDataSourceResponse(DataSource.Info dataSource) {}

  @Schema(name = "UpdateDatabaseDataSourceResponse", requiredProperties = {"dataSourceId", "dataSourceName"}, example = "{\"dataSourceId\": \"sales-bi\", \"dataSourceName\": \"Sales BI\"}")
  public record UpdateDatabaseDataSourceResponse(String dataSourceId, String dataSourceName) {}

  @Schema(name = "RemoveDatabaseDataSourceResponse", requiredProperties = {"dataSourceId"}, example = "{\"dataSourceId\": \"sales-bi\"}")
  public record RemoveDatabaseDataSourceResponse(String dataSourceId) {}

  @GET
  @Operation(operationId = "listAiLakeDatabaseInstances", summary = "List database instances, by name; metaInclude=page adds the totals")
  public ListDatabaseInstancesResponse list(@BeanParam PageParameters parameters, @Context UriInfo uri) {
    Paging paging = parameters.paging();
    DatabaseInstances.Page page = databases.list(paging.size(), paging.offset());
    return ListDatabaseInstancesResponse.of(page.databases(), paging, paging.withTotal() ? page.totalCount() : null, uri);
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @org.eclipse.microprofile.openapi.annotations.extensions.Extension(name = io.ailake.api.ApiDocumentation.ASYNC, value = "true")
  @Operation(operationId = "provisionAiLakeDatabaseInstance", summary = "Provision a database instance (an Iceberg warehouse); 202 with operation-id",
      description = "The database's root is <first storage's root>/<name>. When it already holds files, the request"
          + " is refused with 409 unless adoptExistingFiles is true; adopted files are never deleted by the"
          + " database's deprovisioning.")
  @APIResponse(responseCode = "409",
      description = "A database of that name or data source id exists, or the database's root already holds files"
          + " the catalog did not write (send adoptExistingFiles: true to provision there anyway)")
  public Response provision(
      @Parameter(description = "Client-chosen operation id; repeating it repeats nothing")
          @HeaderParam(OPERATION_ID) String operationId,
      LakeRequests.ProvisionDatabaseInstance request) {
    return OperationsResource.accepted(databases.provision(request, operationId));
  }

  @GET
  @Path("/{instanceId}")
  @Operation(operationId = "getAiLakeDatabaseInstance", summary = "A database instance, by name or id")
  public DatabaseInstanceDocument get(@PathParam("instanceId") String instanceId, @Context UriInfo uri) {
    return DatabaseInstanceDocument.of(databases.get(instanceId), uri);
  }

  @GET
  @Path("/{instanceId}/logs")
  @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS, io.ailake.logs.LogAnswers.NDJSON})
  @org.eclipse.microprofile.openapi.annotations.extensions.Extension(name = io.ailake.api.ApiDocumentation.LOGS, value = "true")
  @Operation(operationId = "getAiLakeDatabaseInstanceLogs", summary = "What the service did for a database: created,"
      + " storage checked, purge progress, deleted; follow=true streams new lines until the client leaves")
  public Response logs(@PathParam("instanceId") String instanceId, @BeanParam io.ailake.logs.LogParameters parameters) {
    return databases.logs(instanceId, parameters);
  }

  @DELETE
  @Path("/{instanceId}")
  @org.eclipse.microprofile.openapi.annotations.extensions.Extension(name = io.ailake.api.ApiDocumentation.ASYNC, value = "true")
  @Operation(operationId = "deprovisionAiLakeDatabaseInstance", summary = "Deprovision a database: drops its tables with their files; 202 with operation-id",
      description = "Deletes only what the catalog wrote: the files its tables' metadata reaches, its views' metadata"
          + " files, its marker, and the directories that are empty after that. Anything else under its root stays;"
          + " the operation's result has deletedFiles, retainedCount and retained (up to 100 locations, each with"
          + " the reason it stays).")
  public Response deprovision(
      @PathParam("instanceId") String instanceId, @HeaderParam(OPERATION_ID) String operationId) {
    return OperationsResource.accepted(databases.deprovision(instanceId, operationId));
  }

  @PATCH
  @Consumes(MediaType.APPLICATION_JSON)
  @Path("/{instanceId}/dataSource")
  @Operation(operationId = "updateAiLakeDatabaseDataSource", summary = "Replace the id (and name) recorded for one of the database's data sources")
  public UpdateDatabaseDataSourceResponse updateDataSource(
      @PathParam("instanceId") String instanceId, LakeRequests.UpdateDatabaseDataSource request) {
    DataSource.Info updated = dataSources.update(instanceId, request);
    return new UpdateDatabaseDataSourceResponse(updated.dataSourceId(), updated.dataSourceName());
  }

  @GET
  @Path("/{instanceId}/dataSources")
  @Operation(operationId = "listAiLakeDatabaseDataSources", summary = "List the database's data sources")
  public ListDatabaseDataSourcesResponse listDataSources(
      @PathParam("instanceId") String instanceId, @BeanParam PageParameters parameters, @Context UriInfo uri) {
    Paging paging = parameters.paging();
    return ListDatabaseDataSourcesResponse.of(dataSources.list(instanceId), paging, uri);
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Path("/{instanceId}/dataSources")
  @Operation(operationId = "addAiLakeDatabaseDataSource", summary = "Add a data source to the database")
  public AddDatabaseDataSourceResponse addDataSource(
      @PathParam("instanceId") String instanceId, LakeRequests.AddDatabaseDataSource request) {
    return new AddDatabaseDataSourceResponse(dataSources.add(instanceId, request));
  }

  @DELETE
  @Path("/{instanceId}/dataSources/{dataSourceId}")
  @Operation(operationId = "removeAiLakeDatabaseDataSource", summary = "Remove a data source; the last one cannot be removed")
  public RemoveDatabaseDataSourceResponse removeDataSource(
      @PathParam("instanceId") String instanceId, @PathParam("dataSourceId") String dataSourceId) {
    return new RemoveDatabaseDataSourceResponse(dataSources.remove(instanceId, dataSourceId));
  }
}
