package io.ailake.data.query;

import io.ailake.api.ApiException;
import io.ailake.data.DatabaseTables;
import io.ailake.iceberg.Warehouse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableScan;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Binder;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.io.CloseableIterable;

/** The tables a query names, found in the caller's database, and the files Iceberg's scan planning selects. */
final class QueryTables {

  private QueryTables() {}

  /** A table as the SQL names it: {@code namespace.table} (a quoted namespace may hold dots: {@code "a.b".t}). */
  record Name(String namespace, String table) {
    /** DuckDB resolves names case-insensitively; so does the query's table list. */
    String key() {
      return namespace.toLowerCase(Locale.ROOT) + "." + table.toLowerCase(Locale.ROOT);
    }
  }

  /** One table of a query: what it reads (a snapshot, or none of an empty table) and its files. */
  record Planned(Name name, Table table, Schema schema, Long snapshotId, List<FileScanTask> tasks) {
    /** The table's identifier in its database ({@code Table.name()} is {@code database.namespace.table}). */
    String display() {
      return table.name().substring(table.name().indexOf('.') + 1);
    }
  }

  /** The key of a table that asOf names as {@code namespace.table}. */
  static String key(String name) {
    int dot = name.lastIndexOf('.');
    if (dot <= 0 || dot == name.length() - 1) {
      throw ApiException.badRequest("'asOf' names tables as namespace.table; '%s' is not such a name", name);
    }
    return new Name(name.substring(0, dot), name.substring(dot + 1)).key();
  }

  /** The table in {@code database}; as written, else in lower case (unquoted SQL names are case-insensitive). */
  static Table load(DatabaseTables tables, Warehouse database, Name name) {
    TableIdentifier written = DatabaseTables.identifier(name.namespace(), name.table());
    try {
      return tables.load(database, written);
    } catch (ApiException e) {
      TableIdentifier lower = DatabaseTables.identifier(name.namespace().toLowerCase(Locale.ROOT),
          name.table().toLowerCase(Locale.ROOT));
      if (e.status() != 404 || lower.equals(written)) {
        throw e;
      }
      try {
        return tables.load(database, lower);
      } catch (ApiException notFound) {
        throw e;
      }
    }
  }

  /** The scan of {@code version} (the current snapshot when null), pruned by the predicates Iceberg can bind. */
  static Planned plan(Name name, Table table, AsOf.Version version, List<Expression> pushdown) {
    TableScan scan = table.newScan().caseSensitive(false);
    String shown = name.namespace() + "." + name.table();
    if (version != null && version.snapshotId() != null) {
      if (table.snapshot(version.snapshotId()) == null) {
        throw ApiException.notFound("Table %s has no snapshot %d", shown, version.snapshotId());
      }
      scan = scan.useSnapshot(version.snapshotId());
    } else if (version != null && version.tag() != null) {
      if (table.refs().get(version.tag()) == null) {
        throw ApiException.notFound("Table %s has no tag or branch named '%s'", shown, version.tag());
      }
      scan = scan.useRef(version.tag());
    } else if (version != null) {
      try {
        scan = scan.asOfTime(version.timestampMillis());
      } catch (IllegalArgumentException e) {
        throw ApiException.notFound("Table %s has no snapshot at or before %s", shown, version);
      }
    }
    for (Expression predicate : pushdown) {
      try {
        Binder.bind(scan.schema().asStruct(), predicate, false);
        scan = scan.filter(predicate);
      } catch (ValidationException | IllegalArgumentException | UnsupportedOperationException unbound) {
        // not a predicate Iceberg evaluates as DuckDB does (another type, an unknown column): DuckDB alone applies it
      }
    }
    Snapshot snapshot = scan.snapshot();
    List<FileScanTask> tasks = new ArrayList<>();
    if (snapshot != null) {
      try (CloseableIterable<FileScanTask> files = scan.planFiles()) {
        files.forEach(tasks::add);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return new Planned(name, table, scan.schema(), snapshot == null ? null : snapshot.snapshotId(), tasks);
  }
}
