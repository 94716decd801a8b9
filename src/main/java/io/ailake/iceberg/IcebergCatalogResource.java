package io.ailake.iceberg;

import io.ailake.AilakeConfig;
import io.ailake.api.RequestIds;
import io.ailake.auth.Caller;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.UpdateRequirement;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.rest.Endpoint;
import org.apache.iceberg.rest.requests.CommitTransactionRequest;
import org.apache.iceberg.rest.requests.CreateTableRequest;
import org.apache.iceberg.rest.requests.CreateViewRequest;
import org.apache.iceberg.rest.requests.RegisterTableRequest;
import org.apache.iceberg.rest.requests.RegisterViewRequest;
import org.apache.iceberg.rest.requests.RenameTableRequest;
import org.apache.iceberg.rest.requests.ReportMetricsRequest;
import org.apache.iceberg.rest.requests.UpdateNamespacePropertiesRequest;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.apache.iceberg.rest.responses.ConfigResponse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every route of the Iceberg REST catalog we serve, in one place: each one parses the request, calls
 * a service and writes Iceberg's own JSON. {@link #ENDPOINTS} is what {@code /v1/config} advertises.
 */
@Path("/iceberg/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Catalog API", description = "Iceberg REST catalog: namespaces, tables, views and transactions (getConfig is tagged Configuration API)")
@io.ailake.auth.Idempotent
public class IcebergCatalogResource {

  static final Endpoint V1_UNREGISTER_TABLE =
      Endpoint.create("POST", "/v1/{prefix}/namespaces/{namespace}/tables/{table}/unregister");

  public static final List<Endpoint> ENDPOINTS =
      List.of(
          Endpoint.V1_LIST_NAMESPACES,
          Endpoint.V1_LOAD_NAMESPACE,
          Endpoint.V1_NAMESPACE_EXISTS,
          Endpoint.V1_CREATE_NAMESPACE,
          Endpoint.V1_UPDATE_NAMESPACE,
          Endpoint.V1_DELETE_NAMESPACE,
          Endpoint.V1_COMMIT_TRANSACTION,
          Endpoint.V1_LIST_TABLES,
          Endpoint.V1_LOAD_TABLE,
          Endpoint.V1_TABLE_EXISTS,
          Endpoint.V1_CREATE_TABLE,
          Endpoint.V1_UPDATE_TABLE,
          Endpoint.V1_DELETE_TABLE,
          Endpoint.V1_RENAME_TABLE,
          Endpoint.V1_REGISTER_TABLE,
          Endpoint.V1_REPORT_METRICS,
          V1_UNREGISTER_TABLE,
          Endpoint.V1_LIST_VIEWS,
          Endpoint.V1_LOAD_VIEW,
          Endpoint.V1_VIEW_EXISTS,
          Endpoint.V1_CREATE_VIEW,
          Endpoint.V1_UPDATE_VIEW,
          Endpoint.V1_DELETE_VIEW,
          Endpoint.V1_RENAME_VIEW,
          Endpoint.V1_REGISTER_VIEW);

  private final WarehouseService warehouses;
  private final NamespaceService namespaces;
  private final TableService tables;
  private final TableCommits commits;
  private final ViewService views;
  private final AilakeConfig.Iceberg settings;
  private final String idempotencyKeyLifetime;
  private final String separator;
  private final Caller caller;
  private final CommitAnswers answers;

  IcebergCatalogResource(
      WarehouseService warehouses,
      NamespaceService namespaces,
      TableService tables,
      TableCommits commits,
      ViewService views,
      Caller caller,
      CommitAnswers answers,
      AilakeConfig config) {
    this.caller = caller;
    this.answers = answers;
    this.warehouses = warehouses;
    this.namespaces = namespaces;
    this.tables = tables;
    this.commits = commits;
    this.views = views;
    this.settings = config.iceberg();
    this.idempotencyKeyLifetime = config.auth().idempotencyKeyLifetime().toString();
    this.separator = URLDecoder.decode(settings.namespaceSeparator(), StandardCharsets.UTF_8);
  }

  @ServerExceptionMapper
  Response toIcebergError(Throwable error, ContainerRequestContext request) {
    return IcebergErrors.toResponse(error, RequestIds.of(request));
  }

