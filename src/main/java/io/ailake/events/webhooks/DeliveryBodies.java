package io.ailake.events.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ailake.events.EventFeed;
import io.ailake.events.EventTypes;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

/**
 * The body of a delivery, in the Standard Webhooks payload shape: {@code type}, {@code timestamp} (when the
 * event was written) and {@code data}, with the event's {@code id} and {@code resource} beside them. It is
 * written once, when the delivery is queued: every attempt and redelivery sends the same bytes.
 */
@ApplicationScoped
public class DeliveryBodies {

  private final ObjectMapper json;

  DeliveryBodies(ObjectMapper json) {
    this.json = json;
  }

  String of(EventFeed.Event event) {
    try {
      return body(event.eventId(), event.type(), event.timestamp(), event.resource())
          .set("data", json.readTree(event.data())).toString();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Event " + event.eventId() + " holds data that is not JSON", e);
    }
  }

  /** A {@code webhook.test} event for one webhook, with an id of its own. */
  Test test(UUID webhook) {
    String id = "evt_test_" + UUID.randomUUID().toString().replace("-", "");
    ObjectNode body = body(id, EventTypes.WEBHOOK_TEST, Instant.now(), "webhooks/" + webhook);
    body.putObject("data").put("webhookId", webhook.toString())
        .put("message", "A test delivery, asked for with POST /api/v1/ailake/webhooks/" + webhook + "/test");
    return new Test(id, body.toString());
  }

  record Test(String eventId, String body) {}

  private ObjectNode body(String id, String type, Instant timestamp, String resource) {
    return json.createObjectNode().put("id", id).put("type", type).put("timestamp", timestamp.toString())
        .put("resource", resource);
  }
}
