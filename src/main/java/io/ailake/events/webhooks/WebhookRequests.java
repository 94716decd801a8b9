package io.ailake.events.webhooks;

import io.ailake.api.ApiException;
import io.ailake.events.EventTypes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request bodies of the webhook routes, each checked before anything happens. */
public final class WebhookRequests {

  /** Subscribes to every event type. */
  public static final String ALL_TYPES = "*";
  static final int MAX_RESOURCES = 100;
  static final int MAX_DESCRIPTION = 1000;

  private WebhookRequests() {}

  @Schema(name = "CreateAiLakeWebhookRequest", requiredProperties = {"url", "events"},
      description = "A subscription: where to POST the events of these types about these resources", example = """
      {"url": "https://hooks.example.com/ailake", "events": ["datalake.Data.inserted", "table.committed"],
      "resources": ["databases/sales/tables/shop.orders"], "description": "New orders for the shop's pipeline"}""")
  public record CreateWebhook(
      @Schema(description = "Where deliveries are POSTed: http or https, resolving to public addresses only")
          String url,
      @Schema(description = "Event type names (the webhooks section of this document lists them), or * for all")
          List<String> events,
      @Schema(description = "Only events whose resource is one of these paths or lies under one (databases/sales,"
          + " databases/sales/tables/shop.orders); every resource when absent or empty") List<String> resources,
      @Schema(description = "What the subscription is for", maxLength = MAX_DESCRIPTION) String description) {

    Checked check(WebhookAddresses addresses) {
      return new Checked(checkUrl(addresses, url), checkTypes(events), checkResources(resources),
          checkDescription(description));
    }
  }

  @Schema(name = "UpdateAiLakeWebhookRequest", description = "The fields to change; absent ones stay as they are",
      example = """
      {"events": ["*"], "enabled": true}""")
  public record UpdateWebhook(
      @Schema(description = "Where deliveries are POSTed") String url,
      @Schema(description = "Event type names, or * for all") List<String> events,
      @Schema(description = "Resource path prefixes; an empty list: every resource") List<String> resources,
      @Schema(description = "What the subscription is for", maxLength = MAX_DESCRIPTION) String description,
      @Schema(description = "false pauses the deliveries; true resumes them where they stopped (also after the"
          + " service disabled the webhook)") Boolean enabled) {

    Checked check(WebhookAddresses addresses, Checked current) {
      return new Checked(url == null ? current.url() : checkUrl(addresses, url),
          events == null ? current.events() : checkTypes(events),
          resources == null ? current.resources() : checkResources(resources),
          description == null ? current.description() : checkDescription(description));
    }
  }

  /** A checked subscription. */
  record Checked(String url, List<String> events, List<String> resources, String description) {}

  private static String checkUrl(WebhookAddresses addresses, String url) {
    try {
      return addresses.check(url).url().toString();
    } catch (WebhookAddresses.RefusedUrlException e) {
      throw ApiException.badRequest("%s", e.getMessage());
    }
  }

  private static List<String> checkTypes(List<String> events) {
    if (events == null || events.isEmpty()) {
      throw ApiException.badRequest("events lists the event types to deliver (or * for all); it is empty");
    }
    Set<String> types = new LinkedHashSet<>();
    for (String type : events) {
      if (type == null || !type.equals(ALL_TYPES) && !EventTypes.NAMES.contains(type)) {
        throw ApiException.badRequest("'%s' is no event type; the types are listed in the API document (webhooks)",
            type == null ? "null" : type.length() > 64 ? type.substring(0, 64) + "..." : type);
      }
      types.add(type);
    }
    return types.contains(ALL_TYPES) ? List.of(ALL_TYPES) : new ArrayList<>(types);
  }

  private static List<String> checkResources(List<String> resources) {
    if (resources == null) {
      return List.of();
    }
    if (resources.size() > MAX_RESOURCES) {
      throw ApiException.badRequest("resources takes at most %d prefixes", MAX_RESOURCES);
    }
    Set<String> prefixes = new LinkedHashSet<>();
    for (String resource : resources) {
      if (resource == null || resource.isBlank() || resource.length() > 1024 || resource.startsWith("/")
          || resource.endsWith("/") || resource.chars().anyMatch(Character::isISOControl)) {
        throw ApiException.badRequest("A resource is a path such as databases/sales/tables/shop.orders, got '%s'",
            resource == null ? "null" : resource.length() > 64 ? resource.substring(0, 64) + "..." : resource);
      }
      prefixes.add(resource);
    }
    return new ArrayList<>(prefixes);
  }

  private static String checkDescription(String description) {
    if (description != null && (description.length() > MAX_DESCRIPTION || description.indexOf('\0') >= 0)) {
      throw ApiException.badRequest("description holds at most %d characters and no NUL", MAX_DESCRIPTION);
    }
    return description;
  }
}
