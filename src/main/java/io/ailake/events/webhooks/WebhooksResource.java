package io.ailake.events.webhooks;

import io.ailake.api.PageParameters;
import io.ailake.auth.Caller;
import io.ailake.auth.Idempotent;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
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

/** Webhook subscriptions: signed deliveries of the organization's events (docs/webhooks.md). */
@Path("/api/v1/ailake/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "AI Lake - Webhooks", description = "Subscriptions that POST the organization's events, signed as Standard"
    + " Webhooks, retried, in order (docs/webhooks.md); each event type's body is in this document's webhooks")
public class WebhooksResource {

  private final Webhooks webhooks;
  private final Caller caller;

  WebhooksResource(Webhooks webhooks, Caller caller) {
    this.webhooks = webhooks;
    this.caller = caller;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Idempotent
  @Operation(operationId = "createAiLakeWebhook", summary = "Subscribe a URL to events; the answer holds the signing"
      + " secret, shown this once")
  @APIResponse(responseCode = "201", description = "Subscribed: the webhook and its secret",
      headers = @Header(name = "Location", description = "The webhook's path", schema = @Schema(type = SchemaType.STRING)),
      content = @Content(mediaType = MediaType.APPLICATION_JSON,
          schema = @Schema(implementation = WebhookViews.Webhook.class)))
  @APIResponse(responseCode = "400", description = "A URL that is not http(s) or reaches a private, loopback or"
      + " link-local address; an unknown event type; a bad resource")
  public Response create(WebhookRequests.CreateWebhook request, @Context UriInfo uri) {
    WebhookViews.Webhook created = webhooks.create(caller.organizationId(), request);
    return Response.status(201).header("Location", uri.getRequestUri().getRawPath() + "/" + created.id())
        .entity(created).build();
  }

  @GET
  @Operation(operationId = "listAiLakeWebhooks", summary = "The organization's webhooks, oldest first")
  @APIResponse(responseCode = "200", description = "A page of webhooks (never their secrets)",
      content = @Content(mediaType = MediaType.APPLICATION_JSON,
          schema = @Schema(implementation = WebhookViews.WebhookList.class)))
  @APIResponse(responseCode = "400", description = "A bad page, size or offset")
  public WebhookViews.WebhookList list(@BeanParam PageParameters parameters, @Context UriInfo uri) {
    return webhooks.list(caller.organizationId(), parameters.paging(), uri);
  }

  @GET
  @Path("/{webhookId}")
  @Operation(operationId = "getAiLakeWebhook", summary = "A webhook (never its secret)")
  @APIResponse(responseCode = "200", description = "The webhook", content = @Content(
      mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WebhookViews.Webhook.class)))
  @APIResponse(responseCode = "404", description = "No such webhook in the organization")
  public WebhookViews.Webhook get(@PathParam("webhookId") String webhookId) {
    return webhooks.get(caller.organizationId(), webhookId);
  }

  @PATCH
  @Path("/{webhookId}")
  @Consumes(MediaType.APPLICATION_JSON)
  @Idempotent
  @Operation(operationId = "updateAiLakeWebhook", summary = "Change a webhook's URL, events, resources or"
      + " description; pause it, or resume it (also after the service disabled it)")
  @APIResponse(responseCode = "200", description = "The webhook as it is now", content = @Content(
      mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WebhookViews.Webhook.class)))
  @APIResponse(responseCode = "400", description = "A refused URL, an unknown event type, a bad resource")
  @APIResponse(responseCode = "404", description = "No such webhook in the organization")
  public WebhookViews.Webhook update(@PathParam("webhookId") String webhookId,
      WebhookRequests.UpdateWebhook request) {
    return webhooks.update(caller.organizationId(), webhookId, request);
  }

  @DELETE
  @Path("/{webhookId}")
  @Idempotent
  @Operation(operationId = "deleteAiLakeWebhook", summary = "Unsubscribe: no more deliveries, and its history goes")
  @APIResponse(responseCode = "204", description = "Deleted")
  @APIResponse(responseCode = "404", description = "No such webhook in the organization")
  public void delete(@PathParam("webhookId") String webhookId) {
    webhooks.delete(caller.organizationId(), webhookId);
  }

  @POST
  @Path("/{webhookId}/test")
  @Idempotent
  @Operation(operationId = "testAiLakeWebhook", summary = "Send a webhook.test event to this webhook, after what it"
      + " has queued")
  @APIResponse(responseCode = "202", description = "Queued: the delivery, whose attempts the deliveries list shows",
      content = @Content(mediaType = MediaType.APPLICATION_JSON,
          schema = @Schema(implementation = WebhookViews.Delivery.class)))
  @APIResponse(responseCode = "404", description = "No such webhook in the organization")
  @APIResponse(responseCode = "409", description = "The webhook is disabled")
  public Response test(@PathParam("webhookId") String webhookId) {
    return Response.status(202).entity(webhooks.test(caller.organizationId(), webhookId)).build();
  }

  @GET
  @Path("/{webhookId}/deliveries")
  @Operation(operationId = "listAiLakeWebhookDeliveries", summary = "The webhook's deliveries, newest first, each with"
      + " its attempts: time, status code, latency, error")
  @APIResponse(responseCode = "200", description = "A page of deliveries", content = @Content(
      mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WebhookViews.DeliveryList.class)))
  @APIResponse(responseCode = "400", description = "A bad status, page, size or offset")
  @APIResponse(responseCode = "404", description = "No such webhook in the organization")
  public WebhookViews.DeliveryList deliveries(@PathParam("webhookId") String webhookId,
      @Parameter(description = "Only the deliveries of this status", schema = @Schema(type = SchemaType.STRING,
          enumeration = {"PENDING", "SUCCEEDED", "FAILED"})) @QueryParam("status") String status,
      @BeanParam PageParameters parameters, @Context UriInfo uri) {
    return webhooks.deliveries(caller.organizationId(), webhookId, status, parameters.paging(), uri);
  }

  @POST
  @Path("/{webhookId}/deliveries/{deliveryId}/redeliver")
  @Idempotent
  @Operation(operationId = "redeliverAiLakeWebhookDelivery", summary = "Send a delivery's event again (same"
      + " webhook-id), after what the webhook has queued")
  @APIResponse(responseCode = "202", description = "Queued: the new delivery", content = @Content(
      mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WebhookViews.Delivery.class)))
  @APIResponse(responseCode = "404", description = "No such webhook or delivery")
  @APIResponse(responseCode = "409", description = "The delivery is still pending, or the webhook is disabled")
  public Response redeliver(@PathParam("webhookId") String webhookId, @PathParam("deliveryId") String deliveryId) {
    return Response.status(202).entity(webhooks.redeliver(caller.organizationId(), webhookId, deliveryId)).build();
  }
}
