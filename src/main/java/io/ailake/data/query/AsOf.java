package io.ailake.data.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.ailake.api.ApiException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which version of each table a query reads: one selector for every table, or one per table by its
 * {@code namespace.table} name; a table without one reads its current snapshot.
 */
record AsOf(Version all, Map<String, Version> perTable) {

  static final AsOf CURRENT = new AsOf(null, Map.of());
  private static final Set<String> SELECTORS = Set.of("snapshotId", "tag", "timestamp");

  /** A snapshot by id, a tag (or branch) by name, or the snapshot current at a time. */
  record Version(Long snapshotId, String tag, Long timestampMillis) {
    @Override
    public String toString() {
      return snapshotId != null ? "snapshot " + snapshotId
          : tag != null ? "tag '" + tag + "'" : "timestamp " + Instant.ofEpochMilli(timestampMillis);
    }
  }

  static AsOf of(JsonNode asOf) {
    if (asOf == null) {
      return CURRENT;
    }
    if (asOf.isEmpty()) {
      throw ApiException.badRequest("'asOf' is empty: give snapshotId, tag or timestamp, or one of these per table");
    }
    boolean selector = false;
    for (Iterator<String> names = asOf.fieldNames(); names.hasNext(); ) {
      selector |= SELECTORS.contains(names.next());
    }
    if (selector) {
      return new AsOf(version(asOf, "asOf"), Map.of());
    }
    Map<String, Version> perTable = new LinkedHashMap<>();
    asOf.fields().forEachRemaining(entry -> {
      if (!entry.getValue().isObject()) {
        throw ApiException.badRequest("'asOf.%s' must be an object with snapshotId, tag or timestamp", entry.getKey());
      }
      perTable.put(QueryTables.key(entry.getKey()), version(entry.getValue(), "asOf." + entry.getKey()));
    });
    return new AsOf(null, perTable);
  }

  Version forTable(String name) {
    return perTable.getOrDefault(name, all);
  }

  private static Version version(JsonNode selector, String where) {
    if (selector.size() != 1 || !SELECTORS.contains(selector.fieldNames().next())) {
      throw ApiException.badRequest("'%s' must hold exactly one of snapshotId, tag or timestamp", where);
    }
    JsonNode snapshotId = selector.get("snapshotId");
    if (snapshotId != null) {
      if (!snapshotId.isIntegralNumber() || !snapshotId.canConvertToLong()) {
        throw ApiException.badRequest("'%s.snapshotId' must be an integer snapshot id", where);
      }
      return new Version(snapshotId.asLong(), null, null);
    }
    JsonNode tag = selector.get("tag");
    if (tag != null) {
      if (!tag.isTextual() || tag.asText().isBlank()) {
        throw ApiException.badRequest("'%s.tag' must be the name of a tag or branch", where);
      }
      return new Version(null, tag.asText(), null);
    }
    return new Version(null, null, timestamp(selector.get("timestamp"), where));
  }

  private static long timestamp(JsonNode timestamp, String where) {
    if (timestamp.isIntegralNumber() && timestamp.canConvertToLong()) {
      return timestamp.asLong();
    }
    if (timestamp.isTextual()) {
      try {
        return OffsetDateTime.parse(timestamp.asText()).toInstant().toEpochMilli();
      } catch (DateTimeParseException e) {
        // fall through to the refusal
      }
    }
    throw ApiException.badRequest("'%s.timestamp' must be an ISO-8601 date-time with an offset"
        + " (2024-06-30T00:00:00Z) or epoch milliseconds", where);
  }
}
