package io.ailake.pipe;

import io.ailake.api.ApiException;
import io.ailake.data.ValueConversion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.parquet.ParquetSchemaUtil;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
import org.apache.parquet.schema.MessageType;

/**
 * The Iceberg table a pipe-table request describes: the schema inferred from the parquet footers and
 * the Hive directories, with the request's overrides, key and partitioning applied. Every request the
 * Iceberg model cannot express is a 400 that says why.
 */
record PipeDefinition(
    Schema schema, PartitionSpec spec, List<String> hiveColumns, Map<String, String> properties) {

  private static final Set<String> UNITS = Set.of("year", "month", "day", "hour");

  /** The checks that need no file: run before the request is accepted. */
  static void validate(PipeTableRequests.CreatePipeTable request) {
    PipeTableRequests.KeyConfig key = request.keyConfig();
    if (key != null) {
      String type = key.type() == null ? "" : key.type();
      switch (type) {
        case "duplicate", "primary", "unique" -> {}
        case "aggregate" -> throw ApiException.badRequest(
            "keyConfig type aggregate pre-aggregates rows, which an Iceberg table cannot do;"
                + " use duplicate, primary or unique");
        default -> throw ApiException.badRequest(
            "keyConfig type must be one of duplicate, primary, unique (was '%s')", key.type());
      }
    }
    if (request.aggregationOverrides() != null && !request.aggregationOverrides().isEmpty()) {
      throw ApiException.badRequest("aggregationOverrides apply only to aggregate tables, which pipe tables cannot be");
    }
    if (request.columnExpressions() != null && !request.columnExpressions().isEmpty()) {
      throw ApiException.badRequest(
          "columnExpressions (HLL and bitmap functions) have no Iceberg equivalent; load the columns as they are");
    }
    if (request.maxVarcharLength() != null && request.maxVarcharLength() < 0) {
      throw ApiException.badRequest("maxVarcharLength must be 0 (no cap) or positive");
    }
    if (request.pollingIntervalSeconds() != null && request.pollingIntervalSeconds() < 0) {
      throw ApiException.badRequest("pollingIntervalSeconds must be 0 (server default) or positive");
    }
    PipeTableRequests.PartitionConfig partition = request.partitionConfig();
    if (partition != null) {
      String type = partition.type() == null ? "" : partition.type();
      switch (type) {
        case "column" -> {
          if (partition.columns() == null || partition.columns().isEmpty()) {
            throw ApiException.badRequest("partitionConfig of type column needs 'columns'");
          }
        }
        case "dateTrunc", "timeSlice" -> {
          if (partition.column() == null || partition.unit() == null) {
            throw ApiException.badRequest("partitionConfig of type %s needs 'column' and 'unit'", type);
          }
          if (!UNITS.contains(partition.unit())) {
            throw ApiException.badRequest(
                "partitionConfig unit '%s' has no Iceberg partition transform; use year, month, day or hour",
                partition.unit());
          }
          if (type.equals("timeSlice") && (partition.slices() == null || partition.slices() != 1)) {
            throw ApiException.badRequest(
                "partitionConfig timeSlice of %s %ss has no Iceberg partition transform; only slices = 1 (same as dateTrunc)",
                partition.slices(), partition.unit());
          }
        }
        default -> throw ApiException.badRequest(
            "partitionConfig type must be column, dateTrunc or timeSlice (was '%s')", partition.type());
      }
    }
    if (request.columnOverrides() != null) {
      request.columnOverrides().forEach(SqlTypes::parse);
    }
  }

  /** A column read from the files: its name, its type, the file it was first seen in. */
  private record Inferred(Type type, String file) {}

  /** Infers the table from the footers of {@code files} (path to schema) and their Hive directories. */
  static PipeDefinition infer(
      PipeTableRequests.CreatePipeTable request,
      Map<String, MessageType> footers,
      Map<String, Map<String, String>> hiveByFile) {
    List<String> hiveColumns = hiveColumns(hiveByFile);
    Map<String, Inferred> columns = new LinkedHashMap<>();
    footers.forEach((file, footer) -> {
      for (Types.NestedField field : ParquetSchemaUtil.convert(footer).columns()) {
        if (hiveColumns.contains(field.name())) {
          continue; // the directory's value is the column's value, as Spark and Hive read it
        }
        Inferred seen = columns.get(field.name());
        if (seen == null) {
          columns.put(field.name(), new Inferred(field.type(), file));
        } else if (!seen.type().equals(field.type())) {
          Type wider = wider(seen.type(), field.type());
          if (wider == null) {
            throw ApiException.badRequest(
                "Column %s is %s in %s but %s in %s; give it one type with columnOverrides",
                field.name(), seen.type(), seen.file(), field.type(), file);
          }
          columns.put(field.name(), new Inferred(wider, seen.file()));
        }
      }
    });
    for (String hive : hiveColumns) {
      columns.put(hive, new Inferred(hiveType(hive, hiveByFile), "the directory names"));
    }

    Map<String, Type> types = new LinkedHashMap<>();
    columns.forEach((name, inferred) -> types.put(name, inferred.type()));
    Map<String, String> overrides = request.columnOverrides() == null ? Map.of() : request.columnOverrides();
    overrides.forEach((column, sql) -> {
      if (!types.containsKey(column)) {
        throw ApiException.badRequest("columnOverrides names %s, which no file has; the columns are %s",
            column, types.keySet());
      }
      Type to = SqlTypes.parse(column, sql).type();
      if (!ValueConversion.convertible(types.get(column), to)) {
        throw ApiException.badRequest("Column %s is %s in the files and cannot be read as %s", column,
            types.get(column), sql);
      }
      types.put(column, to);
    });

    List<String> keyColumns = keyColumns(request.keyConfig(), types);
    List<Types.NestedField> fields = new ArrayList<>();
    int id = 1;
    for (Map.Entry<String, Type> column : types.entrySet()) {
      boolean required = keyColumns.contains(column.getKey());
      fields.add(Types.NestedField.of(id++, !required, column.getKey(), column.getValue()));
    }
    Schema draft = new Schema(fields);
    Set<Integer> identifiers = new LinkedHashSet<>();
    keyColumns.forEach(k -> identifiers.add(draft.findField(k).fieldId()));
    Schema schema = TypeUtil.assignIncreasingFreshIds(new Schema(draft.columns(), identifiers));

    Map<String, String> properties = new HashMap<>();
    if (request.tableProperties() != null) {
      properties.putAll(request.tableProperties());
    }
    for (String hive : hiveColumns) {
      // a refresh selects a partition's files by these columns' bounds: keep them whole
      properties.put(TableProperties.METRICS_MODE_COLUMN_CONF_PREFIX + hive, "full");
    }
    return new PipeDefinition(schema, spec(request.partitionConfig(), schema, hiveColumns), hiveColumns, properties);
  }

  private static List<String> hiveColumns(Map<String, Map<String, String>> hiveByFile) {
    List<String> first = null;
    String firstFile = null;
    for (Map.Entry<String, Map<String, String>> file : hiveByFile.entrySet()) {
      List<String> keys = List.copyOf(file.getValue().keySet());
      if (first == null) {
        first = keys;
        firstFile = file.getKey();
      } else if (!first.equals(keys)) {
        throw ApiException.badRequest(
            "Files must sit at one depth under the prefix, in the same Hive directories: %s has %s, %s has %s",
            firstFile, first, file.getKey(), keys);
      }
    }
    return first == null ? List.of() : first;
  }

  /** Integers when every value is one, dates when every value is one, else strings. */
  private static Type hiveType(String column, Map<String, Map<String, String>> hiveByFile) {
    boolean integers = true;
    boolean longs = true;
    boolean dates = true;
    for (Map<String, String> values : hiveByFile.values()) {
      String value = values.get(column);
      if (value == null) {
        continue;
      }
      integers &= value.matches("-?\\d{1,9}");
      longs &= value.matches("-?\\d{1,18}");
      dates &= value.matches("\\d{4}-\\d{2}-\\d{2}");
    }
    return integers ? Types.IntegerType.get()
        : longs ? Types.LongType.get()
        : dates ? Types.DateType.get()
        : Types.StringType.get();
  }

  private static Type wider(Type a, Type b) {
    if (TypeUtil.isPromotionAllowed(a, b.asPrimitiveType())) {
      return b;
    }
    if (b.isPrimitiveType() && a.isPrimitiveType() && TypeUtil.isPromotionAllowed(b, a.asPrimitiveType())) {
      return a;
    }
    return null;
  }

  private static List<String> keyColumns(PipeTableRequests.KeyConfig key, Map<String, Type> types) {
    if (key == null || key.type() == null || key.type().equals("duplicate")) {
      return List.of();
    }
    List<String> columns = key.columns() == null || key.columns().isEmpty()
        ? List.of(types.keySet().iterator().next())
        : key.columns();
    for (String column : columns) {
      Type type = types.get(column);
      if (type == null) {
        throw ApiException.badRequest("keyConfig names %s, which the table does not have; the columns are %s",
            column, types.keySet());
      }
      if (!type.isPrimitiveType() || type.typeId() == Type.TypeID.FLOAT || type.typeId() == Type.TypeID.DOUBLE) {
        throw ApiException.badRequest("keyConfig column %s is %s; a key column must be a primitive, non-floating type",
            column, type);
      }
    }
    return columns;
  }

  private static PartitionSpec spec(
      PipeTableRequests.PartitionConfig config, Schema schema, List<String> hiveColumns) {
    PartitionSpec.Builder spec = PartitionSpec.builderFor(schema);
    if (config == null) {
      hiveColumns.forEach(spec::identity);
      return spec.build();
    }
    if (config.type().equals("column")) {
      for (String column : config.columns()) {
        require(schema, column);
        spec.identity(column);
      }
      return spec.build();
    }
    Type type = require(schema, config.column());
    boolean timestamp = type.typeId() == Type.TypeID.TIMESTAMP;
    if (!timestamp && type.typeId() != Type.TypeID.DATE) {
      throw ApiException.badRequest(
          "partitionConfig column %s is %s; truncating to a %s needs a DATE or DATETIME column (see columnOverrides)",
          config.column(), type, config.unit());
    }
    switch (config.unit().toLowerCase(Locale.ROOT)) {
      case "year" -> spec.year(config.column());
      case "month" -> spec.month(config.column());
      case "day" -> spec.day(config.column());
      default -> {
        if (!timestamp) {
          throw ApiException.badRequest("partitionConfig column %s is a DATE; it has no hours", config.column());
        }
        spec.hour(config.column());
      }
    }
    return spec.build();
  }

  private static Type require(Schema schema, String column) {
    Types.NestedField field = schema.findField(column);
    if (field == null) {
      throw ApiException.badRequest("partitionConfig names %s, which the table does not have", column);
    }
    return field.type();
  }

  /** Per column, the most characters a string keeps: maxVarcharLength, or an override's VARCHAR(n). */
  static Map<String, Integer> caps(PipeTableRequests.CreatePipeTable request, Schema schema) {
    Map<String, Integer> caps = new HashMap<>();
    int all = request.maxVarcharLength() == null ? 0 : request.maxVarcharLength();
    for (Types.NestedField field : schema.columns()) {
      if (field.type().typeId() != Type.TypeID.STRING) {
        continue;
      }
      int cap = all;
      String sql = request.columnOverrides() == null ? null : request.columnOverrides().get(field.name());
      if (sql != null) {
        var parsed = SqlTypes.parse(field.name(), sql).maxLength();
        if (parsed.isPresent()) {
          cap = cap == 0 ? parsed.getAsInt() : Math.min(cap, parsed.getAsInt());
        }
      }
      if (cap > 0) {
        caps.put(field.name(), cap);
      }
    }
    return caps;
  }

  /** The columns as the API shows them: name and SQL type. */
  static List<Map<String, String>> columnInfo(PipeTableRequests.CreatePipeTable request, Schema schema) {
    Map<String, Integer> caps = caps(request, schema);
    List<Map<String, String>> columns = new ArrayList<>();
    for (Types.NestedField field : schema.columns()) {
      columns.add(Map.of("name", field.name(), "type", SqlTypes.of(field.type(), caps.getOrDefault(field.name(), 0))));
    }
    return columns;
  }
}
