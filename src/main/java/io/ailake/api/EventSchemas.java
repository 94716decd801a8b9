package io.ailake.api;

import static io.ailake.api.DocumentSchemas.object;
import static io.ailake.api.DocumentSchemas.props;
import static io.ailake.api.DocumentSchemas.string;

import io.ailake.events.EventTypes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;

/**
 * Every event type as an OpenAPI 3.1 webhook: the POST a subscription receives, with the Standard Webhooks
 * headers and the body of that type (its {@code data} fields from {@link EventTypes}).
 */
final class EventSchemas {

  private EventSchemas() {}

  static void addTo(OpenAPI openAPI) {
    for (EventTypes.Type type : EventTypes.ALL) {
      Map<String, Schema> fields = new LinkedHashMap<>();
      type.fields().forEach(field -> fields.put(field, OASFactory.createSchema()));
      Schema data = object("The " + type.name() + " event's data", fields, type.fields(), null);
      Schema body = object(type.description(), props(
          "id", string().description("The event's id; the webhook-id header"),
          "type", string().enumeration(List.of(type.name())),
          "timestamp", string().format("date-time").description("When the event was written (its commit)"),
          "resource", string().description("What it is about: databases/{id}, databases/{id}/tables/{namespace.table},"
              + " operations/{id}, webhooks/{id}, ..."),
          "data", data), List.of("id", "type", "timestamp", "resource", "data"), null);
      openAPI.addWebhook(type.name(), OASFactory.createPathItem().POST(OASFactory.createOperation()
          .operationId(operationId(type.name()))
          .summary(type.description())
          .description("POSTed to each enabled webhook subscribed to " + type.name() + " (or *), signed as Standard"
              + " Webhooks: webhook-signature is v1, and the base64 of HMAC-SHA256 over {webhook-id}.{webhook-timestamp}"
              + ".{body} keyed with the bytes of the secret after whsec_")
          .addTag("AI Lake - Webhooks")
          .addParameter(header("webhook-id", "The event's id: the same on every attempt and redelivery"))
          .addParameter(header("webhook-timestamp", "When this attempt was sent, in Unix seconds"))
          .addParameter(header("webhook-signature", "v1,<base64 HMAC-SHA256>"))
          .requestBody(OASFactory.createRequestBody().required(true).content(OASFactory.createContent()
              .addMediaType("application/json", OASFactory.createMediaType().schema(body))))
          .responses(OASFactory.createAPIResponses()
              .addAPIResponse("2XX", OASFactory.createAPIResponse().description("Received; any other answer (or"
                  + " none within ailake.webhooks.timeout) is retried with backoff")))));
    }
  }

  /** datalake.Data.inserted: onDatalakeDataInserted. */
  static String operationId(String type) {
    StringBuilder id = new StringBuilder("on");
    for (String part : type.split("\\.")) {
      id.append(Character.toUpperCase(part.charAt(0))).append(part, 1, part.length());
    }
    return id.toString();
  }

  private static Parameter header(String name, String description) {
    return OASFactory.createParameter().name(name).in(Parameter.In.HEADER).required(true).description(description)
        .schema(string());
  }
}
