package io.ailake.events.webhooks;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ailake.api.JsonApi;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What the webhook routes answer. */
public final class WebhookViews {

  private WebhookViews() {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "AiLakeWebhook", requiredProperties = {"id", "url", "events", "resources", "enabled", "createdAt",
      "updatedAt"}, example = """
      {"id": "6f1c2a9e-4b7d-4e1f-9a3c-2d5e8f0b1c47", "url": "https://hooks.example.com/ailake",
      "events": ["datalake.Data.inserted", "table.committed"], "resources": ["databases/sales/tables/shop.orders"],
      "description": "New orders for the shop's pipeline", "enabled": true,
      "createdAt": "2026-12-07T10:00:00Z", "updatedAt": "2026-12-07T10:00:00Z"}""")
  public record Webhook(
      String id,
      String url,
      @Schema(description = "Event type names, or * for all") List<String> events,
      @Schema(description = "Resource path prefixes; empty: every resource") List<String> resources,
      String description,
      @Schema(description = "false: paused by a PATCH, or disabled by the service after failed deliveries")
          boolean enabled,
      @Schema(description = "Why the service disabled it") String disabledReason,
      Instant createdAt,
      Instant updatedAt,
      @Schema(description = "The signing secret (whsec_ and base64), in the answer of the creation only: keep it,"
          + " it is never shown again") String secret) {

    Webhook withSecret(String shown) {
      return new Webhook(id, url, events, resources, description, enabled, disabledReason, createdAt, updatedAt,
          shown);
    }
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "AiLakeWebhookList", requiredProperties = {"webhooks", "links", "meta"}, example = """
      {"webhooks": [{"id": "6f1c2a9e-4b7d-4e1f-9a3c-2d5e8f0b1c47", "url": "https://hooks.example.com/ailake",
      "events": ["*"], "resources": [], "enabled": true, "createdAt": "2026-12-07T10:00:00Z",
      "updatedAt": "2026-12-07T10:00:00Z"}], "links": {"self": "/api/v1/ailake/webhooks?size=20"},
      "meta": {"page": {"number": 0, "size": 20}}}""")
  public record WebhookList(List<Webhook> webhooks, JsonApi.Links links, JsonApi.Meta meta) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "AiLakeWebhookAttempt", requiredProperties = {"attemptedAt", "latencyMs"}, example = """
      {"attemptedAt": "2026-12-07T10:15:31Z", "statusCode": 503, "latencyMs": 84,
      "error": "The receiver answered 503"}""")
  public record Attempt(
      Instant attemptedAt,
      @Schema(description = "What the receiver answered; absent when it did not") Integer statusCode,
      @Schema(description = "From sending to the end of the answer") long latencyMs,
      @Schema(description = "Why the attempt failed; absent when it succeeded") String error) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "AiLakeWebhookDelivery", requiredProperties = {"deliveryId", "eventId", "type", "status",
      "createdAt", "attempts"}, example = """
      {"deliveryId": 812, "eventId": "evt_1044", "type": "datalake.Data.inserted", "status": "SUCCEEDED",
      "createdAt": "2026-12-07T10:15:30Z", "finishedAt": "2026-12-07T10:15:33Z", "attempts": [
      {"attemptedAt": "2026-12-07T10:15:31Z", "statusCode": 503, "latencyMs": 84, "error": "The receiver answered 503"},
      {"attemptedAt": "2026-12-07T10:15:33Z", "statusCode": 200, "latencyMs": 41}]}""")
  public record Delivery(
      long deliveryId,
      @Schema(description = "The event's id: the webhook-id header of every attempt") String eventId,
      String type,
      @Schema(enumeration = {"PENDING", "SUCCEEDED", "FAILED"}) String status,
      Instant createdAt,
      @Schema(description = "When a pending delivery's next attempt is due") Instant nextAttemptAt,
      Instant finishedAt,
      @Schema(description = "The delivery this one sends again") Long redeliveryOf,
      @Schema(description = "Every attempt, oldest first") List<Attempt> attempts) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "AiLakeWebhookDeliveryList", requiredProperties = {"deliveries", "links", "meta"}, example = """
      {"deliveries": [{"deliveryId": 813, "eventId": "evt_1045", "type": "table.committed", "status": "PENDING",
      "createdAt": "2026-12-07T10:15:30Z", "nextAttemptAt": "2026-12-07T10:15:40Z", "attempts": [
      {"attemptedAt": "2026-12-07T10:15:31Z", "latencyMs": 10000, "error": "No answer within 10000 ms"}]}],
      "links": {"self": "/api/v1/ailake/webhooks/6f1c2a9e-4b7d-4e1f-9a3c-2d5e8f0b1c47/deliveries?status=PENDING"},
      "meta": {"page": {"number": 0, "size": 50}}}""")
  public record DeliveryList(
      @Schema(description = "Newest first") List<Delivery> deliveries, JsonApi.Links links, JsonApi.Meta meta) {}
}
