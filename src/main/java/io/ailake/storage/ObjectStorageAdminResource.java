package io.ailake.storage;

import io.ailake.api.ApiErrors;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * An organization's admin registers and maintains its object storages (S3 and MINIO; LOCAL ones are the
 * server admin's, see {@link OrganizationStoragesResource}). Every create and patch is probed with the
 * storage's own keys.
 */
@Path("/api/v1/admin/objectStorages")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Admin - Object Storages", description = "Register S3, MinIO and local-disk storages")
@io.ailake.auth.Idempotent
public class ObjectStorageAdminResource {

  private final ObjectStorageService storages;
  private final io.ailake.auth.Caller caller;

  ObjectStorageAdminResource(ObjectStorageService storages, io.ailake.auth.Caller caller) {
    this.storages = storages;
    this.caller = caller;
  }

  @POST
  @Operation(operationId = "createObjectStorage", summary = "Register an object storage",
      description = "Writes, reads back and deletes a probe object under the root with the given keys first.")
  @APIResponse(responseCode = "201", description = "Registered", content = @Content(mediaType = "application/json", schema = @org.eclipse.microprofile.openapi.annotations.media.Schema(implementation = ObjectStorageView.class)))
  @APIResponse(responseCode = "400", description = "Invalid request, or the probe failed (the detail names the step)",
      content = @Content(mediaType = ApiErrors.PROBLEM_JSON))
  @APIResponse(responseCode = "403", description = "A LOCAL storage: only the server admin registers one",
      content = @Content(mediaType = ApiErrors.PROBLEM_JSON))
  @APIResponse(responseCode = "409", description = "The name is taken, or the root overlaps another organization's",
      content = @Content(mediaType = ApiErrors.PROBLEM_JSON))
  public Response create(ObjectStorageRequest request) {
    ObjectStorage created = storages.create(caller.organizationId(), request);
    return Response.created(URI.create("/api/v1/admin/objectStorages/" + created.id))
        .entity(ObjectStorageView.of(created))
        .build();
  }

  @GET
  @Operation(operationId = "listObjectStorages", summary = "List object storages, ordered by name")
  public ObjectStorageView.Listing list() {
    return new ObjectStorageView.Listing(storages.list(caller.organizationId()).stream().map(ObjectStorageView::of).toList());
  }

  @GET
  @Path("{storageIdOrName}")
  @Operation(operationId = "getObjectStorage", summary = "Get an object storage by id or name")
  @APIResponse(responseCode = "200", description = "The storage", content = @Content(mediaType = "application/json", schema = @org.eclipse.microprofile.openapi.annotations.media.Schema(implementation = ObjectStorageView.class)))
  @APIResponse(responseCode = "404", description = "No such storage", content = @Content(mediaType = ApiErrors.PROBLEM_JSON))
  public ObjectStorageView get(@PathParam("storageIdOrName") String storageIdOrName) {
    return ObjectStorageView.of(storages.get(caller.organizationId(), storageIdOrName));
  }

  @PATCH
  @Path("{storageIdOrName}")
  @Operation(operationId = "updateObjectStorage", summary = "Change an object storage",
      description = "Changes only the fields sent, then probes the result before storing it.")
  @APIResponse(responseCode = "200", description = "Changed", content = @Content(mediaType = "application/json", schema = @org.eclipse.microprofile.openapi.annotations.media.Schema(implementation = ObjectStorageView.class)))
  @APIResponse(responseCode = "400", description = "Invalid change, or the probe failed",
      content = @Content(mediaType = ApiErrors.PROBLEM_JSON))
  @APIResponse(responseCode = "403", description = "A LOCAL storage: only the server admin changes one",
      content = @Content(mediaType = ApiErrors.PROBLEM_JSON))
  @APIResponse(responseCode = "404", description = "No such storage", content = @Content(mediaType = ApiErrors.PROBLEM_JSON))
  @APIResponse(responseCode = "409",
      description = "Name taken, root of a storage in use, or a storage declared in configuration",
      content = @Content(mediaType = ApiErrors.PROBLEM_JSON))
  public ObjectStorageView patch(@PathParam("storageIdOrName") String storageIdOrName, ObjectStorageRequest patch) {
    return ObjectStorageView.of(storages.patch(caller.organizationId(), storageIdOrName, patch));
  }

  @DELETE
  @Path("{storageIdOrName}")
  @Operation(operationId = "deleteObjectStorage", summary = "Delete an object storage that no warehouse uses")
  @APIResponse(responseCode = "204", description = "Deleted")
  @APIResponse(responseCode = "404", description = "No such storage", content = @Content(mediaType = ApiErrors.PROBLEM_JSON))
  @APIResponse(responseCode = "409", description = "A warehouse uses it, or it is declared in configuration",
      content = @Content(mediaType = ApiErrors.PROBLEM_JSON))
  public void delete(@PathParam("storageIdOrName") String storageIdOrName) {
    storages.delete(caller.organizationId(), storageIdOrName);
  }
}
