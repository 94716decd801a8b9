package io.ailake.data;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Turns a value into a column's type, as a SQL cast would: a value read from a source file or a Hive
 * directory name (the pipe loader), or a JSON value or a CSV field (the row routes), into the Java
 * object Iceberg's generic writers take for the type. Nested values come as JSON gives them: a struct
 * as a map of its fields, a list as a list, a map as a map (or a list of {@code {key, value}} objects).
 * A value that has no such form is a {@link NotConvertible} naming it (and the nested field where it
 * is): the file or the request fails rather than losing or inventing data.
 */
public final class ValueConversion {

  /** Text meant as binary is its UTF-8 bytes: what a source file's string column holds. */
  public static final ValueConversion FILES = new ValueConversion(false);

  /** Text meant as binary is base64: JSON has no bytes of its own. */
  public static final ValueConversion JSON = new ValueConversion(true);

  private final boolean fromJson;

  private ValueConversion(boolean fromJson) {
    this.fromJson = fromJson;
  }

  /** A value that cannot be read as its column's type; {@link #field()} names the nested field, if any. */
  public static final class NotConvertible extends IllegalArgumentException {
    private final String field;
    private final String reason;

    NotConvertible(String field, String reason, Throwable cause) {
      super(field == null ? reason : "field " + field + ": " + reason, cause);
      this.field = field;
      this.reason = reason;
    }

    /** The dotted path of the nested field that holds the value, or null for the column itself. */
    public String field() {
      return field;
    }

    public String reason() {
      return reason;
    }

    NotConvertible within(String parent) {
      return new NotConvertible(field == null ? parent : parent + "." + field, reason, getCause());
    }
  }

  public Object convert(Object value, Type to) {
    if (value == null) {
      return null;
    }
    try {
      return switch (to.typeId()) {
        case BOOLEAN -> value instanceof Boolean ? value : parseBoolean(text(value));
        case INTEGER -> Math.toIntExact(integral(value));
        case LONG -> integral(value);
        case FLOAT -> toFloat(value);
        case DOUBLE -> toDouble(value);
        case DECIMAL -> toDecimal(value, (Types.DecimalType) to);
        case DATE -> date(value);
        case TIME -> value instanceof LocalTime ? value : LocalTime.parse(text(value));
        case TIMESTAMP -> ((Types.TimestampType) to).shouldAdjustToUTC() ? timestamptz(value) : timestamp(value);
        case TIMESTAMP_NANO -> ((Types.TimestampNanoType) to).shouldAdjustToUTC() ? timestamptz(value) : timestamp(value);
        case STRING -> value instanceof CharSequence ? value.toString() : scalarText(value, to);
        case UUID -> value instanceof UUID ? value : UUID.fromString(text(value));
        case BINARY -> binary(value);
        case FIXED -> fixed(value, (Types.FixedType) to);
        case STRUCT -> struct(value, (Types.StructType) to);
        case LIST -> list(value, (Types.ListType) to);
        case MAP -> map(value, (Types.MapType) to);
        // a source file's value of another type passes as read (only an identical type gets here); JSON has none
        default -> {
          if (fromJson) {
            throw new NotConvertible(null, "values of type " + to + " cannot be given as JSON", null);
          }
          yield value;
        }
      };
    } catch (NotConvertible e) {
      throw e;
    } catch (ArithmeticException | IllegalArgumentException | DateTimeException e) {
      throw new NotConvertible(null, "value '" + abbreviate(value) + "' cannot be read as " + to, e);
    }
  }

  /** Whether values of {@code from} can be converted to {@code to} at all (not whether each one will). */
  public static boolean convertible(Type from, Type to) {
    if (from.equals(to) || to.typeId() == Type.TypeID.STRING) {
      return true;
    }
    if (from.isNestedType() || to.isNestedType()) {
      return false;
    }
    return from.typeId() != Type.TypeID.BINARY && from.typeId() != Type.TypeID.FIXED || to.typeId() == Type.TypeID.BINARY;
  }

  private static String abbreviate(Object value) {
    String text = value instanceof ByteBuffer ? "<bytes>" : String.valueOf(value);
    return text.length() > 100 ? text.substring(0, 100) + "..." : text;
  }

  private static String text(Object value) {
    if (value instanceof ByteBuffer buffer) {
      return StandardCharsets.UTF_8.decode(buffer.duplicate()).toString();
    }
    if (value instanceof BigDecimal big) {
      return big.toPlainString();
    }
    return value.toString().trim();
  }

