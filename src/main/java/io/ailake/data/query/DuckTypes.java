package io.ailake.data.query;

import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/** Iceberg's types as DuckDB spells them, for read_parquet's schema and the typed empty table. */
final class DuckTypes {

  private DuckTypes() {}

  static String of(Type type) {
    return switch (type.typeId()) {
      case BOOLEAN -> "BOOLEAN";
      case INTEGER -> "INTEGER";
      case LONG -> "BIGINT";
      case FLOAT -> "FLOAT";
      case DOUBLE -> "DOUBLE";
      case DATE -> "DATE";
      case TIME -> "TIME";
      case TIMESTAMP -> ((Types.TimestampType) type).shouldAdjustToUTC() ? "TIMESTAMPTZ" : "TIMESTAMP";
      case TIMESTAMP_NANO -> ((Types.TimestampNanoType) type).shouldAdjustToUTC() ? "TIMESTAMPTZ" : "TIMESTAMP_NS";
      case STRING -> "VARCHAR";
      case UUID -> "UUID";
      case FIXED, BINARY -> "BLOB";
      case DECIMAL -> {
        Types.DecimalType decimal = (Types.DecimalType) type;
        yield "DECIMAL(" + decimal.precision() + "," + decimal.scale() + ")";
      }
      case STRUCT -> {
        StringBuilder struct = new StringBuilder("STRUCT(");
        var fields = type.asStructType().fields();
        for (int i = 0; i < fields.size(); i++) {
          struct.append(i == 0 ? "" : ", ").append(QueryEngine.identifier(fields.get(i).name())).append(' ')
              .append(of(fields.get(i).type()));
        }
        yield struct.append(')').toString();
      }
      case LIST -> of(type.asListType().elementType()) + "[]";
      case MAP -> "MAP(" + of(type.asMapType().keyType()) + ", " + of(type.asMapType().valueType()) + ")";
      default -> "VARCHAR"; // variant, geometry and the like: what DuckDB makes of the file's column
    };
  }
}
