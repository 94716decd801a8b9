package io.ailake.logs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ailake.postgres.RequestPathSql;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/** Reads a subject's lines, oldest first, and deletes the lines past the retention. */
@ApplicationScoped
class LogLines {

  private static final String COLUMNS = "id, logged_at, level, message, fields::text FROM resource_log"
      + " WHERE organization_id = ? AND subject_kind = ? AND subject_id = ?";
  private static final TypeReference<Map<String, Object>> FIELDS = new TypeReference<>() {};

  private final RequestPathSql sql;
  private final ObjectMapper json;

  LogLines(RequestPathSql sql, ObjectMapper json) {
    this.sql = sql;
    this.json = json;
  }

  /** The last {@code tail} lines at or after {@code since} (null: all), oldest first. */
  List<LogLine> last(LogSubject subject, Instant since, int tail) {
    return sql.all("SELECT * FROM (SELECT " + COLUMNS + " AND logged_at >= ? ORDER BY id DESC LIMIT ?) l ORDER BY id",
        this::line, subject.organizationId(), subject.kind().name(), subject.id(),
        OffsetDateTime.ofInstant(since == null ? Instant.EPOCH : since, ZoneOffset.UTC), tail);
  }

  /**
   * Up to {@code limit} lines after the line {@code afterId}, oldest first. {@code settled}: only lines
   * written at least {@code settle} ago, so that a line whose insert commits a moment after a later
   * one's is not passed over by a follower that already moved past the later one.
   */
  List<LogLine> after(LogSubject subject, long afterId, Duration settle, int limit) {
    return sql.all("SELECT " + COLUMNS + " AND id > ? AND logged_at <= clock_timestamp() - make_interval(secs => ?)"
            + " ORDER BY id LIMIT ?", this::line, subject.organizationId(), subject.kind().name(), subject.id(),
        afterId, settle.toMillis() / 1000.0, limit);
  }

  /** The id of the subject's newest line; 0 when it has none. */
  long newest(LogSubject subject) {
    return sql.first("SELECT coalesce(max(id), 0) FROM resource_log WHERE organization_id = ? AND subject_kind = ?"
        + " AND subject_id = ?", row -> row.getLong(1), subject.organizationId(), subject.kind().name(), subject.id())
        .orElse(0L);
  }

  /** Deletes up to {@code batch} lines older than {@code retention}; how many. */
  int deleteOlderThan(Duration retention, int batch) {
    return sql.update("DELETE FROM resource_log WHERE id IN (SELECT id FROM resource_log"
        + " WHERE logged_at < now() - make_interval(secs => ?) LIMIT ?)", (double) retention.toSeconds(), batch);
  }

  private LogLine line(ResultSet row) throws SQLException {
    String fields = row.getString(5);
    try {
      return new LogLine(row.getLong(1), row.getObject(2, OffsetDateTime.class).toInstant(), row.getString(3),
          row.getString(4), fields == null ? null : json.readValue(fields, FIELDS));
    } catch (JsonProcessingException e) {
      throw new SQLException("Unreadable fields of log line " + row.getLong(1), e);
    }
  }
}