  /** A scalar as text; a nested value (a JSON object or array) is not a string. */
  private static String scalarText(Object value, Type to) {
    if (value instanceof Map || value instanceof List) {
      throw new NotConvertible(null, "a " + (value instanceof Map ? "JSON object" : "JSON array")
          + " cannot be read as " + to, null);
    }
    return text(value);
  }

  private static Boolean parseBoolean(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "true", "1", "t", "yes" -> true;
      case "false", "0", "f", "no" -> false;
      default -> throw new NumberFormatException("not a boolean: " + text);
    };
  }

  private static double toDouble(Object value) {
    if (value instanceof Double d) {
      return d;
    }
    if (value instanceof Float f) {
      return Double.parseDouble(f.toString());
    }
    if (value instanceof CharSequence) {
      String text = text(value);
      switch (text) {
        case "NaN" -> {
          return Double.NaN;
        }
        case "Infinity", "+Infinity" -> {
          return Double.POSITIVE_INFINITY;
        }
        case "-Infinity" -> {
          return Double.NEGATIVE_INFINITY;
        }
        default -> { }
      }
    }
    double converted = decimal(value).doubleValue();
    if (Double.isInfinite(converted)) {
      throw new ArithmeticException("out of the range of a double");
    }
    return converted;
  }

  private static float toFloat(Object value) {
    double wide = toDouble(value);
    float converted = (float) wide;
    if (Float.isInfinite(converted) && !Double.isInfinite(wide)) {
      throw new ArithmeticException("out of the range of a float");
    }
    return converted;
  }

  private static long integral(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Boolean b) {
      return b ? 1 : 0;
    }
    // bounds first: setScale of 1e999999999 would build a billion-digit number
    BigDecimal number = decimal(value).stripTrailingZeros();
    if (number.scale() > 0 || number.precision() - number.scale() > 19) {
      throw new ArithmeticException("not an integer in range");
    }
    return number.setScale(0, RoundingMode.UNNECESSARY).longValueExact();
  }

  private static BigDecimal decimal(Object value) {
    if (value instanceof BigDecimal big) {
      return big;
    }
    if (value instanceof BigInteger big) {
      return new BigDecimal(big);
    }
    if (value instanceof Float || value instanceof Double) {
      return new BigDecimal(value.toString());
    }
    if (value instanceof Number n) {
      return BigDecimal.valueOf(n.longValue());
    }
    if (value instanceof Map || value instanceof List) {
      throw new NumberFormatException("not a number");
    }
    return new BigDecimal(text(value));
  }

  private static BigDecimal toDecimal(Object value, Types.DecimalType type) {
    BigDecimal number = decimal(value);
    if (number.signum() == 0) {
      return BigDecimal.ZERO.setScale(type.scale());
    }
    // bounds first, so no scaling builds a number of more digits than the type holds
    BigDecimal stripped = number.stripTrailingZeros();
    if (stripped.scale() > type.scale()) {
      throw new ArithmeticException("more than " + type.scale() + " decimal places");
    }
    if (stripped.precision() - stripped.scale() > type.precision() - type.scale()) {
      throw new ArithmeticException("more than " + type.precision() + " digits");
    }
    return stripped.setScale(type.scale(), RoundingMode.UNNECESSARY);
  }

  private static LocalDate date(Object value) {
    if (value instanceof LocalDate d) {
      return d;
    }
    if (value instanceof LocalDateTime t) {
      return t.toLocalDate();
    }
    if (value instanceof OffsetDateTime t) {
      return t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDate();
    }
    String text = text(value);
    return text.length() > 10 ? timestamp(text).toLocalDate() : LocalDate.parse(text);
  }

  private static LocalDateTime timestamp(Object value) {
    if (value instanceof LocalDateTime t) {
      return t;
    }
    if (value instanceof OffsetDateTime t) {
      return t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
    }
    if (value instanceof LocalDate d) {
      return d.atStartOfDay();
    }
    String text = text(value).replace(' ', 'T');
    if (hasOffset(text)) {
      return timestamp(OffsetDateTime.parse(text));
    }
    return text.length() == 10 ? LocalDate.parse(text).atStartOfDay() : LocalDateTime.parse(text);
  }

  private static OffsetDateTime timestamptz(Object value) {
    if (value instanceof OffsetDateTime t) {
      return t;
    }
    String text = text(value).replace(' ', 'T');
    if (!(value instanceof LocalDateTime || value instanceof LocalDate) && hasOffset(text)) {
      return OffsetDateTime.parse(text);
    }
    return timestamp(value).atOffset(ZoneOffset.UTC);
  }

  private static boolean hasOffset(String text) {
    return text.length() > 10 && (text.endsWith("Z") || text.matches(".*T.*[+-]\\d\\d(:?\\d\\d)?$"));
  }

  private ByteBuffer binary(Object value) {
    if (value instanceof ByteBuffer buffer) {
      return buffer;
    }
    if (value instanceof byte[] bytes) {
      return ByteBuffer.wrap(bytes);
    }
    if (!fromJson) {
      return ByteBuffer.wrap(text(value).getBytes(StandardCharsets.UTF_8));
    }
    if (!(value instanceof CharSequence)) {
      throw new NotConvertible(null, "binary values are base64 strings, not " + abbreviate(value), null);
    }
    try {
      return ByteBuffer.wrap(Base64.getDecoder().decode(value.toString().trim()));
    } catch (IllegalArgumentException e) {
      throw new NotConvertible(null, "value '" + abbreviate(value) + "' is not base64: " + e.getMessage(), e);
    }
  }

  /** Iceberg's generic writers take a fixed value as a byte array of exactly the type's length. */
  private byte[] fixed(Object value, Types.FixedType type) {
    ByteBuffer buffer = binary(value).duplicate();
    if (buffer.remaining() != type.length()) {
      throw new NotConvertible(null, buffer.remaining() + " bytes cannot be read as " + type, null);
    }
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  private Record struct(Object value, Types.StructType type) {
    if (value instanceof Record record) {
      return record;
    }
    if (!(value instanceof Map<?, ?> fields)) {
      throw new NotConvertible(null, "a struct is a JSON object of its fields, not " + abbreviate(value), null);
    }
    Record record = GenericRecord.create(type);
    Set<Object> known = new HashSet<>();
    for (Types.NestedField field : type.fields()) {
      known.add(field.name());
      Object converted;
      try {
        converted = convert(fields.get(field.name()), field.type());
      } catch (NotConvertible e) {
        throw e.within(field.name());
      }
      if (converted == null && field.isRequired()) {
        throw new NotConvertible(field.name(), "a required field has no value", null);
      }
      record.setField(field.name(), converted);
    }
    for (Object name : fields.keySet()) {
      if (!known.contains(name)) {
        throw new NotConvertible(String.valueOf(name), "the struct has no such field", null);
      }
    }
    return record;
  }

  private List<Object> list(Object value, Types.ListType type) {
    if (!(value instanceof List<?> elements)) {
      throw new NotConvertible(null, "a list is a JSON array, not " + abbreviate(value), null);
    }
    List<Object> converted = new ArrayList<>(elements.size());
    for (int i = 0; i < elements.size(); i++) {
      Object element;
      try {
        element = convert(elements.get(i), type.elementType());
      } catch (NotConvertible e) {
        throw e.within("[" + i + "]");
      }
      if (element == null && type.isElementRequired()) {
        throw new NotConvertible("[" + i + "]", "the list's elements are required, not null", null);
      }
      converted.add(element);
    }
    return converted;
  }

  private Map<Object, Object> map(Object value, Types.MapType type) {
    Map<Object, Object> converted = new LinkedHashMap<>();
    if (value instanceof Map<?, ?> entries) {
      entries.forEach((k, v) -> put(converted, type, k, v));
    } else if (value instanceof List<?> entries) {
      // keys of a non-string type can come as a list of {key, value} objects
      for (Object entry : entries) {
        if (!(entry instanceof Map<?, ?> pair) || !pair.containsKey("key")) {
          throw new NotConvertible(null, "a map is a JSON object, or an array of {\"key\", \"value\"} objects", null);
        }
        put(converted, type, pair.get("key"), pair.get("value"));
      }
    } else {
      throw new NotConvertible(null, "a map is a JSON object, not " + abbreviate(value), null);
    }
    return converted;
  }

  private void put(Map<Object, Object> converted, Types.MapType type, Object key, Object value) {
    Object k;
    Object v;
    try {
      k = convert(key, type.keyType());
    } catch (NotConvertible e) {
      throw e.within("key");
    }
    if (k == null) {
      throw new NotConvertible("key", "a map key cannot be null", null);
    }
    try {
      v = convert(value, type.valueType());
    } catch (NotConvertible e) {
      throw e.within(String.valueOf(key));
    }
    if (v == null && type.isValueRequired()) {
      throw new NotConvertible(String.valueOf(key), "the map's values are required, not null", null);
    }
    converted.put(k, v);
  }
}
