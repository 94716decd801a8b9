package io.ailake.data.rows;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ailake.data.ValueConversion;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;

/**
 * A body's row as a record of the table's schema: every member a column (by its exact name), every value
 * converted to the column's type ({@link ValueConversion#JSON}), every required column given. A CSV
 * field of a nested column is read as JSON text.
 */
final class RowRecords {

  private final Schema schema;
  private final boolean textFields;

  RowRecords(Schema schema, boolean textFields) {
    this.schema = schema;
    this.textFields = textFields;
  }

  Record record(long number, Map<String, Object> row) {
    for (String name : row.keySet()) {
      if (schema.asStruct().field(name) == null) {
        throw new BadRow(number, name, "the table has no such column");
      }
    }
    Record record = GenericRecord.create(schema);
    for (Types.NestedField column : schema.columns()) {
      Object value = row.get(column.name());
      record.setField(column.name(), value(number, column, value));
    }
    return record;
  }

  /** {@code value} as a value of {@code column}; a {@link BadRow} naming the column (and nested field) when it is none. */
  static Object value(long number, Types.NestedField column, Object value, boolean textFields) {
    if (textFields && value instanceof String text && column.type().isNestedType()) {
      try {
        value = BodyRows.nested(text);
      } catch (JsonProcessingException e) {
        throw new BadRow(number, column.name(), "a " + column.type().typeId().name().toLowerCase()
            + " column's CSV field holds its value as JSON: " + e.getOriginalMessage());
      }
    }
    Object converted;
    try {
      converted = ValueConversion.JSON.convert(value, column.type());
    } catch (ValueConversion.NotConvertible e) {
      throw new BadRow(number, e.field() == null ? column.name() : column.name() + "." + e.field(), e.reason());
    } catch (IllegalArgumentException e) {
      throw new BadRow(number, column.name(), e.getMessage());
    }
    if (converted == null && column.isRequired()) {
      throw new BadRow(number, column.name(), "the column is required and has no value");
    }
    return converted;
  }

  private Object value(long number, Types.NestedField column, Object value) {
    return value(number, column, value, textFields);
  }
}
