package io.ailake.logs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Writes the lines of the logs of operations, pipe tables, syncs and database instances (docs/logs.md).
 * Each line is its own statement outside the caller's transaction: a line of work that rolls back stays,
 * and a line that cannot be written is a warning in the service's log, never a failure of the work.
 * Fields are name-value pairs; never give one a secret.
 */
@ApplicationScoped
public class ResourceLogs {

  private static final Logger LOG = Logger.getLogger(ResourceLogs.class);
  /** The longest message or text field kept: an error's words, not a whole stack or file. */
  static final int MAX_TEXT = 2000;
  private static final String INSERT = "INSERT INTO resource_log (organization_id, subject_kind, subject_id, level,"
      + " message, fields) VALUES (?, ?, ?, ?, ?, ?::jsonb)";

  private final AgroalDataSource dataSource;
  private final ObjectMapper json;

  ResourceLogs(AgroalDataSource dataSource, ObjectMapper json) {
    this.dataSource = dataSource;
    this.json = json;
  }

  /** What the service did. {@code fields}: name, value, name, value...; a null value is left out. */
  public void info(LogSubject subject, String message, Object... fields) {
    write(subject, "info", message, fields);
  }

  /** What went wrong and was taken care of: a retry, a file skipped. */
  public void warn(LogSubject subject, String message, Object... fields) {
    write(subject, "warn", message, fields);
  }

  /** What failed. */
  public void error(LogSubject subject, String message, Object... fields) {
    write(subject, "error", message, fields);
  }

  private void write(LogSubject subject, String level, String message, Object... fields) {
    if (subject == null || subject.organizationId() == null || subject.id() == null) {
      return;
    }
    try {
      String fieldsJson = fieldsJson(fields);
      QuarkusTransaction.suspendingExisting().run(() -> insert(subject, level, clip(message), fieldsJson));
    } catch (RuntimeException e) {
      LOG.warnf("Cannot write a line of the log of %s %s: %s", subject.kind(), subject.id(), e.getMessage());
    }
  }

  private void insert(LogSubject subject, String level, String message, String fieldsJson) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(INSERT)) {
      statement.setObject(1, subject.organizationId());
      statement.setString(2, subject.kind().name());
      statement.setString(3, subject.id());
      statement.setString(4, level);
      statement.setString(5, message);
      statement.setString(6, fieldsJson);
      statement.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private String fieldsJson(Object... fields) {
    if (fields.length % 2 != 0) {
      throw new IllegalArgumentException("Log fields come in name-value pairs");
    }
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < fields.length; i += 2) {
      String name = String.valueOf(fields[i]);
      Object value = fields[i + 1];
      if (value != null && !LogLine.RESERVED.contains(name)) {
        map.put(name, value instanceof String text ? clip(text) : value);
      }
    }
    if (map.isEmpty()) {
      return null;
    }
    try {
      return json.writeValueAsString(map);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Log fields are not JSON: " + e.getMessage(), e);
    }
  }

  private static String clip(String text) {
    if (text == null) {
      return "";
    }
    String clean = text.replace("\u0000", "");
    return clean.length() <= MAX_TEXT ? clean : clean.substring(0, MAX_TEXT) + "...";
  }
}
