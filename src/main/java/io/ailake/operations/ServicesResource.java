package io.ailake.operations;

import io.ailake.api.ApiException;
import io.ailake.api.Paging;
import io.ailake.organization.Organizations;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The service's own background services: listed, their status, and their commands run as operations. */
@Path("/api/v1/ailake/services")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "AI Lake - Services & Operations")
public class ServicesResource {

  static final String RUN_COMMAND = "run-service-command";

  private final List<BackgroundService> services;
  private final OperationService operations;

  ServicesResource(@Any Instance<BackgroundService> services, OperationService operations) {
    this.services = services.stream().sorted(Comparator.comparing(BackgroundService::name)).toList();
    this.operations = operations;
  }

  public record RunServiceCommandRequest(Map<String, Object> context, Object payload) {}

  @GET
  @Operation(summary = "List the background services (serviceId, name); metaInclude=page adds totalCount")
  public Map<String, Object> list(
      @QueryParam("size") String size,
      @QueryParam("offset") String offset,
      @QueryParam("metaInclude") List<String> metaInclude) {
    Paging paging = Paging.of(size, offset, metaInclude);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("services", services.stream().skip(paging.offset()).limit(paging.size())
        .map(s -> Map.of("serviceId", s.serviceId().toString(), "name", s.name())).toList());
    if (paging.withTotal()) {
      body.put("totalCount", services.size());
    }
    return body;
  }

  @GET
  @Path("/{serviceId}/status")
  @Operation(summary = "A service's status, with the commands it accepts")
  public Map<String, Object> status(@PathParam("serviceId") String serviceId) {
    return Map.of("status", require(serviceId).status());
  }

  @POST
  @Path("/{serviceId}/commands/{commandName}/run")
  @Transactional
  @Operation(summary = "Run a service command (e.g. pause, resume, run-now); 202 with operation-id")
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
    var repeated = operations.repeated(Organizations.DEFAULT_ID, RUN_COMMAND, operationId, fingerprint);
    if (repeated.isPresent()) {
      return OperationsResource.accepted(repeated.get());
    }
    Map<String, Object> result = service.run(commandName, request == null ? Map.of() : request.context());
    return OperationsResource.accepted(operations.recordFinished(
        Organizations.DEFAULT_ID, RUN_COMMAND, operationId, fingerprint, result, null));
  }

  /** By id, or by name for convenience. */
  private BackgroundService require(String serviceId) {
    return services.stream()
        .filter(s -> s.serviceId().toString().equals(serviceId) || s.name().equals(serviceId))
        .findFirst()
        .orElseThrow(() -> ApiException.notFound("Service %s does not exist", serviceId));
  }
}
