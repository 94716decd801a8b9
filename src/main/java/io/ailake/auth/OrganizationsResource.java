package io.ailake.auth;

import io.ailake.api.ApiException;
import io.ailake.api.Paging;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Organizations (the server admin token) and their tokens (the server admin, or the organization's own
 * admin tokens; {@link AuthFilter} decides who gets here).
 */
@Path("/api/v1/admin/organizations")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Admin - Organizations")
@io.ailake.auth.Idempotent
public class OrganizationsResource {

  private final OrganizationService organizations;
  private final Tokens tokens;

  OrganizationsResource(OrganizationService organizations, Tokens tokens) {
    this.organizations = organizations;
    this.tokens = tokens;
  }

  @Schema(name = "CreateOrganizationRequest", example = "{\"name\": \"finance\"}")
  public record CreateOrganization(@Schema(required = true) String name) {}

  @Schema(name = "ListOrganizationsResponse", example = """
      {"organizations": [{"id": "2c4f1e8a-6b3d-4a7e-9f10-3b5c7d9e1f2a", "name": "finance",
      "createdAt": "2026-05-07T10:15:30Z"}], "totalCount": 1}""")
  public record ListOrganizations(List<OrganizationService.Organization> organizations, long totalCount) {}

  @Schema(name = "CreateTokenRequest", example = "{\"name\": \"spark-etl\", \"role\": \"manage\"}")
  public record CreateToken(
      @Schema(required = true) String name,
      @Schema(required = true, enumeration = {"admin", "manage", "read"}) String role) {}

  @Schema(name = "ListTokensResponse", example = """
      {"tokens": [{"id": "5b0c1f7e-9d2a-4c3b-8e1f-2a3b4c5d6e7f", "name": "spark-etl", "role": "manage",
      "createdAt": "2026-05-07T10:15:30Z"}]}""")
  public record ListTokens(List<Tokens.TokenInfo> tokens) {}

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(operationId = "createOrganization", summary = "Create an organization (server admin token)")
  @APIResponse(responseCode = "201", description = "Created",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OrganizationService.Organization.class)))
  @APIResponse(responseCode = "409", description = "An organization of that name exists")
  public Response create(CreateOrganization request) {
    if (request == null) {
      throw ApiException.badRequest("The request body must be a JSON object with 'name'");
    }
    return Response.status(201).entity(organizations.create(request.name())).build();
  }

  @GET
  @Operation(operationId = "listOrganizations", summary = "List organizations by name (server admin token)")
  public ListOrganizations list(
      @Parameter(description = "Items per page", schema = @Schema(type = SchemaType.INTEGER, format = "int32", minimum = "1", maximum = "1000", defaultValue = "50"))
      @QueryParam("size") String size,
      @Parameter(description = "Items to skip", schema = @Schema(type = SchemaType.INTEGER, format = "int32", minimum = "0", defaultValue = "0"))
      @QueryParam("offset") String offset) {
    Paging paging = Paging.of(size, offset, List.of());
    return new ListOrganizations(organizations.list(paging.size(), paging.offset()), organizations.count());
  }

  @GET
  @Path("/{orgId}")
  @Operation(operationId = "getOrganization", summary = "One organization (server admin token)")
  public OrganizationService.Organization get(@PathParam("orgId") String orgId) {
    return organizations.get(orgId);
  }

  @DELETE
  @Path("/{orgId}")
  @Operation(operationId = "deleteOrganization", summary = "Delete an organization that owns no database or storage (server admin token)")
  @APIResponse(responseCode = "204", description = "Deleted")
  @APIResponse(responseCode = "409", description = "The default organization, or one that still owns a database or storage")
  public void delete(@PathParam("orgId") String orgId) {
    organizations.delete(orgId);
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Path("/{orgId}/tokens")
  @Operation(operationId = "createOrganizationToken", summary = "Create a token; the answer holds its secret, which is never shown again")
  @APIResponse(responseCode = "201", description = "Created",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Tokens.Issued.class)))
  public Response createToken(@PathParam("orgId") String orgId, CreateToken request) {
    if (request == null) {
      throw ApiException.badRequest("The request body must be a JSON object with 'name' and 'role'");
    }
    OrganizationService.Organization organization = organizations.get(orgId);
    return Response.status(201)
        .entity(tokens.create(OrganizationService.uuid(organization.id()), request.name(), Role.parse(request.role())))
        .build();
  }

  @GET
  @Path("/{orgId}/tokens")
  @Operation(operationId = "listOrganizationTokens", summary = "List the organization's tokens (never their secrets)")
  public ListTokens listTokens(@PathParam("orgId") String orgId) {
    return new ListTokens(tokens.list(OrganizationService.uuid(organizations.get(orgId).id())));
  }

  @DELETE
  @Path("/{orgId}/tokens/{tokenId}")
  @Operation(operationId = "revokeOrganizationToken", summary = "Revoke a token: from the next request on, on every replica")
  @APIResponse(responseCode = "204", description = "Revoked")
  public void revoke(@PathParam("orgId") String orgId, @PathParam("tokenId") String tokenId) {
    UUID organizationId = OrganizationService.uuid(organizations.get(orgId).id());
    UUID id;
    try {
      id = UUID.fromString(tokenId);
    } catch (IllegalArgumentException e) {
      throw ApiException.notFound("Token %s does not exist", tokenId);
    }
    if (!tokens.revoke(organizationId, id)) {
      throw ApiException.notFound("Token %s does not exist", tokenId);
    }
  }
}
