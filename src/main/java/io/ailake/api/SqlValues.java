package io.ailake.api;

import java.time.Instant;
import java.time.OffsetDateTime;

/** Values of native queries, whose Java types depend on the driver and the column. */
public final class SqlValues {

  private SqlValues() {}

  /** A {@code timestamptz} column's value. */
  public static Instant instant(Object value) {
    if (value instanceof Instant instant) {
      return instant;
    }
    if (value instanceof java.sql.Timestamp timestamp) {
      return timestamp.toInstant();
    }
    if (value instanceof OffsetDateTime offset) {
      return offset.toInstant();
    }
    return Instant.parse(value.toString());
  }
}
