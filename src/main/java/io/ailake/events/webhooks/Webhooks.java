package io.ailake.events.webhooks;

import io.ailake.api.ApiException;
import io.ailake.api.JsonApi;
import io.ailake.api.Paging;
import io.ailake.postgres.RequestPathSql;
import io.ailake.storage.SecretBox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.UriInfo;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** An organization's webhook subscriptions and their deliveries, as the routes see them. */
@ApplicationScoped
public class Webhooks {

  private static final String COLUMNS =
      "id, url, events, resources, description, enabled, disabled_reason, created_at, updated_at";
  private static final String DELIVERY_COLUMNS =
      "id, event_id, event_type, status, created_at, next_attempt_at, finished_at, redelivery_of";
  private static final Set<String> STATUSES = Set.of("PENDING", "SUCCEEDED", "FAILED");

  /** New subscriptions deliver the events written after them: their cursor is the end of the readable feed. */
  private static final String CREATE = "INSERT INTO webhook (id, organization_id, url, events, resources, description,"
      + " sealed_secret, after_tx, after_id) VALUES (?, ?, ?, ?::text[], ?::text[], ?, ?,"
      + " greatest(pg_snapshot_xmin(pg_current_snapshot())::text::numeric - 1, 0)::text::xid8, "
      + Long.MAX_VALUE + ") RETURNING " + COLUMNS;
  private static final String UPDATE = "UPDATE webhook SET url = ?, events = ?::text[], resources = ?::text[],"
      + " description = ?, enabled = coalesce(?::boolean, enabled),"
      + " disabled_reason = CASE WHEN ?::boolean IS NULL THEN disabled_reason END,"
      + " failed_in_a_row = CASE WHEN ?::boolean THEN 0 ELSE failed_in_a_row END, updated_at = now()"
      + " WHERE organization_id = ? AND id = ? RETURNING " + COLUMNS;
  private static final String QUEUE_TEST = "INSERT INTO webhook_delivery (webhook_id, event_id, event_type, body)"
      + " SELECT id, ?, ?, ? FROM webhook WHERE organization_id = ? AND id = ? AND enabled RETURNING "
      + DELIVERY_COLUMNS;
  private static final String REDELIVER = "INSERT INTO webhook_delivery (webhook_id, event_id, event_type, body,"
      + " redelivery_of) SELECT d.webhook_id, d.event_id, d.event_type, d.body, d.id FROM webhook_delivery d"
      + " JOIN webhook w ON w.id = d.webhook_id WHERE w.organization_id = ? AND w.id = ? AND d.id = ? AND w.enabled"
      + " AND d.status <> 'PENDING' RETURNING " + DELIVERY_COLUMNS;

  private final RequestPathSql sql;
  private final SecretBox secrets;
  private final WebhookAddresses addresses;
  private final DeliveryBodies bodies;

  Webhooks(RequestPathSql sql, SecretBox secrets, WebhookAddresses addresses, DeliveryBodies bodies) {
    this.sql = sql;
    this.secrets = secrets;
    this.addresses = addresses;
    this.bodies = bodies;
  }

  /** Subscribes; the answer holds the signing secret, which is never shown again. */
  public WebhookViews.Webhook create(UUID organization, WebhookRequests.CreateWebhook request) {
    if (request == null) {
      throw ApiException.badRequest("A webhook needs a body: {\"url\": ..., \"events\": [...]}");
    }
    WebhookRequests.Checked checked = request.check(addresses);
    UUID id = UUID.randomUUID();
    byte[] secret = WebhookSignatures.newSecret();
    WebhookViews.Webhook created = sql.first(CREATE, Webhooks::webhook, id, organization, checked.url(),
        checked.events().toArray(String[]::new), checked.resources().toArray(String[]::new), checked.description(),
        secrets.seal(secret, id)).orElseThrow();
    return created.withSecret(WebhookSignatures.shown(secret));
  }

