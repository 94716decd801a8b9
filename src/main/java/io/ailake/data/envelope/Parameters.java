package io.ailake.data.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ailake.api.ApiException;
import java.util.List;

/**
 * An envelope's {@code parameters}, read by the seed's names and by ours: {@code database} (or {@code
 * instanceId}), {@code namespace} and {@code table} (or {@code name}; {@code "shop.orders"} when no
 * namespace is given), and each operation's own fields as the REST route's body names them.
 */
final class Parameters {

  static final List<String> DATABASE = List.of("database", "instanceId", "databaseId");
  static final List<String> TABLE = List.of("table", "name");

  private final ObjectNode node;
  private final ObjectMapper json;
  private final Long timeout;

  Parameters(JsonNode node, ObjectMapper json, Long timeout) {
    if (node != null && !node.isNull() && !node.isObject()) {
      throw ApiException.badRequest("'parameters' must be a JSON object");
    }
    this.node = node == null || node.isNull() ? json.createObjectNode() : (ObjectNode) node;
    this.json = json;
    this.timeout = timeout;
  }

  /** The call's {@code options.timeout} in milliseconds, or null. */
  Long timeout() {
    return timeout;
  }

  String database() {
    return required(DATABASE);
  }

  /** The table's namespace: {@code namespace}, else what precedes the last dot of {@code table}. */
  String namespace() {
    String namespace = text(List.of("namespace"));
    if (namespace != null) {
      return namespace;
    }
    String table = required(TABLE);
    int dot = table.lastIndexOf('.');
    if (dot <= 0) {
      throw ApiException.badRequest("'namespace' is required (or name the table as namespace.table)");
    }
    return table.substring(0, dot);
  }

  String table() {
    String table = required(TABLE);
    return text(List.of("namespace")) == null ? table.substring(table.lastIndexOf('.') + 1) : table;
  }

  String text(String name) {
    return text(List.of(name));
  }

  JsonNode get(String name) {
    JsonNode value = node.get(name);
    return value == null || value.isNull() ? null : value;
  }

  /**
   * The parameters as the REST route's body: the addressing parameters {@code leftOut}, then each {@code
   * renamed} pair (the seed's name, then ours) applied, the seed's name winning.
   */
  <T> T as(Class<T> type, List<String> leftOut, String... renamed) {
    ObjectNode body = node.deepCopy();
    leftOut.forEach(body::remove);
    for (int i = 0; i + 1 < renamed.length; i += 2) {
      JsonNode value = body.remove(renamed[i]);
      if (value != null) {
        body.set(renamed[i + 1], value);
      }
    }
    try {
      return json.treeToValue(body, type);
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      String message = e instanceof com.fasterxml.jackson.core.JsonProcessingException processing
          ? processing.getOriginalMessage() : e.getMessage();
      throw ApiException.badRequest("Invalid parameters: %s", message);
    }
  }

  private String required(List<String> names) {
    String value = text(names);
    if (value == null || value.isBlank()) {
      throw ApiException.badRequest("Parameter '%s' is required", names.get(0));
    }
    return value;
  }

  private String text(List<String> names) {
    for (String name : names) {
      JsonNode value = node.get(name);
      if (value != null && !value.isNull()) {
        if (!value.isTextual()) {
          throw ApiException.badRequest("Parameter '%s' must be a string", name);
        }
        return value.asText();
      }
    }
    return null;
  }
}
