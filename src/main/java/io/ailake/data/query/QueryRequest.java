package io.ailake.data.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.ailake.api.ApiException;
import java.util.Iterator;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A SQL query over a database's tables, optionally as of snapshots of them. */
@Schema(name = "QueryRequest", requiredProperties = {"sql"}, example = """
    {"sql": "SELECT category, count(*) AS orders FROM sales.orders WHERE day >= DATE '2024-01-01' GROUP BY category",
     "asOf": {"timestamp": "2024-06-30T00:00:00Z"}, "maxRows": 1000, "timeoutMs": 30000}""")
public record QueryRequest(
    @Schema(description = "One SELECT (or WITH ... SELECT) statement; tables are named namespace.table",
        maxLength = 1_000_000)
        String sql,
    @Schema(type = SchemaType.OBJECT,
        description = "The table versions to read: one selector for every table ({\"snapshotId\": 1}, {\"tag\":"
            + " \"eoy\"} or {\"timestamp\": \"2024-06-30T00:00:00Z\" or epoch milliseconds}), or one selector per"
            + " table ({\"sales.orders\": {\"tag\": \"eoy\"}}); tables not named read their current snapshot")
        JsonNode asOf,
    @Schema(description = "The most rows the answer holds (capped by the server's ailake.query.max-rows)",
        minimum = "0")
        Integer maxRows,
    @Schema(description = "How long the query may run, in milliseconds (capped by ailake.query.max-timeout)",
        minimum = "1")
        Long timeoutMs) {

  private static final Set<String> FIELDS = Set.of("sql", "asOf", "maxRows", "timeoutMs");

  /** The request a JSON body holds; every field checked for its type, unknown fields refused. */
  public static QueryRequest of(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw ApiException.badRequest("The request body must be a JSON object with a 'sql' field");
    }
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw ApiException.badRequest("Unknown field '%s': a query takes sql, asOf, maxRows and timeoutMs", name);
      }
    }
    JsonNode sql = body.path("sql");
    if (!sql.isTextual() || sql.asText().isBlank()) {
      throw ApiException.badRequest("'sql' is required: one SELECT statement");
    }
    JsonNode asOf = body.get("asOf");
    if (asOf != null && !asOf.isNull() && !asOf.isObject()) {
      throw ApiException.badRequest("'asOf' must be an object: {\"snapshotId\": ...}, {\"tag\": ...}, {\"timestamp\": ...}"
          + " or one of these per table");
    }
    return new QueryRequest(sql.asText(), asOf == null || asOf.isNull() ? null : asOf,
        integer(body, "maxRows", 0), longValue(body, "timeoutMs", 1));
  }

  private static Integer integer(JsonNode body, String field, long minimum) {
    Long value = longValue(body, field, minimum);
    if (value != null && value > Integer.MAX_VALUE) {
      throw ApiException.badRequest("'%s' must be at most %d", field, Integer.MAX_VALUE);
    }
    return value == null ? null : value.intValue();
  }

  private static Long longValue(JsonNode body, String field, long minimum) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw ApiException.badRequest("'%s' must be an integer", field);
    }
    if (node.asLong() < minimum) {
      throw ApiException.badRequest("'%s' must be at least %d", field, minimum);
    }
    return node.asLong();
  }
}
