package io.ailake.logs;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** One line of a log as stored: its order, time, level, message and fields. */
record LogLine(long id, Instant timestamp, String level, String message, Map<String, Object> fields) {

  /** The names a field may not take: the line's own. */
  static final Set<String> RESERVED = Set.of("timestamp", "level", "message");

  /** The line as answered: {@code {timestamp, level, message, ...fields}}. */
  Map<String, Object> view() {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("timestamp", timestamp.truncatedTo(ChronoUnit.MICROS).toString());
    view.put("level", level);
    view.put("message", message);
    if (fields != null) {
      fields.forEach((name, value) -> {
        if (!RESERVED.contains(name)) {
          view.put(name, value);
        }
      });
    }
    return view;
  }
}
