package io.ailake.events;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.ailake.AilakeConfig;
import io.ailake.api.Paging;
import io.ailake.auth.Caller;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The organization's events: paged in commit order, or followed as Server-Sent Events. */
@Path("/api/v1/ailake/events")
@Tag(name = "AI Lake - Events", description = "Every committed change, in commit order (docs/events.md)")
public class EventsResource {

  /** Events per page of the stream's reads. */
  private static final int STREAM_BATCH = 500;

  @Schema(name = "AiLakeEvent", requiredProperties = {"id", "cursor", "type", "timestamp", "resource", "data"},
      example = """
      {"id": "evt_1044", "cursor": "7321-1044", "type": "datalake.Data.inserted", "timestamp": "2026-12-07T10:15:30Z",
      "resource": "databases/sales/tables/shop.orders", "data": {"database": "sales", "namespace": "shop",
      "table": "orders", "snapshotId": 5531235410982374410, "operation": "append", "rowsAdded": 120,
      "rowsDeleted": 0, "positionDeletesAdded": 0, "equalityDeletesAdded": 0}}""")
  public record EventView(
      @Schema(description = "The event's id; a webhook delivery's webhook-id") String id,
      @Schema(description = "Where to continue after this event (after=, Last-Event-ID)") String cursor,
      @Schema(description = "The event type; the webhooks section of this document has each type's data") String type,
      Instant timestamp,
      @Schema(description = "What it is about: databases/{id}, databases/{id}/tables/{namespace.table},"
          + " databases/{id}/syncs/{syncId}, databases/{id}/pipeTables/{name}, operations/{id}, ...") String resource,
      @Schema(type = SchemaType.OBJECT, description = "The type's payload") @JsonRawValue String data) {

    static EventView of(EventFeed.Event event) {
      return new EventView(event.eventId(), event.cursor().toString(), event.type(), event.timestamp(),
          event.resource(), event.data());
    }
  }

  @Schema(name = "AiLakeEventPage", example = """
      {"events": [{"id": "evt_1044", "cursor": "7321-1044", "type": "table.committed",
      "timestamp": "2026-12-07T10:15:30Z", "resource": "databases/sales/tables/shop.orders",
      "data": {"database": "sales", "namespace": "shop", "table": "orders"}}], "next": "7321-1044"}""")
  public record EventPage(
      List<EventView> events,
      @Schema(description = "The cursor to ask for the next page with (after=); the same when nothing was new")
          String next) {}

  private final EventFeed feed;
  private final Caller caller;
  private final AilakeConfig config;

  EventsResource(EventFeed feed, Caller caller, AilakeConfig config) {
    this.feed = feed;
    this.caller = caller;
    this.config = config;
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(operationId = "listAiLakeEvents", summary = "The organization's events after a cursor, in commit order")
  @APIResponse(responseCode = "200", description = "A page of events, and the cursor to continue from",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EventPage.class)))
  @APIResponse(responseCode = "400", description = "A bad cursor, type or size")
  public EventPage list(
      @Parameter(description = "Start after this cursor (a page's next, an event's cursor); from the oldest kept"
          + " event when absent") @QueryParam("after") String after,
      @Parameter(description = "Only these event types (repeat, or separate with commas)") @QueryParam("types")
          List<String> types,
      @Parameter(description = "Events per page", schema = @Schema(type = SchemaType.INTEGER, minimum = "1",
          maximum = "1000", defaultValue = "50")) @QueryParam("size") String size) {
    EventFeed.Cursor cursor = after == null ? EventFeed.Cursor.START : EventFeed.Cursor.parse("after", after);
    Set<String> only = EventFeed.types(types);
    int rows = Paging.of(size, null, List.of()).size();
    List<EventView> events = feed.after(caller.organizationId(), cursor, only, rows).stream().map(EventView::of).toList();
    return new EventPage(events, events.isEmpty() ? cursor.toString() : events.get(events.size() - 1).cursor());
  }

  @GET
  @Path("/stream")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @Operation(operationId = "streamAiLakeEvents", summary = "Follow the organization's events as Server-Sent Events:"
      + " each has the cursor as its id, the type as its event name and the event as its data")
  @APIResponse(responseCode = "200", description = "A stream that lasts until the client leaves",
      content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(implementation = EventView.class)))
  @APIResponse(responseCode = "400", description = "A bad cursor or type")
  public Multi<OutboundSseEvent> stream(
      @Parameter(description = "Start after this cursor; only new events when absent") @QueryParam("after")
          String after,
      @Parameter(description = "Only these event types (repeat, or separate with commas)") @QueryParam("types")
          List<String> types,
      @Parameter(description = "The id of the last event received: a reconnecting client resumes after it")
          @HeaderParam("Last-Event-ID") String lastEventId,
      @Context Sse sse) {
    String resume = after != null ? after : lastEventId;
    EventFeed.Cursor start = resume == null ? null : EventFeed.Cursor.parse(after != null ? "after" : "Last-Event-ID", resume);
    Set<String> only = EventFeed.types(types);
    UUID organization = caller.organizationId();
    AtomicReference<EventFeed.Cursor> cursor = new AtomicReference<>(start);
    AtomicLong quietSince = new AtomicLong(System.nanoTime());
    long heartbeat = config.events().heartbeat().toNanos();
    return Multi.createFrom().ticks().startingAfter(java.time.Duration.ofMillis(1)).every(config.events().pollInterval())
        .onOverflow().drop()
        .emitOn(Infrastructure.getDefaultWorkerPool())
        .concatMap(tick -> {
          if (cursor.get() == null) {
            cursor.set(feed.end());
          }
          List<EventFeed.Event> events = feed.after(organization, cursor.get(), only, STREAM_BATCH);
          if (events.isEmpty()) {
            if (System.nanoTime() - quietSince.get() < heartbeat) {
              return Multi.createFrom().empty();
            }
            quietSince.set(System.nanoTime());
            return Multi.createFrom().item(sse.newEventBuilder().comment("no new events").build());
          }
          cursor.set(events.get(events.size() - 1).cursor());
          quietSince.set(System.nanoTime());
          return Multi.createFrom().iterable(events).map(event -> sse.newEventBuilder()
              .id(event.cursor().toString()).name(event.type()).mediaType(MediaType.APPLICATION_JSON_TYPE)
              .data(EventView.class, EventView.of(event)).build());
        });
  }
}
