package io.ailake.pipe;

import io.ailake.api.ApiException;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/** The SQL type names of the AI Lake API (StarRocks' vocabulary) and the Iceberg types they mean. */
final class SqlTypes {

  private static final Pattern SQL_TYPE = Pattern.compile("\\s*([A-Za-z]+)\\s*(?:\\(\\s*(\\d+)\\s*(?:,\\s*(\\d+)\\s*)?\\))?\\s*");

  private SqlTypes() {}

  /** A column's type as an override names it: the Iceberg type and, for VARCHAR(n)/CHAR(n), the cap n. */
  record Parsed(Type type, OptionalInt maxLength) {}

  static Parsed parse(String column, String sql) {
    Matcher m = sql == null ? null : SQL_TYPE.matcher(sql);
    if (m == null || !m.matches()) {
      throw unknown(column, sql);
    }
    String name = m.group(1).toUpperCase(Locale.ROOT);
    Integer first = m.group(2) == null ? null : Integer.valueOf(m.group(2));
    Integer second = m.group(3) == null ? null : Integer.valueOf(m.group(3));
    Type type = switch (name) {
      case "BOOLEAN", "BOOL" -> Types.BooleanType.get();
      case "TINYINT", "SMALLINT", "INT", "INTEGER" -> Types.IntegerType.get();
      case "BIGINT" -> Types.LongType.get();
      case "LARGEINT" -> Types.DecimalType.of(38, 0);
      case "FLOAT" -> Types.FloatType.get();
      case "DOUBLE" -> Types.DoubleType.get();
      case "DECIMAL", "DECIMALV3", "NUMERIC" -> {
        int precision = first == null ? 38 : first;
        int scale = second == null ? 0 : second;
        if (precision < 1 || precision > 38 || scale > precision) {
          throw ApiException.badRequest(
              "Column %s: %s is not a decimal Iceberg can hold (precision 1-38, scale <= precision)", column, sql);
        }
        yield Types.DecimalType.of(precision, scale);
      }
      case "DATE" -> Types.DateType.get();
      case "DATETIME", "TIMESTAMP" -> Types.TimestampType.withoutZone();
      case "TIMESTAMPTZ" -> Types.TimestampType.withZone();
      case "TIME" -> Types.TimeType.get();
      case "CHAR", "VARCHAR", "STRING", "TEXT", "JSON" -> Types.StringType.get();
      case "BINARY", "VARBINARY" -> Types.BinaryType.get();
      case "UUID" -> Types.UUIDType.get();
      default -> throw unknown(column, sql);
    };
    boolean capped = (name.equals("VARCHAR") || name.equals("CHAR")) && first != null && first > 0;
    return new Parsed(type, capped ? OptionalInt.of(first) : OptionalInt.empty());
  }

  /** How the API shows an Iceberg type. */
  static String of(Type type, int maxLength) {
    return switch (type.typeId()) {
      case BOOLEAN -> "BOOLEAN";
      case INTEGER -> "INT";
      case LONG -> "BIGINT";
      case FLOAT -> "FLOAT";
      case DOUBLE -> "DOUBLE";
      case DECIMAL -> "DECIMAL(" + ((Types.DecimalType) type).precision() + "," + ((Types.DecimalType) type).scale() + ")";
      case DATE -> "DATE";
      case TIME -> "TIME";
      case TIMESTAMP, TIMESTAMP_NANO -> ((Types.TimestampType.class.isInstance(type)
          && ((Types.TimestampType) type).shouldAdjustToUTC())
          || (type instanceof Types.TimestampNanoType nano && nano.shouldAdjustToUTC())) ? "TIMESTAMPTZ" : "DATETIME";
      case STRING -> maxLength > 0 ? "VARCHAR(" + maxLength + ")" : "VARCHAR";
      case UUID -> "VARCHAR(36)";
      case FIXED, BINARY -> "VARBINARY";
      case LIST -> "ARRAY<" + of(((Types.ListType) type).elementType(), 0) + ">";
      case MAP -> "MAP<" + of(((Types.MapType) type).keyType(), 0) + "," + of(((Types.MapType) type).valueType(), 0) + ">";
      case STRUCT -> "STRUCT<" + String.join(",", ((Types.StructType) type).fields().stream()
          .map(f -> f.name() + " " + of(f.type(), 0)).toList()) + ">";
      default -> type.toString().toUpperCase(Locale.ROOT);
    };
  }

  private static ApiException unknown(String column, String sql) {
    return ApiException.badRequest(
        "Column %s: unknown type '%s'; use BOOLEAN, TINYINT, SMALLINT, INT, BIGINT, LARGEINT, FLOAT, DOUBLE,"
            + " DECIMAL(p,s), DATE, DATETIME, TIMESTAMP, TIME, CHAR(n), VARCHAR(n), STRING, BINARY or VARBINARY",
        column, sql);
  }
}
