package io.ailake.ingest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** File-upload syncs of a database instance (docs/ingest.md): start, upload files, end or abort, list, history. */
@Path("/api/v1/ailake/database/instances/{instanceId}/syncs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "AI Lake - Syncs", description = "Upload files into a table in syncs that end in one commit")
public class SyncsResource {

  private final Syncs syncs;
  private final SyncUploads uploads;
  private final SyncEnds ends;

  SyncsResource(Syncs syncs, SyncUploads uploads, SyncEnds ends) {
    this.syncs = syncs;
    this.uploads = uploads;
    this.ends = ends;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @io.ailake.auth.Idempotent
  @Operation(operationId = "startAiLakeSync", summary = "Start a sync of files into a table: FULL replaces its rows"
      + " at the end, INCREMENTAL appends")
  @APIResponse(responseCode = "201", description = "Started: the sync, SYNCING",
      headers = @Header(name = "Location", description = "The sync's path", schema = @Schema(type = SchemaType.STRING)),
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SyncViews.Sync.class)))
  @APIResponse(responseCode = "400", description = "An invalid name, table, syncType, format or csv setting")
  @APIResponse(responseCode = "404", description = "No such database, or no such table (without createTable)")
  public Response start(@PathParam("instanceId") String instanceId, SyncRequests.StartSync request,
      @Context UriInfo uri) {
    SyncViews.Sync started = syncs.start(instanceId, request);
    return Response.status(201).header("Location", uri.getRequestUri().getRawPath() + "/" + started.syncId())
        .entity(started).build();
  }

  @GET
  @Operation(operationId = "listAiLakeSyncs", summary = "The database's syncs, newest first, with their files' totals")
  @APIResponse(responseCode = "200", description = "A page of the syncs",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SyncViews.SyncList.class)))
  @APIResponse(responseCode = "400", description = "A bad from, size or status")
  public SyncViews.SyncList list(
      @PathParam("instanceId") String instanceId,
      @Parameter(description = "Syncs to skip", schema = @Schema(type = SchemaType.INTEGER, minimum = "0",
          defaultValue = "0")) @QueryParam("from") String from,
      @Parameter(description = "Syncs per page", schema = @Schema(type = SchemaType.INTEGER, minimum = "1",
          maximum = "500", defaultValue = "50")) @QueryParam("size") String size,
      @Parameter(description = "Only the syncs of this status", schema = @Schema(type = SchemaType.STRING,
          enumeration = {"SYNCING", "FINISHED", "FAILED", "ABORTED"})) @QueryParam("status") String status) {
    return syncs.list(instanceId, status, from, size);
  }

  @GET
  @Path("/history")
  @Operation(operationId = "listAiLakeSyncHistory", summary = "The files uploaded into the database's syncs (or one"
      + " sync's), newest first, with their states and messages")
  @APIResponse(responseCode = "200", description = "A page of the files",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SyncViews.History.class)))
  @APIResponse(responseCode = "400", description = "A bad from or size")
  public SyncViews.History history(
      @PathParam("instanceId") String instanceId,
      @Parameter(description = "Files to skip", schema = @Schema(type = SchemaType.INTEGER, minimum = "0",
          defaultValue = "0")) @QueryParam("from") String from,
      @Parameter(description = "Files per page", schema = @Schema(type = SchemaType.INTEGER, minimum = "1",
          maximum = "500", defaultValue = "50")) @QueryParam("size") String size,
      @Parameter(description = "Only the files of this sync", schema = @Schema(type = SchemaType.INTEGER))
          @QueryParam("syncId") String syncId) {
    return syncs.history(instanceId, syncId, from, size);
  }

  @GET
  @Path("/{syncId}")
  @Operation(operationId = "getAiLakeSync", summary = "A sync and its files' totals")
  @APIResponse(responseCode = "200", description = "The sync",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SyncViews.Sync.class)))
  @APIResponse(responseCode = "404", description = "No such sync in the database")
  public SyncViews.Sync get(@PathParam("instanceId") String instanceId, @PathParam("syncId") String syncId) {
    return syncs.get(instanceId, syncId);
  }

  @POST
  @Path("/{syncId}/files")
  // no @Consumes: the body's type is checked after the sync is found, so another organization's is a 404 first
  @Operation(operationId = "uploadAiLakeSyncFiles", summary = "Upload files into an open sync: each file part is"
      + " streamed to the table's storage, checked, and recorded FINISHED or FAILED (with why); the same file (name"
      + " and content) is taken once")
  @APIResponse(responseCode = "200", description = "Each file part's outcome, in order",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SyncViews.Upload.class)))
  @APIResponse(responseCode = "400", description = "No part named file, or a body that is no multipart form")
  @APIResponse(responseCode = "404", description = "No such sync in the database")
  @APIResponse(responseCode = "409", description = "The sync ended, was aborted or expired: it takes no more files")
  @APIResponse(responseCode = "413", description = "The request is larger than quarkus.http.limits.max-body-size (100G)")
  @APIResponse(responseCode = "415", description = "The body is not multipart/form-data")
  public SyncViews.Upload upload(
      @PathParam("instanceId") String instanceId,
      @PathParam("syncId") String syncId,
      @Parameter(hidden = true) @HeaderParam("Content-Type") String contentType,
      @Parameter(hidden = true) @HeaderParam("Content-Length") String contentLength,
      @RequestBody(required = true, description = "One or more parts named file, each a file of the sync's format;"
          + " a file larger than ailake.ingest.max-file-bytes fails alone",
          content = @Content(mediaType = MediaType.MULTIPART_FORM_DATA, schema = @Schema(type = SchemaType.OBJECT,
              properties = @SchemaProperty(name = "file", type = SchemaType.STRING, format = "binary",
                  description = "A file; repeat the part for more"))))
          InputStream body) {
    return uploads.upload(instanceId, syncId, contentType, length(contentLength), body);
  }

  @POST
  @Path("/{syncId}/end")
  @Operation(operationId = "endAiLakeSync", summary = "End a sync in one commit (FULL: replace the table's rows and"
      + " tag the old ones trash-<syncId>); ending again answers the same")
  @APIResponse(responseCode = "200", description = "The sync, FINISHED (committed) or FAILED (a file failed and"
      + " onFileError is fail: nothing committed)",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SyncViews.Sync.class)))
  @APIResponse(responseCode = "404", description = "No such sync in the database")
  @APIResponse(responseCode = "409", description = "The sync was aborted, or its commit lost against concurrent"
      + " changes (end it again)")
  public SyncViews.Sync end(@PathParam("instanceId") String instanceId, @PathParam("syncId") String syncId) {
    return ends.end(instanceId, syncId);
  }

  @POST
  @Path("/{syncId}/abort")
  @Operation(operationId = "abortAiLakeSync", summary = "Abort an open sync and delete the files it stored; aborting"
      + " again answers the same")
  @APIResponse(responseCode = "200", description = "The sync, ABORTED",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SyncViews.Sync.class)))
  @APIResponse(responseCode = "404", description = "No such sync in the database")
  @APIResponse(responseCode = "409", description = "The sync already ended")
  public SyncViews.Sync abort(@PathParam("instanceId") String instanceId, @PathParam("syncId") String syncId) {
    return syncs.abort(instanceId, syncId);
  }

  @GET
  @Path("/{syncId}/logs")
  @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS, io.ailake.logs.LogAnswers.NDJSON})
  @org.eclipse.microprofile.openapi.annotations.extensions.Extension(name = io.ailake.api.ApiDocumentation.LOGS, value = "true")
  @Operation(operationId = "getAiLakeSyncLogs", summary = "What the service did for a sync: started, each file"
      + " received (bytes, rows) or failed (why), ended with its snapshot, aborted or expired; follow=true streams"
      + " until the sync ends")
  public Response logs(@PathParam("instanceId") String instanceId, @PathParam("syncId") String syncId,
      @jakarta.ws.rs.BeanParam io.ailake.logs.LogParameters parameters) {
    return syncs.logs(instanceId, syncId, parameters);
  }

  static long length(String contentLength) {
    try {
      return contentLength == null ? -1 : Long.parseLong(contentLength.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
