package io.ailake.data.tables;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Column types written as Iceberg writes them ({@code long}, {@code decimal(12, 2)}, {@code fixed[16]},
 * {@code struct<a: int, b: string>}, {@code list<string>}, {@code map<string, long>}), parsed into
 * Iceberg types and written back the same way. Nested fields, list elements and map values are nullable;
 * a struct field followed by {@code not null} is required.
 */
final class ColumnTypes {

  /** A type that does not parse; the message says where and why, the caller names the column. */
  static final class InvalidType extends RuntimeException {
    InvalidType(String message, Object... args) {
      super(String.format(message, shown(args)), null, false, false);
    }
  }

  private static final Map<String, Type.PrimitiveType> PRIMITIVES = Map.ofEntries(
      Map.entry("boolean", Types.BooleanType.get()),
      Map.entry("int", Types.IntegerType.get()),
      Map.entry("integer", Types.IntegerType.get()),
      Map.entry("long", Types.LongType.get()),
      Map.entry("bigint", Types.LongType.get()),
      Map.entry("float", Types.FloatType.get()),
      Map.entry("double", Types.DoubleType.get()),
      Map.entry("date", Types.DateType.get()),
      Map.entry("time", Types.TimeType.get()),
      Map.entry("timestamp", Types.TimestampType.withoutZone()),
      Map.entry("timestamptz", Types.TimestampType.withZone()),
      Map.entry("string", Types.StringType.get()),
      Map.entry("uuid", Types.UUIDType.get()),
      Map.entry("binary", Types.BinaryType.get()));

  static final String KNOWN = "boolean, int, long, float, double, decimal(p, s), date, time, timestamp,"
      + " timestamptz, string, uuid, binary, fixed[n], struct<name: type, ...>, list<type>, map<key, value>";

  /** Deeper types than this are refused: a type is read recursively. */
  private static final int MAX_DEPTH = 32;

  private ColumnTypes() {}

  /** The client's text in a message: cut, and without control characters. */
  private static Object[] shown(Object[] args) {
    Object[] shown = args.clone();
    for (int i = 0; i < shown.length; i++) {
      if (shown[i] instanceof String text) {
        shown[i] = Shown.of(text);
      }
    }
    return shown;
  }

  /** {@code text} as a type whose nested fields take ids from {@code ids}. */
  static Type parse(String text, IntSupplier ids) {
    if (text == null || text.isBlank()) {
      throw new InvalidType("a type is required (" + KNOWN + ")");
    }
    Parser parser = new Parser(text, ids);
    Type type = parser.type(0);
    parser.skipSpaces();
    if (!parser.atEnd()) {
      throw new InvalidType("unexpected '%s' at %d of '%s'", parser.rest(), parser.at, text);
    }
    return type;
  }

  /** {@code text} as a primitive type (what a column may be widened to). */
  static Type.PrimitiveType parsePrimitive(String text) {
    Type type = parse(text, () -> 0);
    if (!type.isPrimitiveType()) {
      throw new InvalidType("'%s' is not a primitive type", text);
    }
    return type.asPrimitiveType();
  }

  /** The type as {@link #parse} reads it. */
  static String format(Type type) {
    return switch (type.typeId()) {
      case STRUCT -> type.asStructType().fields().stream()
          .map(f -> f.name() + ": " + format(f.type()) + (f.isRequired() ? " not null" : ""))
          .collect(Collectors.joining(", ", "struct<", ">"));
      case LIST -> "list<" + format(type.asListType().elementType()) + ">";
      case MAP -> "map<" + format(type.asMapType().keyType()) + ", " + format(type.asMapType().valueType()) + ">";
      default -> type.toString();
    };
  }

  private static final class Parser {
    private final String text;
    private final IntSupplier ids;
    private int at;

    Parser(String text, IntSupplier ids) {
      this.text = text;
      this.ids = ids;
    }