  public WebhookViews.WebhookList list(UUID organization, Paging paging, UriInfo uri) {
    List<WebhookViews.Webhook> page = sql.all("SELECT " + COLUMNS + " FROM webhook WHERE organization_id = ?"
        + " ORDER BY created_at, id LIMIT ? OFFSET ?", Webhooks::webhook, organization, paging.size(), paging.offset());
    Long total = paging.withTotal() ? sql.first("SELECT count(*) FROM webhook WHERE organization_id = ?",
        row -> row.getLong(1), organization).orElse(0L) : null;
    return new WebhookViews.WebhookList(page, JsonApi.self(uri), JsonApi.meta(paging, total));
  }

  public WebhookViews.Webhook get(UUID organization, String id) {
    UUID webhook = webhookId(id);
    return sql.first("SELECT " + COLUMNS + " FROM webhook WHERE organization_id = ? AND id = ?", Webhooks::webhook,
        organization, webhook).orElseThrow(() -> noWebhook(id));
  }

  public WebhookViews.Webhook update(UUID organization, String id, WebhookRequests.UpdateWebhook request) {
    if (request == null) {
      throw ApiException.badRequest("A webhook's update needs a body naming the fields to change");
    }
    WebhookViews.Webhook current = get(organization, id);
    WebhookRequests.Checked checked = request.check(addresses, new WebhookRequests.Checked(current.url(),
        current.events(), current.resources(), current.description()));
    return sql.first(UPDATE, Webhooks::webhook, checked.url(), checked.events().toArray(String[]::new),
        checked.resources().toArray(String[]::new), checked.description(), request.enabled(), request.enabled(),
        request.enabled(), organization, UUID.fromString(current.id())).orElseThrow(() -> noWebhook(id));
  }

  public void delete(UUID organization, String id) {
    if (sql.update("DELETE FROM webhook WHERE organization_id = ? AND id = ?", organization, webhookId(id)) == 0) {
      throw noWebhook(id);
    }
  }

  /** Queues a {@code webhook.test} event for this webhook only, behind the deliveries it has queued. */
  public WebhookViews.Delivery test(UUID organization, String id) {
    UUID webhook = webhookId(id);
    DeliveryBodies.Test test = bodies.test(webhook);
    return sql.first(QUEUE_TEST, Webhooks::delivery, test.eventId(), io.ailake.events.EventTypes.WEBHOOK_TEST,
        test.body(), organization, webhook).orElseThrow(() -> disabledOrMissing(organization, id));
  }

  /** Queues the event of a delivery that ended again, with the same webhook-id. */
  public WebhookViews.Delivery redeliver(UUID organization, String id, String deliveryId) {
    UUID webhook = webhookId(id);
    long delivery = deliveryId(deliveryId);
    Optional<WebhookViews.Delivery> queued = sql.first(REDELIVER, Webhooks::delivery, organization, webhook, delivery);
    if (queued.isPresent()) {
      return queued.get();
    }
    get(organization, id);
    String status = sql.first("SELECT status FROM webhook_delivery WHERE webhook_id = ? AND id = ?",
        row -> row.getString(1), webhook, delivery).orElseThrow(() -> noDelivery(deliveryId));
    if (status.equals("PENDING")) {
      throw ApiException.conflict("Delivery %d is still pending; it is redelivered once it ended", delivery);
    }
    throw disabledOrMissing(organization, id);
  }

