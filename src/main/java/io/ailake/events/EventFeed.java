package io.ailake.events;

import io.ailake.api.ApiException;
import io.ailake.postgres.RequestPathSql;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An organization's events in the order readers page through them: by the writing transaction's id, then
 * the event's. An event is readable only once every transaction that began before it has ended, so a
 * cursor never passes an event that was still to commit: the order is a commit order every replica and
 * every reader agree on.
 */
@ApplicationScoped
public class EventFeed {

  /** A position in the feed: after the event written by transaction {@code tx} with id {@code id}. */
  public record Cursor(long tx, long id) {
    private static final Pattern FORM = Pattern.compile("(\\d{1,19})-(\\d{1,19})");

    /** Before every event. */
    public static final Cursor START = new Cursor(0, 0);

    /** A cursor a client sent back; a 400 when it is none the feed gave. */
    public static Cursor parse(String name, String text) {
      Matcher matcher = FORM.matcher(text);
      try {
        if (matcher.matches()) {
          return new Cursor(Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2)));
        }
      } catch (NumberFormatException e) {
        // out of range: refused below
      }
      throw ApiException.badRequest("%s must be a cursor the feed gave (such as 7321-1044), was '%s'", name,
          text.length() > 64 ? text.substring(0, 64) + "..." : text);
    }

    @Override
    public String toString() {
      return tx + "-" + id;
    }
  }

  /** An event as readers see it; {@code data} is its JSON. */
  public record Event(long id, Cursor cursor, String type, Instant timestamp, String resource, String data) {
    /** The id clients see: in the feed, and as a webhook delivery's {@code webhook-id}. */
    public String eventId() {
      return "evt_" + id;
    }
  }

  private static final String PAGE = "SELECT id, tx::text, type, resource, created_at, data::text FROM event"
      + " WHERE organization_id = ? AND (tx, id) > (?::text::xid8, ?) AND tx < pg_snapshot_xmin(pg_current_snapshot())"
      + " AND (cardinality(?::text[]) = 0 OR type = ANY (?::text[]))"
      + " ORDER BY tx, id LIMIT ?";
  /** The events of a page, and where the next page starts. */
  public record Page(List<Event> events, Cursor next) {}

  private static final String SELECTED_PAGE = "SELECT id, tx::text, type, resource, created_at, data::text,"
      + " (pg_snapshot_xmin(pg_current_snapshot())::text::numeric - 1)::text FROM (SELECT 1) AS snapshot"
      + " LEFT JOIN LATERAL (SELECT * FROM event"
      + " WHERE organization_id = ? AND (tx, id) > (?::text::xid8, ?) AND tx < pg_snapshot_xmin(pg_current_snapshot())"
      + " AND (cardinality(?::text[]) = 0 OR type = ANY (?::text[]))"
      + " AND (cardinality(?::text[]) = 0 OR EXISTS (SELECT 1 FROM unnest(?::text[]) AS prefix"
      + "   WHERE resource = prefix OR starts_with(resource, prefix || '/')))"
      + " ORDER BY tx, id LIMIT ?) AS e ON true ORDER BY tx, id";
  /** The position after every event readable now: later ones all come after it. */
  private static final String END = "SELECT (pg_snapshot_xmin(pg_current_snapshot())::text::numeric - 1)::text";

  private final RequestPathSql sql;

  EventFeed(RequestPathSql sql) {
    this.sql = sql;
  }

  /** The organization's next {@code size} events after {@code after}, of the given types (all when empty). */
  public List<Event> after(UUID organization, Cursor after, Set<String> types, int size) {
    String[] typeArray = types.toArray(String[]::new);
    return sql.all(PAGE, row -> {
      long id = row.getLong(1);
      return new Event(id, new Cursor(Long.parseLong(row.getString(2)), id), row.getString(3),
          row.getTimestamp(5).toInstant(), row.getString(4), row.getString(6));
    }, organization, Long.toString(after.tx()), after.id(), typeArray, typeArray, size);
  }

  /**
   * The organization's next {@code size} events after {@code after} of the given types (all when empty) about
   * the given resources or what lies under them (all when empty). A page that is not full was the last readable
   * one: its next cursor passes the events that did not match too, up to the end of what was readable.
   */
  public Page select(UUID organization, Cursor after, Set<String> types, List<String> resources, int size) {
    String[] typeArray = types.toArray(String[]::new);
    String[] resourceArray = resources.toArray(String[]::new);
    long[] end = {0};
    List<Event> events = new java.util.ArrayList<>();
    sql.all(SELECTED_PAGE, row -> {
      end[0] = Long.parseLong(row.getString(7));
      if (row.getString(2) != null) {
        long id = row.getLong(1);
        events.add(new Event(id, new Cursor(Long.parseLong(row.getString(2)), id), row.getString(3),
            row.getTimestamp(5).toInstant(), row.getString(4), row.getString(6)));
      }
      return null;
    }, organization, Long.toString(after.tx()), after.id(), typeArray, typeArray, resourceArray, resourceArray, size);
    Cursor last = events.isEmpty() ? after : events.get(events.size() - 1).cursor();
    if (events.size() == size) {
      return new Page(events, last);
    }
    Cursor readable = new Cursor(Math.max(end[0], 0), Long.MAX_VALUE);
    return new Page(events, compare(readable, last) > 0 ? readable : last);
  }

  private static int compare(Cursor a, Cursor b) {
    int tx = Long.compareUnsigned(a.tx(), b.tx());
    return tx != 0 ? tx : Long.compare(a.id(), b.id());
  }

  /** The cursor after every event readable now: a follower that starts there sees only what comes next. */
  public Cursor end() {
    long tx = sql.first(END, row -> Long.parseLong(row.getString(1))).orElseThrow();
    return new Cursor(Math.max(tx, 0), Long.MAX_VALUE);
  }

  /** Checks a {@code types} filter: every name must be an event type. */
  public static Set<String> types(List<String> given) {
    Set<String> types = new java.util.LinkedHashSet<>();
    for (String list : given) {
      for (String type : list.split(",")) {
        String name = type.strip();
        if (name.isEmpty()) {
          continue;
        }
        if (!EventTypes.NAMES.contains(name)) {
          throw ApiException.badRequest("'%s' is no event type; the types are listed in the API document (webhooks)",
              name.length() > 64 ? name.substring(0, 64) + "..." : name);
        }
        types.add(name);
      }
    }
    return types;
  }
}
