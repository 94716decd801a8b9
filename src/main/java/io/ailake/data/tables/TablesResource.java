package io.ailake.data.tables;

import io.ailake.api.PageParameters;
import io.ailake.api.Paging;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The tables of a database instance: list, create, describe, drop, snapshots and their tags, schema
 * evolution. Every table is an ordinary Iceberg table of the catalog; {@code {namespace}} separates its
 * levels with dots.
 */
@Path("/api/v1/ailake/database/instances/{instanceId}/tables")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "AI Lake - Tables")
@io.ailake.auth.Idempotent
public class TablesResource {

  private static final String TABLE = "/{namespace}/{table}";

  private final LakeTables tables;
  private final SchemaChanges schemas;

  TablesResource(LakeTables tables, SchemaChanges schemas) {
    this.tables = tables;
    this.schemas = schemas;
  }

  @GET
  @Operation(operationId = "listAiLakeDatabaseTables",
      summary = "List the database's tables, by namespace and name; metaInclude=page adds the totals")
  @APIResponse(responseCode = "200", description = "A page of the tables",
      content = @Content(mediaType = MediaType.APPLICATION_JSON,
          schema = @Schema(implementation = TableViews.ListTablesResponse.class)))
  @APIResponse(responseCode = "404", description = "No such database, or no such namespace")
  public TableViews.ListTablesResponse list(
      @PathParam("instanceId") String instanceId,
      @Parameter(description = "Only the tables of this namespace (levels separated by dots)")
          @QueryParam("namespace") String namespace,
      @BeanParam PageParameters parameters,
      @Context UriInfo uri) {
    Paging paging = parameters.paging();
    LakeTables.Page page = tables.list(instanceId, namespace, paging);
    return TableViews.ListTablesResponse.of(page.tables(), paging, page.total(), uri);
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(operationId = "createAiLakeDatabaseTable",
      summary = "Create an Iceberg table: columns with Iceberg types, partitioning, properties; its namespace is"
          + " created when missing")
  @APIResponse(responseCode = "201", description = "Created: the table, as getAiLakeDatabaseTable answers it",
      headers = @Header(name = "Location", description = "The table's path", schema = @Schema(type = SchemaType.STRING)),
      content = @Content(mediaType = MediaType.APPLICATION_JSON,
          schema = @Schema(implementation = TableViews.TableDocument.class)))
  @APIResponse(responseCode = "400", description = "An invalid name, column type or partition term; the detail names it")
  @APIResponse(responseCode = "409", description = "A table of that name exists, or the database is not ready")
  public Response create(@PathParam("instanceId") String instanceId, TableRequests.CreateTable request,
      @Context UriInfo uri) {
    TableViews.TableDocument created = tables.create(instanceId, request);
    return Response.status(201)
        .header("Location", uri.getRequestUri().getRawPath() + "/" + encode(created.namespace()) + "/"
            + encode(created.name()))
        .entity(created)
        .build();
  }

  @GET
  @Path(TABLE)
  @Operation(operationId = "getAiLakeDatabaseTable",
      summary = "A table's schema (columns with field ids, nested too), partitioning, properties, current snapshot"
          + " and row count")
  @APIResponse(responseCode = "200", description = "The table",
      content = @Content(mediaType = MediaType.APPLICATION_JSON,
          schema = @Schema(implementation = TableViews.TableDocument.class)))
  public TableViews.TableDocument get(
      @PathParam("instanceId") String instanceId,
      @PathParam("namespace") String namespace,
      @PathParam("table") String table) {
    return tables.describe(instanceId, namespace, table);
  }

  @DELETE
  @Path(TABLE)
  @io.ailake.auth.ChangeKeepsAnswer
  @Operation(operationId = "deleteAiLakeDatabaseTable",
      summary = "Drop a table; purge=true also deletes its files in the background (only what the catalog wrote)")
  @APIResponse(responseCode = "204", description = "Dropped")
  public void delete(
      @PathParam("instanceId") String instanceId,
      @PathParam("namespace") String namespace,
      @PathParam("table") String table,
      @Parameter(description = "Also delete the files the table's metadata reaches and the catalog wrote",
          schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "false"))
          @QueryParam("purge") String purge) {
    tables.drop(instanceId, namespace, table, purge);
  }

  @GET
  @Path(TABLE + "/snapshots")
  @Operation(operationId = "listAiLakeTableSnapshots",
      summary = "Every snapshot of the table, oldest first (complete, not paged), with the tags and branches on each")
  @APIResponse(responseCode = "200", description = "The snapshots",
      content = @Content(mediaType = MediaType.APPLICATION_JSON,
          schema = @Schema(implementation = TableViews.ListSnapshotsResponse.class)))
  public TableViews.ListSnapshotsResponse snapshots(
      @PathParam("instanceId") String instanceId,
      @PathParam("namespace") String namespace,
      @PathParam("table") String table) {
    return tables.snapshots(instanceId, namespace, table);
  }

  @POST
  @Path(TABLE + "/snapshots")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(operationId = "createAiLakeTableSnapshot",
      summary = "Name the current (or a given) snapshot with an Iceberg tag, optionally kept maxAgeDays")
  @APIResponse(responseCode = "201", description = "Tagged",
      content = @Content(mediaType = MediaType.APPLICATION_JSON,
          schema = @Schema(implementation = TableViews.SnapshotTag.class)))
  @APIResponse(responseCode = "400", description = "No name, an unknown snapshot, or a table without snapshots")
  @APIResponse(responseCode = "409", description = "A tag or branch of that name exists")
  public Response tag(
      @PathParam("instanceId") String instanceId,
      @PathParam("namespace") String namespace,
      @PathParam("table") String table,
      TableRequests.CreateSnapshot request) {
    return Response.status(201).entity(tables.tag(instanceId, namespace, table, request)).build();
  }

  @POST
  @Path(TABLE + "/schema")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(operationId = "evolveAiLakeTableSchema",
      summary = "Add, rename, drop, widen or make optional columns, atomically, without rewriting data")
  @APIResponse(responseCode = "200", description = "The table with its new schema",
      content = @Content(mediaType = MediaType.APPLICATION_JSON,
          schema = @Schema(implementation = TableViews.TableDocument.class)))
  @APIResponse(responseCode = "400", description = "An invalid change (a type that cannot widen, a partition source"
      + " dropped, a missing column); the detail names it")
  @APIResponse(responseCode = "409", description = "The table's schema changed underneath (or is not expectedSchemaId):"
      + " reload it and retry")
  public TableViews.TableDocument evolve(
      @PathParam("instanceId") String instanceId,
      @PathParam("namespace") String namespace,
      @PathParam("table") String table,
      TableRequests.EvolveSchema request) {
    return schemas.evolve(instanceId, namespace, table, request);
  }

  private static String encode(String segment) {
    return java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }
}