  /** The webhook's deliveries, newest first, with every attempt. */
  public WebhookViews.DeliveryList deliveries(UUID organization, String id, String status, Paging paging,
      UriInfo uri) {
    UUID webhook = UUID.fromString(get(organization, id).id());
    String only = status == null || status.isBlank() ? null : status.strip().toUpperCase(Locale.ROOT);
    if (only != null && !STATUSES.contains(only)) {
      throw ApiException.badRequest("status is PENDING, SUCCEEDED or FAILED, got '%s'",
          status.length() > 32 ? status.substring(0, 32) + "..." : status);
    }
    List<WebhookViews.Delivery> page = sql.all("SELECT " + DELIVERY_COLUMNS + " FROM webhook_delivery"
        + " WHERE webhook_id = ? AND (?::text IS NULL OR status = ?) ORDER BY id DESC LIMIT ? OFFSET ?",
        Webhooks::delivery, webhook, only, only, paging.size(), paging.offset());
    Long total = paging.withTotal() ? sql.first("SELECT count(*) FROM webhook_delivery WHERE webhook_id = ?"
        + " AND (?::text IS NULL OR status = ?)", row -> row.getLong(1), webhook, only, only).orElse(0L) : null;
    return new WebhookViews.DeliveryList(withAttempts(page), JsonApi.self(uri), JsonApi.meta(paging, total));
  }

  private List<WebhookViews.Delivery> withAttempts(List<WebhookViews.Delivery> deliveries) {
    if (deliveries.isEmpty()) {
      return deliveries;
    }
    Map<Long, List<WebhookViews.Attempt>> attempts = new LinkedHashMap<>();
    sql.all("SELECT delivery_id, attempted_at, status_code, latency_ms, error FROM webhook_attempt"
        + " WHERE delivery_id = ANY (?::bigint[]) ORDER BY id", row -> {
          Integer code = row.getObject(3) == null ? null : row.getInt(3);
          attempts.computeIfAbsent(row.getLong(1), d -> new ArrayList<>())
              .add(new WebhookViews.Attempt(instant(row.getTimestamp(2)), code, row.getLong(4), row.getString(5)));
          return null;
        }, (Object) deliveries.stream().map(WebhookViews.Delivery::deliveryId).toArray(Long[]::new));
    return deliveries.stream().map(d -> new WebhookViews.Delivery(d.deliveryId(), d.eventId(), d.type(), d.status(),
        d.createdAt(), d.nextAttemptAt(), d.finishedAt(), d.redeliveryOf(),
        attempts.getOrDefault(d.deliveryId(), List.of()))).toList();
  }

  private ApiException disabledOrMissing(UUID organization, String id) {
    WebhookViews.Webhook webhook = get(organization, id);
    return ApiException.conflict("Webhook %s is disabled%s; enable it with PATCH {\"enabled\": true} first",
        webhook.id(), webhook.disabledReason() == null ? "" : " (" + webhook.disabledReason() + ")");
  }

  private static UUID webhookId(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw noWebhook(id);
    }
  }

  private static long deliveryId(String id) {
    try {
      return Long.parseLong(id);
    } catch (NumberFormatException e) {
      throw noDelivery(id);
    }
  }

  private static ApiException noWebhook(String id) {
    return ApiException.notFound("No webhook %s", shown(id));
  }

  private static ApiException noDelivery(String id) {
    return ApiException.notFound("No delivery %s of this webhook", shown(id));
  }

  private static String shown(String id) {
    return id.length() > 64 ? id.substring(0, 64) + "..." : id;
  }

  private static WebhookViews.Webhook webhook(ResultSet row) throws SQLException {
    return new WebhookViews.Webhook(row.getString(1), row.getString(2), strings(row.getArray(3)),
        strings(row.getArray(4)), row.getString(5), row.getBoolean(6), row.getString(7), instant(row.getTimestamp(8)),
        instant(row.getTimestamp(9)), null);
  }

  private static WebhookViews.Delivery delivery(ResultSet row) throws SQLException {
    Long redeliveryOf = row.getObject(8) == null ? null : row.getLong(8);
    String status = row.getString(4);
    return new WebhookViews.Delivery(row.getLong(1), row.getString(2), row.getString(3), status,
        instant(row.getTimestamp(5)), status.equals("PENDING") ? instant(row.getTimestamp(6)) : null,
        instant(row.getTimestamp(7)), redeliveryOf, List.of());
  }

  static List<String> strings(Array array) throws SQLException {
    return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
