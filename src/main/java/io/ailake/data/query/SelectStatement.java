package io.ailake.data.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ailake.api.ApiException;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;

/**
 * The user's SQL, checked on DuckDB's own parse tree ({@code json_serialize_sql}, which serializes
 * SELECT statements only): exactly one SELECT, no table function, no name that is not a
 * {@code namespace.table} of the database or a common table expression in scope, no time travel of
 * DuckDB's own ({@code AT (...)}: asOf says it). What it reads, and the simple predicates of a
 * single-table query that Iceberg's scan planning can prune files with.
 */
record SelectStatement(String sql, Map<String, QueryTables.Name> tables, List<Expression> pushdown) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Parse-tree nodes that carry a "type" and no "class" and may appear in a query we run. */
  private static final Set<String> ALLOWED_NODES = Set.of(
      "SELECT_NODE", "SET_OPERATION_NODE", "RECURSIVE_CTE_NODE", "CTE_NODE", "BASE_TABLE", "EMPTY",
      "EXPRESSION_LIST", "JOIN", "PIVOT", "SUBQUERY", "DISTINCT_MODIFIER", "LIMIT_MODIFIER",
      "LIMIT_PERCENT_MODIFIER", "ORDER_MODIFIER", "ASCENDING", "DESCENDING", "ORDER_DEFAULT");

  /** DuckDB's own catalogs and schemas: a namespace of that name could not be told from them. */
  private static final Set<String> RESERVED_SCHEMAS = Set.of("system", "temp", "memory", "pg_catalog",
      "information_schema");

  /** Scalar functions that would show the engine's settings (the server's file paths among them). */
  private static final Set<String> DENIED_FUNCTIONS = Set.of("current_setting", "getenv", "getvariable");

  /** The statement that answers DuckDB's parse tree of its parameter, to prepare on a parser's connection. */
  static final String SERIALIZE = "SELECT json_serialize_sql(?::VARCHAR)";

  /**
   * Checks {@code sql} with {@code serialize}: {@link #SERIALIZE} prepared on a connection to a locked-down
   * engine that holds no table.
   */
  static SelectStatement check(String sql, PreparedStatement serialize) {
    JsonNode tree = parse(sql, serialize);
    if (tree.path("error").asBoolean()) {
      String type = tree.path("error_type").asText();
      String message = tree.path("error_message").asText();
      if (type.equals("not implemented") || message.contains("Only SELECT")) {
        throw ApiException.badRequest("Only a SELECT statement (or WITH ... SELECT) may run as a query: no DDL, DML,"
            + " COPY, ATTACH, INSTALL, LOAD, SET, PRAGMA, EXPLAIN or DESCRIBE");
      }
      throw ApiException.badRequest("Invalid SQL: %s", message);
    }
    JsonNode statements = tree.path("statements");
    if (statements.size() != 1) {
      throw ApiException.badRequest("Exactly one SQL statement may run per query; found %d", statements.size());
    }
    Walk walk = new Walk();
    walk.node(statements.get(0), Set.of());
    return new SelectStatement(sql, walk.tables, walk.references == 1 ? pushdown(statements.get(0).path("node"))
        : List.of());
  }

  private static JsonNode parse(String sql, PreparedStatement serialize) {
    try {
      serialize.setString(1, sql);
      try (ResultSet result = serialize.executeQuery()) {
        result.next();
        return JSON.readTree(result.getString(1));
      }
    } catch (SQLException | java.io.IOException e) {
      throw ApiException.badRequest("Invalid SQL: %s", QueryEngine.userMessage(e.getMessage()));
    }
  }

  /** Every table reference and function of the tree, with the CTE names in scope where it stands. */
  private static final class Walk {
    final Map<String, QueryTables.Name> tables = new LinkedHashMap<>();
    int references;

    void node(JsonNode node, Set<String> ctes) {
      if (node.isArray()) {
        node.forEach(child -> node(child, ctes));
        return;
      }
      if (!node.isObject()) {
        return;
      }
      JsonNode type = node.get("type");
      if (node.has("class")) {
        expression(node);
      } else if (type != null && type.isTextual() && !ALLOWED_NODES.contains(type.asText())) {
        refuse(type.asText(), node);
      } else if (type != null && type.asText().equals("BASE_TABLE")) {
        table(node, ctes);
      }
      Set<String> scope = ctes;
      JsonNode map = node.path("cte_map").path("map");
      if (map.isArray() && !map.isEmpty()) {
        scope = new HashSet<>(ctes);
        for (JsonNode cte : map) {
          scope.add(cte.path("key").asText().toLowerCase(Locale.ROOT));
          node(cte.path("value"), Set.copyOf(scope));
        }
      }
      for (var field : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
        if (!field.getKey().equals("cte_map")) {
          node(field.getValue(), scope);
        }
      }
    }

    private void expression(JsonNode node) {
      if (node.path("class").asText().equals("FUNCTION")) {
        String name = node.path("function_name").asText().toLowerCase(Locale.ROOT);
        if (DENIED_FUNCTIONS.contains(name) || !node.path("catalog").asText().isEmpty()
            || !node.path("schema").asText().isEmpty()) {
          throw ApiException.badRequest("Function %s is not available in a query", node.path("function_name").asText());
        }
      }
    }

    private static void refuse(String type, JsonNode node) {
      if (type.equals("TABLE_FUNCTION")) {
        throw ApiException.badRequest("Table functions are not available in a query (found %s): read the database's"
            + " tables by their namespace.table names", node.path("function").path("function_name").asText("one"));
      }
      if (type.equals("SHOW_REF")) {
        throw ApiException.badRequest("DESCRIBE, SHOW and SUMMARIZE are not available in a query");
      }
      throw ApiException.badRequest("This SQL construct is not available in a query (%s)", type);
    }

    private void table(JsonNode node, Set<String> ctes) {
      String catalog = node.path("catalog_name").asText();
      String schema = node.path("schema_name").asText();
      String table = node.path("table_name").asText();
      if (!node.path("at_clause").isNull() && !node.path("at_clause").isMissingNode()) {
        throw ApiException.badRequest("AT (...) is not available; time travel with the request's asOf");
      }
      if (!catalog.isEmpty()) {
        throw ApiException.badRequest("Table '%s.%s.%s': name tables as namespace.table", catalog, schema, table);
      }
      if (schema.isEmpty()) {
        String name = table.toLowerCase(Locale.ROOT);
        if (ctes.contains(name) && !name.startsWith(QueryEngine.RESERVED_PREFIX)) {
          return;
        }
        throw ApiException.badRequest("'%s' is not a table of this database: name tables as namespace.table", table);
      }
      String namespace = schema.toLowerCase(Locale.ROOT);
      if (RESERVED_SCHEMAS.contains(namespace) || namespace.startsWith(QueryEngine.RESERVED_PREFIX)) {
        throw ApiException.badRequest("'%s.%s' is not a table of this database: %s is the engine's own", schema, table,
            schema);
      }
      QueryTables.Name name = new QueryTables.Name(schema, table);
      tables.putIfAbsent(name.key(), name);
      references++;
    }
  }

  /**
   * The conjuncts of the WHERE clause of a query whose only table reference is its FROM: comparisons,
   * BETWEEN, IN lists and IS [NOT] NULL of a column with constants. DuckDB still applies the whole
   * clause; these only let Iceberg skip files whose partitions or column bounds cannot match.
   */
  private static List<Expression> pushdown(JsonNode select) {
    JsonNode from = select.path("from_table");
    if (!select.path("type").asText().equals("SELECT_NODE") || !from.path("type").asText().equals("BASE_TABLE")) {
      return List.of();
    }
    Set<String> qualifiers = new HashSet<>();
    qualifiers.add(from.path("table_name").asText().toLowerCase(Locale.ROOT));
    if (!from.path("alias").asText().isEmpty()) {
      qualifiers = Set.of(from.path("alias").asText().toLowerCase(Locale.ROOT));
    }
    List<JsonNode> conjuncts = new ArrayList<>();
    conjuncts(select.path("where_clause"), conjuncts);
    List<Expression> pushed = new ArrayList<>();
    for (JsonNode conjunct : conjuncts) {
      Expression expression = predicate(conjunct, qualifiers);
      if (expression != null) {
        pushed.add(expression);
      }
    }
    return pushed;
  }

  private static void conjuncts(JsonNode node, List<JsonNode> into) {
    if (node.isMissingNode() || node.isNull()) {
      return;
    }
    if (node.path("type").asText().equals("CONJUNCTION_AND")) {
      node.path("children").forEach(child -> conjuncts(child, into));
    } else {
      into.add(node);
    }
  }

  private static Expression predicate(JsonNode node, Set<String> qualifiers) {
    String type = node.path("type").asText();
    switch (node.path("class").asText()) {
      case "COMPARISON" -> {
        String column = column(node.path("left"), qualifiers);
        Object value = constant(node.path("right"));
        boolean flipped = false;
        if (column == null || value == null) {
          column = column(node.path("right"), qualifiers);
          value = constant(node.path("left"));
          flipped = true;
        }
        if (column == null || value == null) {
          return null;
        }
        return switch (type) {
          case "COMPARE_EQUAL" -> Expressions.equal(column, value);
          case "COMPARE_NOTEQUAL" -> Expressions.notEqual(column, value);
          case "COMPARE_LESSTHAN" -> flipped ? Expressions.greaterThan(column, value) : Expressions.lessThan(column, value);
          case "COMPARE_GREATERTHAN" -> flipped ? Expressions.lessThan(column, value) : Expressions.greaterThan(column, value);
          case "COMPARE_LESSTHANOREQUALTO" -> flipped ? Expressions.greaterThanOrEqual(column, value)
              : Expressions.lessThanOrEqual(column, value);
          case "COMPARE_GREATERTHANOREQUALTO" -> flipped ? Expressions.lessThanOrEqual(column, value)
              : Expressions.greaterThanOrEqual(column, value);
          default -> null;
        };
      }
      case "BETWEEN" -> {
        String column = column(node.path("input"), qualifiers);
        Object lower = constant(node.path("lower"));
        Object upper = constant(node.path("upper"));
        return column == null || lower == null || upper == null ? null
            : Expressions.and(Expressions.greaterThanOrEqual(column, lower), Expressions.lessThanOrEqual(column, upper));
      }
      case "OPERATOR" -> {
        JsonNode children = node.path("children");
        String column = column(children.path(0), qualifiers);
        if (column == null) {
          return null;
        }
        if (type.equals("OPERATOR_IS_NULL")) {
          return Expressions.isNull(column);
        }
        if (type.equals("OPERATOR_IS_NOT_NULL")) {
          return Expressions.notNull(column);
        }
        if (type.equals("COMPARE_IN")) {
          List<Object> values = new ArrayList<>();
          for (int i = 1; i < children.size(); i++) {
            Object value = constant(children.get(i));
            if (value == null) {
              return null;
            }
            values.add(value);
          }
          return Expressions.in(column, values.toArray());
        }
        return null;
      }
      default -> {
        return null;
      }
    }
  }

  private static String column(JsonNode node, Set<String> qualifiers) {
    if (!node.path("class").asText().equals("COLUMN_REF")) {
      return null;
    }
    JsonNode names = node.path("column_names");
    if (names.size() == 1) {
      return names.get(0).asText();
    }
    if (names.size() == 2 && qualifiers.contains(names.get(0).asText().toLowerCase(Locale.ROOT))) {
      return names.get(1).asText();
    }
    return null;
  }

  /** A literal as Iceberg's expressions take it, or null where the conversion could differ from DuckDB's. */
  private static Object constant(JsonNode node) {
    String kind = node.path("literal").path("kind").asText();
    String text = node.path("literal").path("text").asText();
    String clazz = node.path("class").asText();
    if (clazz.equals("CAST")) {
      String target = node.path("type_expr").path("type_name").asText().toUpperCase(Locale.ROOT);
      JsonNode child = node.path("child");
      boolean stringChild = child.path("class").asText().equals("CONSTANT")
          && child.path("literal").path("kind").asText().equals("STRING");
      // Iceberg parses ISO dates and date-times from strings as DuckDB does
      return stringChild && (target.equals("DATE") || target.equals("TIMESTAMP"))
          ? child.path("literal").path("text").asText().replace(' ', 'T') : null;
    }
    if (!clazz.equals("CONSTANT")) {
      return null;
    }
    try {
      return switch (kind) {
        case "INTEGER", "BIGINT" -> Long.parseLong(text);
        case "NUMERIC", "DECIMAL" -> new BigDecimal(text);
        case "STRING" -> text;
        case "BOOLEAN" -> Boolean.parseBoolean(text);
        default -> null;
      };
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
