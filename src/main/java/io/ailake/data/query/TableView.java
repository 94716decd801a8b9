package io.ailake.data.query;

import static io.ailake.data.query.QueryEngine.identifier;
import static io.ailake.data.query.QueryEngine.literal;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.mapping.MappedField;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.data.BaseDeleteLoader;
import org.apache.iceberg.deletes.PositionDeleteIndex;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.ByteBuffers;
import org.duckdb.DuckDBAppender;

/**
 * One table of a query as DuckDB sees it: a view over read_parquet of its files, each column read by
 * its Parquet field id (a renamed column keeps its values, a column added later is NULL in older
 * files, a dropped one is not read). Files without deletes are read as they are; the others with their
 * row positions, minus the positions their position deletes and deletion vectors name and the rows
 * their equality deletes match. Delete files are read with Iceberg's own readers.
 */
final class TableView {

  private final QueryTables.Planned table;
  private final QueryFileCache cache;
  /** How files without field ids name the columns (the table's schema.name-mapping.default), or null. */
  private final NameMapping nameMapping;
  /** The columns the view shows, then those only equality deletes compare; by field id. */
  private final List<Types.NestedField> shown;
  private final Map<Integer, Types.NestedField> read = new LinkedHashMap<>();
  private final List<Path> plainFiles = new ArrayList<>();
  private final List<Path> deletedFiles = new ArrayList<>();
  private final Map<Path, PositionDeleteIndex> positions = new LinkedHashMap<>();
  /** Per set of equality field ids: its delete files' rows, and which data file each delete file applies to. */
  private final Map<List<Integer>, EqualityDeletes> equality = new LinkedHashMap<>();

  private static final class EqualityDeletes {
    final Map<String, Integer> files = new LinkedHashMap<>();
    /** The delete file's number, then its values as text (cast to the column types in DuckDB). */
    final List<Object[]> rows = new ArrayList<>();
    final List<Map.Entry<Path, Integer>> applies = new ArrayList<>();
  }

  private TableView(QueryTables.Planned table, QueryFileCache cache) {
    this.table = table;
    this.cache = cache;
    String mapping = table.table().properties().get(TableProperties.DEFAULT_NAME_MAPPING);
    this.nameMapping = mapping == null ? null : NameMappingParser.fromJson(mapping);
    this.shown = table.schema().columns();
    shown.forEach(field -> read.put(field.fieldId(), field));
  }

  /** The view of {@code table}, whose data files DuckDB reads at the paths {@code local} gives by location. */
  static TableView of(QueryTables.Planned table, QueryFileCache cache, Map<String, Path> local) {
    TableView view = new TableView(table, cache);
    FileIO io = table.table().io();
    BaseDeleteLoader loader = new BaseDeleteLoader(file -> io.newInputFile(file.location(), file.fileSizeInBytes()));
    for (FileScanTask task : table.tasks()) {
      Path path = local.get(task.file().location());
      if (task.deletes().isEmpty()) {
        view.plainFiles.add(path);
        continue;
      }
      view.deletedFiles.add(path);
      List<DeleteFile> positional = new ArrayList<>();
      for (DeleteFile delete : task.deletes()) {
        if (delete.content() == FileContent.POSITION_DELETES) {
          positional.add(delete);
        } else {
          view.equality(delete, path, loader);
        }
      }
      if (!positional.isEmpty()) {
        PositionDeleteIndex index = loader.loadPositionDeletes(positional, task.file().location());
        view.positions.merge(path, index, (a, b) -> {
          a.merge(b);
          return a;
        });
      }
    }
    return view;
  }

  private void equality(DeleteFile delete, Path dataFile, BaseDeleteLoader loader) {
    List<Integer> ids = List.copyOf(delete.equalityFieldIds());
    EqualityDeletes deletes = equality.computeIfAbsent(ids, k -> new EqualityDeletes());
    Integer number = deletes.files.get(delete.location());
    if (number == null) {
      number = deletes.files.size();
      deletes.files.put(delete.location(), number);
      Schema projection = projection(ids);
      for (StructLike row : loader.loadEqualityDeletes(List.of(delete), projection)) {
        Object[] values = new Object[ids.size() + 1];
        values[0] = number;
        for (int i = 0; i < ids.size(); i++) {
          values[i + 1] = text(row.get(i, Object.class));
        }
        deletes.rows.add(values);
      }
    }
    deletes.applies.add(Map.entry(dataFile, number));
  }