    Type type(int depth) {
      if (depth > MAX_DEPTH) {
        throw new InvalidType("types nest at most %d deep", MAX_DEPTH);
      }
      skipSpaces();
      int start = at;
      String word = word();
      if (word.isEmpty()) {
        throw new InvalidType("a type is expected at %d of '%s' (" + KNOWN + ")", start, text);
      }
      String keyword = word.toLowerCase(Locale.ROOT);
      switch (keyword) {
        case "struct" -> {
          expect('<');
          List<Types.NestedField> fields = new ArrayList<>();
          Set<String> names = new HashSet<>();
          do {
            skipSpaces();
            String name = fieldName();
            if (!names.add(name.toLowerCase(Locale.ROOT))) {
              throw new InvalidType("struct field '%s' appears twice", name);
            }
            expect(':');
            Type fieldType = type(depth + 1);
            boolean required = notNull();
            fields.add(required
                ? Types.NestedField.required(ids.getAsInt(), name, fieldType)
                : Types.NestedField.optional(ids.getAsInt(), name, fieldType));
          } while (accept(','));
          expect('>');
          return Types.StructType.of(fields);
        }
        case "list", "array" -> {
          expect('<');
          Type element = type(depth + 1);
          expect('>');
          return Types.ListType.ofOptional(ids.getAsInt(), element);
        }
        case "map" -> {
          expect('<');
          Type key = type(depth + 1);
          expect(',');
          Type value = type(depth + 1);
          expect('>');
          return Types.MapType.ofOptional(ids.getAsInt(), ids.getAsInt(), key, value);
        }
        case "decimal" -> {
          expect('(');
          int precision = number("decimal precision");
          expect(',');
          int scale = number("decimal scale");
          expect(')');
          if (precision < 1 || precision > 38) {
            throw new InvalidType("decimal precision must be between 1 and 38, got %d", precision);
          }
          if (scale > precision) {
            throw new InvalidType("decimal scale %d is larger than its precision %d", scale, precision);
          }
          return Types.DecimalType.of(precision, scale);
        }
        case "fixed" -> {
          skipSpaces();
          char open = at < text.length() ? text.charAt(at) : 0;
          if (open != '[' && open != '(') {
            throw new InvalidType("fixed takes its length in brackets: fixed[16]");
          }
          at++;
          int length = number("fixed length");
          expect(open == '[' ? ']' : ')');
          if (length < 1) {
            throw new InvalidType("fixed length must be at least 1, got %d", length);
          }
          return Types.FixedType.ofLength(length);
        }
        default -> {
          Type.PrimitiveType primitive = PRIMITIVES.get(keyword);
          if (primitive == null) {
            throw new InvalidType("unknown type '%s' (" + KNOWN + ")", word);
          }
          return primitive;
        }
      }
    }

    /** A struct field's name: letters, digits and underscores, or anything but a backquote in backquotes. */
    private String fieldName() {
      if (at < text.length() && text.charAt(at) == '`') {
        int end = text.indexOf('`', at + 1);
        if (end <= at + 1) {
          throw new InvalidType("unterminated or empty `name` at %d of '%s'", at, text);
        }
        String name = text.substring(at + 1, end);
        at = end + 1;
        if (name.contains(".") || !Shown.isPlainText(name)) {
          throw new InvalidType("struct field name `%s` holds a '.' or a control character", name);
        }
        return name;
      }
      int start = at;
      while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_')) {
        at++;
      }
      if (start == at) {
        throw new InvalidType("a struct field name is expected at %d of '%s'", start, text);
      }
      return text.substring(start, at);
    }

    private boolean notNull() {
      skipSpaces();
      int mark = at;
      if (word().equalsIgnoreCase("not")) {
        skipSpaces();
        if (word().equalsIgnoreCase("null")) {
          return true;
        }
        throw new InvalidType("'not' must be followed by 'null' at %d of '%s'", at, text);
      }
      at = mark;
      return false;
    }

    private String word() {
      int start = at;
      while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_')) {
        at++;
      }
      return text.substring(start, at);
    }

    private int number(String what) {
      skipSpaces();
      int start = at;
      while (at < text.length() && Character.isDigit(text.charAt(at))) {
        at++;
      }
      if (start == at || at - start > 9) {
        throw new InvalidType("%s must be a number at %d of '%s'", what, start, text);
      }
      return Integer.parseInt(text.substring(start, at));
    }

    private void expect(char c) {
      if (!accept(c)) {
        throw new InvalidType("'%s' expected at %d of '%s'", c, at, text);
      }
    }

    private boolean accept(char c) {
      skipSpaces();
      if (at < text.length() && text.charAt(at) == c) {
        at++;
        return true;
      }
      return false;
    }

    void skipSpaces() {
      while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
        at++;
      }
    }

    boolean atEnd() {
      return at >= text.length();
    }

    String rest() {
      return text.substring(at, Math.min(text.length(), at + 20));
    }
  }
}
