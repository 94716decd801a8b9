package io.ailake.ingest;

import io.ailake.auth.AuthFilter;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.io.InputStream;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The seed's file-upload paths (docs/ingest.md, "The seed's paths"), a thin translation onto the syncs of
 * the database instances: start and end may carry the token as the body's {@code api_key}.
 */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Seed - File upload", description = "The DataInsider document's sync paths, onto the syncs of the"
    + " database instances")
public class SeedSyncsResource {

  private final SeedSyncs syncs;
  private final AuthFilter auth;

  SeedSyncsResource(SeedSyncs syncs, AuthFilter auth) {
    this.syncs = syncs;
    this.auth = auth;
  }

  @POST
  @Path("/ingestion/file/sync/start")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(operationId = "startSeedSync", summary = "Start a sync into the table a path names"
      + " (/<database>/<namespace>/<table>; created from the first file when missing); api_key in the body may"
      + " stand for the Authorization header")
  @APIResponse(responseCode = "200", description = "Started",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SeedSyncViews.Started.class)))
  @APIResponse(responseCode = "400", description = "An invalid name, path, sync_type or format, or no body")
  @APIResponse(responseCode = "401", description = "Neither a valid api_key nor a valid bearer token")
  @APIResponse(responseCode = "403", description = "The token may only read")
  @APIResponse(responseCode = "404", description = "No such database")
  @APIResponse(responseCode = "409", description = "The database is not ready")
  @APIResponse(responseCode = "415", description = "The body is not JSON")
  public SeedSyncViews.Started start(SeedSyncRequests.Start request, @Context ContainerRequestContext context,
      @Context HttpServerRequest http) {
    auth.admitBodyKey(context, http, request == null ? null : request.apiKey());
    return syncs.start(request);
  }

  @POST
  @Path("/lake/file/upload")
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  @Operation(operationId = "uploadSeedSyncFile", summary = "Upload files (parts named file) into an open sync;"
      + " code 0 when every file was taken, 1 with msg when one failed")
  @APIResponse(responseCode = "200", description = "The files' outcome",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SeedSyncViews.Uploaded.class)))
  @APIResponse(responseCode = "400", description = "No or a non-numeric sync_id, a path that is not the sync's"
      + " table, no part named file, or a body that is no multipart form")
  @APIResponse(responseCode = "403", description = "The token may only read")
  @APIResponse(responseCode = "404", description = "No such sync in the organization")
  @APIResponse(responseCode = "409", description = "The sync ended, was aborted or expired: it takes no more files")
  @APIResponse(responseCode = "413", description = "The request is larger than quarkus.http.limits.max-body-size (100G)")
  @APIResponse(responseCode = "415", description = "The body is not multipart/form-data")
  public SeedSyncViews.Uploaded upload(
      @Parameter(description = "The sync's table, /<database>/<namespace>/<table>: when given, it must be the"
          + " sync's") @QueryParam("path") String path,
      @Parameter(description = "The id the sync's start answered", required = true,
          schema = @Schema(type = SchemaType.INTEGER)) @QueryParam("sync_id") String syncId,
      @Parameter(hidden = true) @HeaderParam("Content-Type") String contentType,
      @Parameter(hidden = true) @HeaderParam("Content-Length") String contentLength,
      @RequestBody(required = true, description = "One or more parts named file, each a file of the sync's format",
          content = @Content(mediaType = MediaType.MULTIPART_FORM_DATA, schema = @Schema(type = SchemaType.OBJECT,
              properties = @SchemaProperty(name = "file", type = SchemaType.STRING, format = "binary",
                  description = "A file; repeat the part for more"))))
          InputStream body) {
    return syncs.upload(path, syncId, contentType, SyncsResource.length(contentLength), body);
  }

  @POST
  @Path("/ingestion/file/sync/end")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(operationId = "endSeedSync", summary = "End a sync in one commit; success false with the reason when"
      + " it failed; api_key in the body may stand for the Authorization header")
  @APIResponse(responseCode = "200", description = "Ended: success true (committed), or false (a file failed:"
      + " nothing committed)",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SeedSyncViews.Ended.class)))
  @APIResponse(responseCode = "400", description = "No body, or no or a non-numeric sync_id")
  @APIResponse(responseCode = "401", description = "Neither a valid api_key nor a valid bearer token")
  @APIResponse(responseCode = "403", description = "The token may only read")
  @APIResponse(responseCode = "404", description = "No such sync in the organization")
  @APIResponse(responseCode = "409", description = "The sync was aborted, or its commit lost against concurrent"
      + " changes (end it again)")
  @APIResponse(responseCode = "415", description = "The body is not JSON")
  public SeedSyncViews.Ended end(SeedSyncRequests.End request, @Context ContainerRequestContext context,
      @Context HttpServerRequest http) {
    auth.admitBodyKey(context, http, request == null ? null : request.apiKey());
    return syncs.end(request);
  }

  @GET
  @Path("/ingestion/file/sync/list")
  @Operation(operationId = "listSeedSyncs", summary = "The syncs of all the organization's databases, oldest first")
  @APIResponse(responseCode = "200", description = "A page of the syncs",
      content = @Content(mediaType = MediaType.APPLICATION_JSON,
          schema = @Schema(type = SchemaType.ARRAY, implementation = SeedSyncViews.Sync.class)))
  @APIResponse(responseCode = "400", description = "A bad from or size")
  public List<SeedSyncViews.Sync> list(
      @Parameter(description = "Syncs to skip", schema = @Schema(type = SchemaType.INTEGER, minimum = "0",
          defaultValue = "0")) @QueryParam("from") String from,
      @Parameter(description = "Syncs per page", schema = @Schema(type = SchemaType.INTEGER, minimum = "1",
          maximum = "500", defaultValue = "50")) @QueryParam("size") String size) {
    return syncs.list(from, size);
  }

  @GET
  @Path("/ingestion/file/sync/history")
  @Operation(operationId = "listSeedSyncHistory", summary = "The files uploaded into the syncs of all the"
      + " organization's databases, oldest first")
  @APIResponse(responseCode = "200", description = "A page of the files",
      content = @Content(mediaType = MediaType.APPLICATION_JSON,
          schema = @Schema(type = SchemaType.ARRAY, implementation = SeedSyncViews.FileEntry.class)))
  @APIResponse(responseCode = "400", description = "A bad from or size")
  public List<SeedSyncViews.FileEntry> history(
      @Parameter(description = "Files to skip", schema = @Schema(type = SchemaType.INTEGER, minimum = "0",
          defaultValue = "0")) @QueryParam("from") String from,
      @Parameter(description = "Files per page", schema = @Schema(type = SchemaType.INTEGER, minimum = "1",
          maximum = "500", defaultValue = "50")) @QueryParam("size") String size) {
    return syncs.history(from, size);
  }
}