  /** The equality columns, as the scanned schema has them (or the table's, for a column dropped since). */
  private Schema projection(List<Integer> ids) {
    List<Types.NestedField> fields = new ArrayList<>();
    for (Integer id : ids) {
      Types.NestedField field = table.schema().findField(id);
      if (field == null) {
        field = table.table().schema().findField(id);
      }
      if (field == null) {
        for (Schema schema : table.table().schemas().values()) {
          if (field == null && schema.findField(id) != null) {
            field = schema.findField(id);
          }
        }
      }
      if (field == null) {
        throw new IllegalStateException("Equality delete field " + id + " is in no schema of " + table.display());
      }
      fields.add(field);
      read.putIfAbsent(id, field);
    }
    return new Schema(fields);
  }

  private static Object text(Object value) {
    if (value instanceof ByteBuffer buffer) {
      StringBuilder hex = new StringBuilder();
      for (byte b : ByteBuffers.toByteArray(buffer)) {
        hex.append(String.format("%02x", b));
      }
      return hex.toString();
    }
    return value == null ? null : value.toString();
  }

  /** Creates the view (and the tables of its deleted rows) as table number {@code n} of the query. */
  void create(Connection connection, int n) throws SQLException {
    QueryEngine.execute(connection, "CREATE SCHEMA IF NOT EXISTS " + identifier(QueryEngine.RESERVED_PREFIX));
    QueryEngine.execute(connection, "CREATE SCHEMA IF NOT EXISTS " + identifier(table.name().namespace()));
    List<String> parts = new ArrayList<>();
    if (!plainFiles.isEmpty()) {
      parts.add("SELECT " + outerColumns("") + " FROM " + source(plainFiles, false));
    }
    if (!deletedFiles.isEmpty()) {
      parts.add(deletedPart(connection, n));
    }
    if (parts.isEmpty()) {
      parts.add("SELECT " + typedNulls() + " WHERE false");
    }
    QueryEngine.execute(connection, "CREATE VIEW " + identifier(table.name().namespace()) + "."
        + identifier(table.name().table()) + " AS " + String.join(" UNION ALL ", parts));
  }

