package io.ailake.statistics;

import io.ailake.api.ApiException;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Table names as the AI Lake API writes them: a plain name is a table of namespace {@code default} (where
 * pipe tables live), {@code ns.table} a table of namespace {@code ns}; the last dot separates the table, and
 * the dots before it separate the levels of a nested namespace ({@code a.b.table}).
 */
final class TableNames {

  static final String DEFAULT_NAMESPACE = "default";

  private TableNames() {}

  static TableIdentifier parse(String name) {
    if (name == null || name.isBlank()) {
      throw ApiException.badRequest("tableNames must not contain an empty name");
    }
    int lastDot = name.lastIndexOf('.');
    if (lastDot < 0) {
      return TableIdentifier.of(Namespace.of(DEFAULT_NAMESPACE), name);
    }
    String[] levels = name.substring(0, lastDot).split("\\.", -1);
    String table = name.substring(lastDot + 1);
    for (String level : levels) {
      if (level.isEmpty()) {
        throw invalid(name);
      }
    }
    if (table.isEmpty()) {
      throw invalid(name);
    }
    return TableIdentifier.of(Namespace.of(levels), table);
  }

  /** The name a user writes for {@code identifier}: plain in namespace default, qualified elsewhere. */
  static String format(TableIdentifier identifier) {
    if (identifier.namespace().equals(Namespace.of(DEFAULT_NAMESPACE))) {
      return identifier.name();
    }
    return String.join(".", identifier.namespace().levels()) + "." + identifier.name();
  }

  private static ApiException invalid(String name) {
    return ApiException.badRequest(
        "Invalid table name '%s': use 'table' (namespace default) or 'namespace.table'", name);
  }
}
