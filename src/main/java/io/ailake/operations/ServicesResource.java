package io.ailake.operations;

import io.ailake.api.ApiException;
import io.ailake.api.JsonApi;
import io.ailake.api.PageParameters;
import io.ailake.api.Paging;
import io.ailake.auth.Caller;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The service's own background services: listed, their status, and their commands run as operations. */
@Path("/api/v1/ailake/services")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "AI Lake - Services & Operations")
@io.ailake.auth.Idempotent
public class ServicesResource {

  static final String RUN_COMMAND = "run-service-command";

  private final List<BackgroundService> services;
  private final OperationService operations;
  private final Caller caller;

  ServicesResource(@Any Instance<BackgroundService> services, OperationService operations, Caller caller) {
    this.services = services.stream().sorted(Comparator.comparing(BackgroundService::name)).toList();
    this.operations = operations;
    this.caller = caller;
  }

  @org.eclipse.microprofile.openapi.annotations.media.Schema(name = "ServiceInfo", requiredProperties = {"serviceId", "name"}, example = "{\"serviceId\": \"5d1f0b8e-3c2a-3e4f-9b6d-7a8c9e0f1a2b\", \"name\": \"pipe-loader\"}")
  public record ServiceInfo(String serviceId, String name) {}

  static final String TYPE = "service";

  /**
   * GoodData's {@code ListServicesResponse} ({@code services}, {@code totalCount}) and {@code
   * JsonApiListDocumentServiceInfo} ({@code data}, {@code links}, {@code meta}) in one answer.
   */
  @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  @Schema(name = "ListServicesResponse", example = """
      {"data": [{"id": "5d1f0b8e-3c2a-3e4f-9b6d-7a8c9e0f1a2b", "type": "service", "attributes":
      {"serviceId": "5d1f0b8e-3c2a-3e4f-9b6d-7a8c9e0f1a2b", "name": "pipe-loader"}}],
      "links": {"self": "/api/v1/ailake/services?metaInclude=page"},
      "meta": {"page": {"number": 0, "size": 50, "totalElements": 1, "totalPages": 1}},
      "services": [{"serviceId": "5d1f0b8e-3c2a-3e4f-9b6d-7a8c9e0f1a2b", "name": "pipe-loader"}], "totalCount": 1}""")
  public record ListServicesResponse(
      @Schema(required = true) List<JsonApi.Item<ServiceInfo>> data,
      @Schema(required = true) JsonApi.Links links,
      JsonApi.Meta meta,
      List<ServiceInfo> services,
      Long totalCount) {

    static ListServicesResponse of(List<ServiceInfo> all, Paging paging, UriInfo uri) {
      List<ServiceInfo> page = paging.slice(all);
      Long total = paging.withTotal() ? (long) all.size() : null;
      return new ListServicesResponse(JsonApi.items(TYPE, page, ServiceInfo::serviceId),
          JsonApi.self(uri), JsonApi.meta(paging, total), page, total);
    }
  }

  @org.eclipse.microprofile.openapi.annotations.media.Schema(name = "GetServiceStatusResponse", requiredProperties = {"status"}, example = """
      {"status": {"state": "running", "commands": ["pause", "resume", "run-now"], "activePipeTables": 2}}""")
  public record GetServiceStatusResponse(Map<String, Object> status) {}

  @org.eclipse.microprofile.openapi.annotations.media.Schema(name = "RunServiceCommandRequest", example = "{\"context\": {}, \"payload\": {}}")
  public record RunServiceCommandRequest(Map<String, Object> context, Object payload) {}

  @GET
  @Operation(operationId = "listAiLakeServices", summary = "List the background services (serviceId, name); metaInclude=page adds the totals")
  public ListServicesResponse list(@BeanParam PageParameters parameters, @Context UriInfo uri) {
    Paging paging = parameters.paging();
    return ListServicesResponse.of(
        services.stream().map(s -> new ServiceInfo(s.serviceId().toString(), s.name())).toList(), paging, uri);
  }

  @GET
  @Path("/{serviceId}/status")
  @Operation(operationId = "getAiLakeServiceStatus", summary = "A service's status, with the commands it accepts")
  public GetServiceStatusResponse status(@PathParam("serviceId") String serviceId) {
    return new GetServiceStatusResponse(require(serviceId).status(caller.organizationId()));
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Path("/{serviceId}/commands/{commandName}/run")
  @Transactional
  @org.eclipse.microprofile.openapi.annotations.extensions.Extension(name = io.ailake.api.ApiDocumentation.ASYNC, value = "true")
  @Operation(operationId = "runAiLakeServiceCommand", summary = "Run a service command (e.g. pause, resume, run-now); 202 with operation-id")
  public Response run(
      @PathParam("serviceId") String serviceId,
      @PathParam("commandName") String commandName,
      @HeaderParam("operation-id") String operationId,
      RunServiceCommandRequest request) {
    BackgroundService service = require(serviceId);
    if (!service.commands().contains(commandName)) {
      throw ApiException.badRequest(
          "Service %s has no command %s; its commands are %s", service.name(), commandName, service.commands());
    }
    String fingerprint = "POST services/" + service.serviceId() + "/commands/" + commandName + " " + request;
    var repeated = operations.repeated(caller.organizationId(), RUN_COMMAND, operationId, fingerprint);
    if (repeated.isPresent()) {
      return OperationsResource.accepted(repeated.get());
    }
    Map<String, Object> result =
        service.run(caller.organizationId(), commandName, request == null ? Map.of() : request.context());
    return OperationsResource.accepted(operations.recordFinished(
        caller.organizationId(), RUN_COMMAND, operationId, fingerprint, result, null));
  }

  /** By id, or by name for convenience. */
  private BackgroundService require(String serviceId) {
    return services.stream()
        .filter(s -> s.serviceId().toString().equals(serviceId) || s.name().equals(serviceId))
        .findFirst()
        .orElseThrow(() -> ApiException.notFound("Service %s does not exist", serviceId));
  }
}