  /** For failures raised before a route is chosen (unknown paths under /iceberg). */
  public static Response icebergError(Throwable error, ContainerRequestContext request) {
    return IcebergErrors.toResponse(error, RequestIds.of(request));
  }

  // ---- configuration ---------------------------------------------------------------------------

  @GET
  @Path("/config")
  @Operation(operationId = "getConfig", summary = "Catalog configuration for a warehouse: prefix, separator, served endpoints and, as defaults,"
      + " how to reach its storage (endpoint, region, addressing style; never keys)")
  @APIResponse(responseCode = "200", description = "The catalog configuration",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "CatalogConfig")))
  @APIResponse(responseCode = "404", description = "No such warehouse (or not the caller's)")
  public Response config(@QueryParam("warehouse") String warehouse) {
    Warehouse resolved = warehouses.resolve(warehouse);
    // Iceberg's builder probes the maps for null keys, which immutable maps refuse: use a HashMap
    Map<String, String> overrides = new HashMap<>();
    overrides.put("prefix", resolved.name);
    overrides.put("namespace-separator", settings.namespaceSeparator());
    // The storage settings go to the catalog's defaults, not to each table's config: an Iceberg client
    // opens a new FileIO for every loaded table whose config is not empty, and reuses its own otherwise.
    ConfigResponse config =
        ConfigResponse.builder()
            .withDefaults(new HashMap<>(resolved.storage().clientConfig()))
            .withOverrides(overrides)
            .withEndpoints(ENDPOINTS)
            .withIdempotencyKeyLifetime(idempotencyKeyLifetime)
            .build();
    return json(config);
  }

  // ---- namespaces ------------------------------------------------------------------------------

  @GET
  @Path("/{prefix}/namespaces")
  @Operation(operationId = "listNamespaces", summary = "List namespaces, optionally the children of a parent namespace")
  @APIResponse(responseCode = "200", description = "The namespaces, a page of them when pageToken is sent",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "ListNamespacesResponse")))
  public Response listNamespaces(
      @PathParam("prefix") String prefix,
      @QueryParam("parent") String parent,
      @Context UriInfo uri) {
    return json(namespaces.list(warehouse(prefix), namespace(parent), page(uri)));
  }

  @POST
  @Path("/{prefix}/namespaces")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(operationId = "createNamespace", summary = "Create a namespace")
  @io.ailake.auth.ChangeKeepsAnswer
  @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "CreateNamespaceRequest")))
  @APIResponse(responseCode = "200", description = "Created",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "CreateNamespaceResponse")))
  @APIResponse(responseCode = "409", description = "The namespace exists")
  public Response createNamespace(@PathParam("prefix") String prefix, String body) {
    return json(namespaces.create(caller.organizationId(), prefix, body));
  }

  @GET
  @Path("/{prefix}/namespaces/{namespace}")
  @Operation(operationId = "loadNamespaceMetadata", summary = "Load a namespace and its properties")
  @APIResponse(responseCode = "200", description = "The namespace and its properties",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "GetNamespaceResponse")))
  public Response loadNamespace(@PathParam("prefix") String prefix, @PathParam("namespace") String ns) {
    return json(namespaces.load(warehouse(prefix), namespace(ns)));
  }

  @HEAD
  @Path("/{prefix}/namespaces/{namespace}")
  @Operation(operationId = "namespaceExists", summary = "Check that a namespace exists")
  @APIResponse(responseCode = "204", description = "The namespace exists")
  public Response namespaceExists(@PathParam("prefix") String prefix, @PathParam("namespace") String ns) {
    Namespace namespace = namespace(ns);
    if (!namespaces.exists(warehouse(prefix), namespace)) {
      throw NamespaceService.noSuchNamespace(namespace);
    }
    return Response.noContent().build();
  }

  @DELETE
  @Path("/{prefix}/namespaces/{namespace}")
  @Operation(operationId = "dropNamespace", summary = "Drop an empty namespace")
  @io.ailake.auth.ChangeKeepsAnswer
  @APIResponse(responseCode = "204", description = "Dropped")
  @APIResponse(responseCode = "409", description = "The namespace is not empty")
  public Response dropNamespace(@PathParam("prefix") String prefix, @PathParam("namespace") String ns) {
    namespaces.drop(caller.organizationId(), prefix, namespace(ns));
    return Response.noContent().build();
  }

  @POST
  @Path("/{prefix}/namespaces/{namespace}/properties")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(operationId = "updateProperties", summary = "Set and remove namespace properties")
  @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "UpdateNamespacePropertiesRequest")))
  @APIResponse(responseCode = "200", description = "What was updated, removed and missing",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "UpdateNamespacePropertiesResponse")))
  public Response updateNamespaceProperties(
      @PathParam("prefix") String prefix, @PathParam("namespace") String ns, String body) {
    return json(
        namespaces.updateProperties(
            warehouse(prefix), namespace(ns), IcebergJson.read(body, UpdateNamespacePropertiesRequest.class)));
  }

  // ---- tables ----------------------------------------------------------------------------------

  @GET
  @Path("/{prefix}/namespaces/{namespace}/tables")
  @Operation(operationId = "listTables", summary = "List the tables of a namespace")
  @APIResponse(responseCode = "200", description = "The tables, a page of them when pageToken is sent",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "ListTablesResponse")))
  public Response listTables(
      @PathParam("prefix") String prefix,
      @PathParam("namespace") String ns,
      @Context UriInfo uri) {
    return json(tables.list(warehouse(prefix), namespace(ns), page(uri)));
  }

  @POST
  @Path("/{prefix}/namespaces/{namespace}/tables")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(operationId = "createTable", summary = "Create a table, or stage its creation (stage-create)")
  @io.ailake.auth.ChangeKeepsAnswer
  @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "CreateTableRequest")))
  @APIResponse(responseCode = "200", description = "The new (or staged) table, with an ETag header",
      headers = @Header(name = HttpHeaders.ETAG, description = "The table's version; send it as If-None-Match",
          schema = @Schema(implementation = String.class)),
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "LoadTableResult")))
  @APIResponse(responseCode = "409", description = "A table or view of that name exists")
  public Response createTable(
      @PathParam("prefix") String prefix, @PathParam("namespace") String ns, String body) {
    Warehouse warehouse = warehouse(prefix);
    CreateTableRequest request = IcebergJson.read(body, CreateTableRequest.class);
    IcebergNames.check("table name", request.name());
    TableMetadata metadata = tables.create(warehouse, namespace(ns), request);
    return tableJson(warehouse, metadata, SnapshotMode.ALL);
  }

  @POST
  @Path("/{prefix}/namespaces/{namespace}/register")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(operationId = "registerTable", summary = "Register an existing metadata file as a table")
  @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "RegisterTableRequest")))
  @APIResponse(responseCode = "200", description = "The registered table",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "LoadTableResult")))
  @APIResponse(responseCode = "409", description = "A table or view of that name exists")
  public Response registerTable(
      @PathParam("prefix") String prefix, @PathParam("namespace") String ns, String body) {
    Warehouse warehouse = warehouse(prefix);
    RegisterTableRequest request = IcebergJson.read(body, RegisterTableRequest.class);
    IcebergNames.check("table name", request.name());
    TableMetadata metadata = tables.register(warehouse, namespace(ns), request);
    return tableJson(warehouse, metadata, SnapshotMode.ALL);
  }

  @GET
  @Path("/{prefix}/namespaces/{namespace}/tables/{table}")
  @Operation(operationId = "loadTable", summary = "Load a table; 304 when If-None-Match holds the current ETag")
  @APIResponse(responseCode = "200", description = "The table, with an ETag header",
      headers = @Header(name = HttpHeaders.ETAG, description = "The table's version; send it as If-None-Match",
          schema = @Schema(implementation = String.class)),
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "LoadTableResult")))
  @APIResponse(responseCode = "304", description = "Not modified: If-None-Match holds the current ETag")
  public Response loadTable(
      @PathParam("prefix") String prefix,
      @PathParam("namespace") String ns,
      @PathParam("table") String table,
      @QueryParam("snapshots") String snapshots,
      @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
    TableIdentifier identifier = TableIdentifier.of(namespace(ns), table);
    SnapshotMode mode = SnapshotMode.parse(snapshots);
    WarehouseService.TablePointer pointer = warehouses.resolve(prefix, identifier);
    Warehouse warehouse = pointer.warehouse();
    String location = pointer.metadataLocation();
    if (location == null) {
      throw new NoSuchTableException("Table does not exist: %s", identifier);
    }
    if (ifNoneMatch != null) {
      String etag = ETags.of(location, mode);
      if (ETags.matches(ifNoneMatch, etag)) {
        tables.requireStillThere(warehouse, location);
        return Response.notModified().header(HttpHeaders.ETAG, etag).build();
      }
    }
    return tableJson(warehouse, tables.load(warehouse, location), mode);
  }

  @HEAD
  @Path("/{prefix}/namespaces/{namespace}/tables/{table}")
  @Operation(operationId = "tableExists", summary = "Check that a table exists")
  @APIResponse(responseCode = "204", description = "The table exists")
  public Response tableExists(
      @PathParam("prefix") String prefix, @PathParam("namespace") String ns, @PathParam("table") String table) {
    tables.checkExists(warehouse(prefix), TableIdentifier.of(namespace(ns), table));
    return Response.noContent().build();
  }

  @POST
  @Path("/{prefix}/namespaces/{namespace}/tables/{table}")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(operationId = "updateTable", summary = "Commit updates to a table (compare-and-swap of its metadata pointer)")
  @io.ailake.auth.ChangeKeepsAnswer
  @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "CommitTableRequest")))
  @APIResponse(responseCode = "200", description = "The new metadata, with an ETag header",
      headers = @Header(name = HttpHeaders.ETAG, description = "The table's version; send it as If-None-Match",
          schema = @Schema(implementation = String.class)),
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "CommitTableResponse")))
  @APIResponse(responseCode = "409", description = "A requirement does not hold (CommitFailedException): reload and retry")
  public Response commitTable(
      @PathParam("prefix") String prefix,
      @PathParam("namespace") String ns,
      @PathParam("table") String table,
      String body) {
    Warehouse warehouse = warehouse(prefix);
    UpdateTableRequest request = IcebergJson.read(body, UpdateTableRequest.class);
    if (creates(request)) {
      IcebergNames.check("table name", table);
    }
    TableMetadata metadata =
        commits.commit(warehouse, TableIdentifier.of(namespace(ns), table), request, answers.ofCurrentCall());
    return tableJson(warehouse, metadata, SnapshotMode.ALL);
  }

  @DELETE
  @Path("/{prefix}/namespaces/{namespace}/tables/{table}")
  @Operation(operationId = "dropTable", summary = "Drop a table; purgeRequested=true deletes its files in the background")
  @io.ailake.auth.ChangeKeepsAnswer
  @APIResponse(responseCode = "204", description = "Dropped")
  public Response dropTable(
      @PathParam("prefix") String prefix,
      @PathParam("namespace") String ns,
      @PathParam("table") String table,
      @QueryParam("purgeRequested") String purgeRequested) {
    tables.drop(caller.organizationId(), prefix, TableIdentifier.of(namespace(ns), table), flag(purgeRequested, "purgeRequested"));
    return Response.noContent().build();
  }

  @POST
  @Path("/{prefix}/namespaces/{namespace}/tables/{table}/unregister")
  @Operation(operationId = "unregisterTable", summary = "Remove a table from the catalog and keep its files")
  @APIResponse(responseCode = "200", description = "The table's last metadata; its files stay",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "LoadTableResult")))
  public Response unregisterTable(
      @PathParam("prefix") String prefix, @PathParam("namespace") String ns, @PathParam("table") String table) {
    return json(tables.unregister(warehouse(prefix), TableIdentifier.of(namespace(ns), table)));
  }

  @POST
  @Path("/{prefix}/namespaces/{namespace}/tables/{table}/metrics")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(operationId = "reportMetrics", summary = "Accept a scan or commit report")
  @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "ReportMetricsRequest")))
  @APIResponse(responseCode = "204", description = "Accepted")
  public Response reportMetrics(
      @PathParam("prefix") String prefix,
      @PathParam("namespace") String ns,
      @PathParam("table") String table,
      String body) {
    tables.checkExists(warehouse(prefix), TableIdentifier.of(namespace(ns), table));
    IcebergJson.read(body, ReportMetricsRequest.class);
    return Response.noContent().build();
  }

  @POST
  @Path("/{prefix}/tables/rename")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(operationId = "renameTable", summary = "Rename a table, also across namespaces")
  @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "RenameTableRequest")))
  @APIResponse(responseCode = "204", description = "Renamed")
  @APIResponse(responseCode = "409", description = "The destination exists as a table or view")
  public Response renameTable(@PathParam("prefix") String prefix, String body) {
    Warehouse warehouse = warehouse(prefix); // first: an unseen warehouse is not found, whatever the body says
    RenameTableRequest request = IcebergJson.read(body, RenameTableRequest.class);
    IcebergNames.checkIdentifier("table", request.destination());
    tables.rename(warehouse, request);
    return Response.noContent().build();
  }

  @POST
  @Path("/{prefix}/transactions/commit")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(operationId = "commitTransaction", summary = "Commit changes to several tables atomically")
  @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "CommitTransactionRequest")))
  @APIResponse(responseCode = "204", description = "Committed, all tables or none")
  @APIResponse(responseCode = "409", description = "A requirement does not hold (CommitFailedException)")
  public Response commitTransaction(@PathParam("prefix") String prefix, String body) {
    Warehouse warehouse = warehouse(prefix);
    CommitTransactionRequest request = IcebergJson.read(body, CommitTransactionRequest.class);
    for (UpdateTableRequest change : request.tableChanges()) {
      if (creates(change)) {
        IcebergNames.checkIdentifier("table", change.identifier());
      }
    }
    commits.commitTransaction(warehouse, request);
    return Response.noContent().build();
  }

  // ---- views -----------------------------------------------------------------------------------

  @GET
  @Path("/{prefix}/namespaces/{namespace}/views")
  @Operation(operationId = "listViews", summary = "List the views of a namespace")
  @APIResponse(responseCode = "200", description = "The views, a page of them when pageToken is sent",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "ListTablesResponse")))
  public Response listViews(
      @PathParam("prefix") String prefix,
      @PathParam("namespace") String ns,
      @Context UriInfo uri) {
    return json(views.list(warehouse(prefix), namespace(ns), page(uri)));
  }

  @POST
  @Path("/{prefix}/namespaces/{namespace}/views")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(operationId = "createView", summary = "Create a view")
  @io.ailake.auth.ChangeKeepsAnswer
  @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "CreateViewRequest")))
  @APIResponse(responseCode = "200", description = "The new view",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "LoadViewResult")))
  @APIResponse(responseCode = "409", description = "A table or view of that name exists")
  public Response createView(
      @PathParam("prefix") String prefix, @PathParam("namespace") String ns, String body) {
    Warehouse warehouse = warehouse(prefix);
    CreateViewRequest request = IcebergJson.read(body, CreateViewRequest.class);
    IcebergNames.check("view name", request.name());
    return json(views.create(warehouse, namespace(ns), request));
  }

  @POST
  @Path("/{prefix}/namespaces/{namespace}/register-view")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(operationId = "registerView", summary = "Register an existing view metadata file as a view")
  @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "RegisterViewRequest")))
  @APIResponse(responseCode = "200", description = "The registered view",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "LoadViewResult")))
  @APIResponse(responseCode = "409", description = "A table or view of that name exists")
  public Response registerView(
      @PathParam("prefix") String prefix, @PathParam("namespace") String ns, String body) {
    Warehouse warehouse = warehouse(prefix);
    RegisterViewRequest request = IcebergJson.read(body, RegisterViewRequest.class);
    IcebergNames.check("view name", request.name());
    return json(views.register(warehouse, namespace(ns), request));
  }

  @GET
  @Path("/{prefix}/namespaces/{namespace}/views/{view}")
  @Operation(operationId = "loadView", summary = "Load a view")
  @APIResponse(responseCode = "200", description = "The view",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "LoadViewResult")))
  public Response loadView(
      @PathParam("prefix") String prefix, @PathParam("namespace") String ns, @PathParam("view") String view) {
    return json(views.load(warehouse(prefix), TableIdentifier.of(namespace(ns), view)));
  }

  @HEAD
  @Path("/{prefix}/namespaces/{namespace}/views/{view}")
  @Operation(operationId = "viewExists", summary = "Check that a view exists")
  @APIResponse(responseCode = "204", description = "The view exists")
  public Response viewExists(
      @PathParam("prefix") String prefix, @PathParam("namespace") String ns, @PathParam("view") String view) {
    views.checkExists(warehouse(prefix), TableIdentifier.of(namespace(ns), view));
    return Response.noContent().build();
  }

  @POST
  @Path("/{prefix}/namespaces/{namespace}/views/{view}")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(operationId = "replaceView", summary = "Commit updates to a view")
  @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "CommitViewRequest")))
  @APIResponse(responseCode = "200", description = "The new view metadata",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "LoadViewResult")))
  @APIResponse(responseCode = "409", description = "A requirement does not hold (CommitFailedException)")
  public Response commitView(
      @PathParam("prefix") String prefix,
      @PathParam("namespace") String ns,
      @PathParam("view") String view,
      String body) {
    return json(
        views.commit(
            warehouse(prefix), TableIdentifier.of(namespace(ns), view), IcebergJson.read(body, UpdateTableRequest.class)));
  }

  @DELETE
  @Path("/{prefix}/namespaces/{namespace}/views/{view}")
  @Operation(operationId = "dropView", summary = "Drop a view")
  @io.ailake.auth.ChangeKeepsAnswer
  @APIResponse(responseCode = "204", description = "Dropped")
  public Response dropView(
      @PathParam("prefix") String prefix, @PathParam("namespace") String ns, @PathParam("view") String view) {
    views.drop(caller.organizationId(), prefix, TableIdentifier.of(namespace(ns), view));
    return Response.noContent().build();
  }

  @POST
  @Path("/{prefix}/views/rename")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(operationId = "renameView", summary = "Rename a view, also across namespaces")
  @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "RenameTableRequest")))
  @APIResponse(responseCode = "204", description = "Renamed")
  @APIResponse(responseCode = "409", description = "The destination exists as a view or table")
  public Response renameView(@PathParam("prefix") String prefix, String body) {
    Warehouse warehouse = warehouse(prefix);
    RenameTableRequest request = IcebergJson.read(body, RenameTableRequest.class);
    IcebergNames.checkIdentifier("view", request.destination());
    views.rename(warehouse, request);
    return Response.noContent().build();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private Warehouse warehouse(String prefix) {
    return warehouses.resolve(prefix);
  }

  /** A commit that creates its table (a staged create's second step) names a new table. */
  private static boolean creates(UpdateTableRequest request) {
    return request.requirements() != null
        && request.requirements().stream().anyMatch(r -> r instanceof UpdateRequirement.AssertTableDoesNotExist);
  }

  private Namespace namespace(String value) {
    return NamespaceKeys.parse(value, separator);
  }

  /** Reads the raw query: an empty {@code pageToken=} (first page) differs from no token (everything). */
  private Page page(UriInfo uri) {
    MultivaluedMap<String, String> query = uri.getQueryParameters();
    String pageToken =
        query.containsKey("pageToken") ? Objects.requireNonNullElse(query.getFirst("pageToken"), "") : null;
    return Page.of(
        pageToken, query.getFirst("pageSize"), settings.defaultPageSize(), settings.maxPageSize());
  }

  private static boolean flag(String value, String name) {
    if (value == null || value.isEmpty()) {
      return false;
    }
    if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(value);
    }
    throw new IllegalArgumentException("Invalid " + name + ": " + value + " (true or false)");
  }

  private static Response json(Object body) {
    return json(IcebergJson.write(body));
  }

  private static Response json(byte[] body) {
    return Response.ok(body, MediaType.APPLICATION_JSON_TYPE).build();
  }

  private Response tableJson(Warehouse warehouse, TableMetadata metadata, SnapshotMode mode) {
    Response.ResponseBuilder builder =
        Response.ok(tables.loadResultJson(metadata, mode), MediaType.APPLICATION_JSON_TYPE);
    if (metadata.metadataFileLocation() != null) {
      builder.header(HttpHeaders.ETAG, ETags.of(metadata.metadataFileLocation(), mode));
    }
    return builder.build();
  }
}
