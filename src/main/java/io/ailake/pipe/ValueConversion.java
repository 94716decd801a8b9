package io.ailake.pipe;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Turns a value read from a source file (or a Hive directory name) into the column's type, as a SQL
 * cast would. A value that has no such form is an {@link IllegalArgumentException} naming it: the file
 * fails to load rather than losing or inventing data.
 */
final class ValueConversion {

  private ValueConversion() {}

  static Object convert(Object value, Type to) {
    if (value == null) {
      return null;
    }
    try {
      return switch (to.typeId()) {
        case BOOLEAN -> value instanceof Boolean ? value : parseBoolean(text(value));
        case INTEGER -> Math.toIntExact(integral(value));
        case LONG -> integral(value);
        case FLOAT -> (float) decimal(value).doubleValue();
        case DOUBLE -> value instanceof Float f ? Double.valueOf(f.toString()) : decimal(value).doubleValue();
        case DECIMAL -> toDecimal(value, (Types.DecimalType) to);
        case DATE -> date(value);
        case TIME -> value instanceof LocalTime ? value : LocalTime.parse(text(value));
        case TIMESTAMP -> ((Types.TimestampType) to).shouldAdjustToUTC() ? timestamptz(value) : timestamp(value);
        case STRING -> value instanceof CharSequence ? value.toString() : text(value);
        case UUID -> value instanceof UUID ? value : UUID.fromString(text(value));
        case BINARY -> value instanceof ByteBuffer ? value : ByteBuffer.wrap(text(value).getBytes(StandardCharsets.UTF_8));
        default -> value; // nested and other types pass as read: only an identical type gets here
      };
    } catch (ArithmeticException | NumberFormatException | DateTimeParseException e) {
      throw new IllegalArgumentException("value '" + value + "' cannot be read as " + to, e);
    }
  }

  /** Whether values of {@code from} can be converted to {@code to} at all (not whether each one will). */
  static boolean convertible(Type from, Type to) {
    if (from.equals(to) || to.typeId() == Type.TypeID.STRING) {
      return true;
    }
    if (from.isNestedType() || to.isNestedType()) {
      return false;
    }
    return from.typeId() != Type.TypeID.BINARY && from.typeId() != Type.TypeID.FIXED || to.typeId() == Type.TypeID.BINARY;
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

  private static Boolean parseBoolean(String text) {
    return switch (text.toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1", "t", "yes" -> true;
      case "false", "0", "f", "no" -> false;
      default -> throw new NumberFormatException("not a boolean: " + text);
    };
  }

  private static long integral(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Boolean b) {
      return b ? 1 : 0;
    }
    return decimal(value).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
  }

  private static BigDecimal decimal(Object value) {
    if (value instanceof BigDecimal big) {
      return big;
    }
    if (value instanceof Float || value instanceof Double) {
      return new BigDecimal(value.toString());
    }
    if (value instanceof Number n) {
      return BigDecimal.valueOf(n.longValue());
    }
    return new BigDecimal(text(value));
  }

  private static BigDecimal toDecimal(Object value, Types.DecimalType type) {
    BigDecimal scaled = decimal(value).setScale(type.scale(), RoundingMode.UNNECESSARY);
    if (scaled.precision() > type.precision()) {
      throw new ArithmeticException("more than " + type.precision() + " digits");
    }
    return scaled;
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
    return text.length() == 10 ? LocalDate.parse(text).atStartOfDay() : LocalDateTime.parse(text);
  }

  private static OffsetDateTime timestamptz(Object value) {
    if (value instanceof OffsetDateTime t) {
      return t;
    }
    String text = text(value).replace(' ', 'T');
    if (!(value instanceof LocalDateTime || value instanceof LocalDate)
        && (text.endsWith("Z") || text.matches(".*[+-]\\d\\d:?\\d\\d$"))) {
      return OffsetDateTime.parse(text);
    }
    return timestamp(value).atOffset(ZoneOffset.UTC);
  }
}
