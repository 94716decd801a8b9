package io.ailake.storage;

import io.ailake.api.ApiErrors;
import io.ailake.auth.OrganizationService;
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
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The server admin's view of an organization's object storages: the one way to register or change a
 * LOCAL storage, which reaches the service's own disk (only under {@code ailake.storage.local-roots}).
 * The auth filter lets only the server admin token here.
 */
@Path("/api/v1/admin/organizations/{orgId}/objectStorages")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Admin - Organizations")
@io.ailake.auth.Idempotent
public class OrganizationStoragesResource {

  private final ObjectStorageService storages;
  private final OrganizationService organizations;

  OrganizationStoragesResource(ObjectStorageService storages, OrganizationService organizations) {
    this.storages = storages;
    this.organizations = organizations;
  }

  @POST
  @Operation(operationId = "createOrganizationObjectStorage", summary = "Register an object storage of an organization, LOCAL ones included (server admin token)")
  @APIResponse(responseCode = "201", description = "Registered",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ObjectStorageView.class)))
  @APIResponse(responseCode = "400", description = "Invalid request, or the probe failed",
      content = @Content(mediaType = ApiErrors.PROBLEM_JSON))
  @APIResponse(responseCode = "403", description = "A LOCAL root the operator does not allow, or the data directory",
      content = @Content(mediaType = ApiErrors.PROBLEM_JSON))
  @APIResponse(responseCode = "404", description = "No such organization", content = @Content(mediaType = ApiErrors.PROBLEM_JSON))
  @APIResponse(responseCode = "409", description = "The name is taken, or the root overlaps another organization's",
      content = @Content(mediaType = ApiErrors.PROBLEM_JSON))
  public Response create(@PathParam("orgId") String orgId, ObjectStorageRequest request) {
    UUID organization = organization(orgId);
    ObjectStorage created = storages.create(organization, request, ObjectStorageService.Registrar.SERVER_ADMIN);
    return Response.created(URI.create("/api/v1/admin/organizations/" + organization + "/objectStorages/" + created.id))
        .entity(ObjectStorageView.of(created))
        .build();
  }

  @GET
  @Operation(operationId = "listOrganizationObjectStorages", summary = "List an organization's object storages, ordered by name (server admin token)")
  public ObjectStorageView.Listing list(@PathParam("orgId") String orgId) {
    return new ObjectStorageView.Listing(
        storages.list(organization(orgId)).stream().map(ObjectStorageView::of).toList());
  }

  @GET
  @Path("{storageIdOrName}")
  @Operation(operationId = "getOrganizationObjectStorage", summary = "One object storage of an organization (server admin token)")
  public ObjectStorageView get(@PathParam("orgId") String orgId, @PathParam("storageIdOrName") String storageIdOrName) {
    return ObjectStorageView.of(storages.get(organization(orgId), storageIdOrName));
  }

  @PATCH
  @Path("{storageIdOrName}")
  @Operation(operationId = "updateOrganizationObjectStorage", summary = "Change an object storage of an organization, LOCAL ones included (server admin token)")
  @APIResponse(responseCode = "200", description = "Changed",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ObjectStorageView.class)))
  @APIResponse(responseCode = "400", description = "Invalid change, or the probe failed",
      content = @Content(mediaType = ApiErrors.PROBLEM_JSON))
  @APIResponse(responseCode = "403", description = "A LOCAL root the operator does not allow, or the data directory",
      content = @Content(mediaType = ApiErrors.PROBLEM_JSON))
  @APIResponse(responseCode = "404", description = "No such organization or storage",
      content = @Content(mediaType = ApiErrors.PROBLEM_JSON))
  @APIResponse(responseCode = "409", description = "Name taken, root overlapping another organization's, root of a "
      + "storage in use, or a storage declared in configuration", content = @Content(mediaType = ApiErrors.PROBLEM_JSON))
  public ObjectStorageView patch(
      @PathParam("orgId") String orgId, @PathParam("storageIdOrName") String storageIdOrName,
      ObjectStorageRequest patch) {
    return ObjectStorageView.of(storages.patch(
        organization(orgId), storageIdOrName, patch, ObjectStorageService.Registrar.SERVER_ADMIN));
  }

  @DELETE
  @Path("{storageIdOrName}")
  @Operation(operationId = "deleteOrganizationObjectStorage", summary = "Delete an object storage of an organization that no warehouse uses (server admin token)")
  @APIResponse(responseCode = "204", description = "Deleted")
  @APIResponse(responseCode = "404", description = "No such organization or storage",
      content = @Content(mediaType = ApiErrors.PROBLEM_JSON))
  @APIResponse(responseCode = "409", description = "A warehouse or pipe table uses it, or it is declared in configuration",
      content = @Content(mediaType = ApiErrors.PROBLEM_JSON))
  public void delete(@PathParam("orgId") String orgId, @PathParam("storageIdOrName") String storageIdOrName) {
    storages.delete(organization(orgId), storageIdOrName);
  }

  /** The organization's id; 404 when there is none. */
  private UUID organization(String orgId) {
    return UUID.fromString(organizations.get(orgId).id());
  }
}