  private String deletedPart(Connection connection, int n) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT ").append(outerColumns("d."))
        .append(" FROM ").append(source(deletedFiles, true)).append(" AS d WHERE true");
    if (!positions.isEmpty()) {
      String name = helper("positions_" + n);
      QueryEngine.execute(connection, "CREATE TABLE " + name + " (file VARCHAR, pos BIGINT)");
      try (DuckDBAppender appender = QueryEngine.duck(connection).createAppender(QueryEngine.RESERVED_PREFIX,
          "positions_" + n)) {
        for (Map.Entry<Path, PositionDeleteIndex> file : positions.entrySet()) {
          String path = file.getKey().toString();
          SQLException[] failure = new SQLException[1];
          file.getValue().forEach(position -> {
            if (failure[0] == null) {
              try {
                appender.beginRow().append(path).append(position).endRow();
              } catch (SQLException e) {
                failure[0] = e;
              }
            }
          });
          if (failure[0] != null) {
            throw failure[0];
          }
        }
      }
      sql.append(" AND NOT EXISTS (SELECT 1 FROM ").append(name)
          .append(" p WHERE p.file = d.filename AND p.pos = d.file_row_number)");
    }
    int group = 0;
    for (Map.Entry<List<Integer>, EqualityDeletes> entry : equality.entrySet()) {
      List<Integer> ids = entry.getKey();
      String suffix = n + "_" + group++;
      String staged = "equality_text_" + suffix;
      StringBuilder columns = new StringBuilder("del INTEGER");
      StringBuilder typed = new StringBuilder("del");
      StringBuilder match = new StringBuilder();
      for (Integer id : ids) {
        columns.append(", c").append(id).append(" VARCHAR");
        String type = DuckTypes.of(read.get(id).type());
        typed.append(", ").append(type.equals("BLOB") ? "unhex(c" + id + ")" : "CAST(c" + id + " AS " + type + ")")
            .append(" AS c").append(id);
        match.append(" AND e.c").append(id).append(" IS NOT DISTINCT FROM d.c").append(id);
      }
      QueryEngine.execute(connection, "CREATE TABLE " + helper(staged) + " (" + columns + ")");
      try (DuckDBAppender appender = QueryEngine.duck(connection).createAppender(QueryEngine.RESERVED_PREFIX, staged)) {
        for (Object[] row : entry.getValue().rows) {
          appender.beginRow().append(((Integer) row[0]).intValue());
          for (int i = 1; i < row.length; i++) {
            if (row[i] == null) {
              appender.appendNull();
            } else {
              appender.append((String) row[i]);
            }
          }
          appender.endRow();
        }
      }
      String rows = helper("equality_" + suffix);
      QueryEngine.execute(connection, "CREATE TABLE " + rows + " AS SELECT " + typed + " FROM " + helper(staged));
      String applies = helper("equality_files_" + suffix);
      QueryEngine.execute(connection, "CREATE TABLE " + applies + " (file VARCHAR, del INTEGER)");
      try (DuckDBAppender appender = QueryEngine.duck(connection).createAppender(QueryEngine.RESERVED_PREFIX,
          "equality_files_" + suffix)) {
        for (Map.Entry<Path, Integer> apply : entry.getValue().applies) {
          appender.beginRow().append(apply.getKey().toString()).append(apply.getValue().intValue()).endRow();
        }
      }
      sql.append(" AND NOT EXISTS (SELECT 1 FROM ").append(rows).append(" e JOIN ").append(applies)
          .append(" a ON a.del = e.del WHERE a.file = d.filename").append(match).append(')');
    }
    return sql.toString();
  }

  private static String helper(String name) {
    return identifier(QueryEngine.RESERVED_PREFIX) + "." + identifier(name);
  }

  private String outerColumns(String qualifier) {
    StringBuilder columns = new StringBuilder();
    for (Types.NestedField field : shown) {
      columns.append(columns.length() == 0 ? "" : ", ").append(qualifier).append('c').append(field.fieldId())
          .append(" AS ").append(identifier(field.name()));
    }
    return columns.length() == 0 ? "NULL AS " + identifier("empty") : columns.toString();
  }

  private String typedNulls() {
    StringBuilder columns = new StringBuilder();
    for (Types.NestedField field : shown) {
      columns.append(columns.length() == 0 ? "" : ", ").append("CAST(NULL AS ").append(DuckTypes.of(field.type()))
          .append(") AS ").append(identifier(field.name()));
    }
    return columns.length() == 0 ? "NULL AS " + identifier("empty") : columns.toString();
  }

  /**
   * The rows of {@code files} with the columns c<id> (then filename and file_row_number when
   * {@code positions}): files with field ids in one read_parquet, each other one by its column names.
   */
  private String source(List<Path> files, boolean positions) {
    List<Path> withIds = new ArrayList<>();
    List<String> parts = new ArrayList<>();
    for (Path file : new LinkedHashSet<>(files)) {
      List<String> names = cache.namesWithoutFieldIds(file);
      if (names == null) {
        withIds.add(file);
      } else {
        parts.add(byName(file, names, positions));
      }
    }
    if (!withIds.isEmpty()) {
      StringBuilder columns = new StringBuilder();
      for (Types.NestedField field : read.values()) {
        columns.append(columns.length() == 0 ? "" : ", ").append('c').append(field.fieldId());
      }
      // the columns named in order: every part of the union has them in the same places
      parts.add(0, "SELECT " + columns + (positions ? ", filename, file_row_number" : "") + " FROM "
          + readParquet(withIds, positions));
    }
    return "(" + String.join(" UNION ALL ", parts) + ")";
  }

  /** A file without field ids: each column by the names the table's name mapping (or its schema) gives it. */
  private String byName(Path file, List<String> fileColumns, boolean positions) {
    StringBuilder sql = new StringBuilder("SELECT ");
    int i = 0;
    for (Types.NestedField field : read.values()) {
      List<String> names = new ArrayList<>();
      MappedField mapped = nameMapping == null ? null : nameMapping.find(field.fieldId());
      if (mapped != null) {
        names.addAll(mapped.names());
      } else if (nameMapping == null) {
        names.add(field.name());
      }
      String column = names.stream().filter(fileColumns::contains).findFirst().orElse(null);
      sql.append(i++ == 0 ? "" : ", ").append("CAST(").append(column == null ? "NULL" : identifier(column))
          .append(" AS ").append(DuckTypes.of(field.type())).append(") AS c").append(field.fieldId());
    }
    if (positions) {
      sql.append(", filename, file_row_number");
    }
    return sql.append(" FROM read_parquet([").append(literal(file.toString())).append(']')
        .append(positions ? ", filename = true, file_row_number = true" : "").append(')').toString();
  }

  /** read_parquet of {@code files}, each column by field id under the name c<id>. */
  private String readParquet(List<Path> files, boolean positions) {
    StringBuilder sql = new StringBuilder("read_parquet([");
    int i = 0;
    for (Path file : files) {
      sql.append(i++ == 0 ? "" : ", ").append(literal(file.toString()));
    }
    sql.append("], schema = MAP {");
    i = 0;
    for (Types.NestedField field : read.values()) {
      sql.append(i++ == 0 ? "" : ", ").append(field.fieldId()).append(": {name: ")
          .append(literal("c" + field.fieldId())).append(", type: ").append(literal(DuckTypes.of(field.type())))
          .append(", default_value: NULL}");
    }
    sql.append('}');
    if (positions) {
      sql.append(", filename = true, file_row_number = true");
    }
    return sql.append(')').toString();
  }
}
