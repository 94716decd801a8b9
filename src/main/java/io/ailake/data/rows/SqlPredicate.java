package io.ailake.data.rows;

import io.ailake.api.ApiException;
import io.ailake.data.ValueConversion;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.iceberg.Schema;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.DateTimeUtil;

/**
 * A SQL predicate (the {@code where} of an update or delete) as an Iceberg {@link Expression} over a
 * table's schema. The grammar, in full (keywords in any case):
 *
 * <pre>
 * predicate  := or
 * or         := and ( OR and )*
 * and        := not ( AND not )*
 * not        := NOT not | '(' predicate ')' | TRUE | FALSE | condition
 * condition  := column ( op literal | [NOT] IN '(' literal (',' literal)* ')' | [NOT] BETWEEN literal AND literal
 *               | IS [NOT] NULL | [NOT] LIKE 'prefix%' )  |  boolean-column
 * op         := = | &lt;&gt; | != | &lt; | &lt;= | &gt; | &gt;=
 * column     := name ( '.' name )*      (a nested struct field by its dotted path; "quoted" or `quoted` names too)
 * literal    := number | 'string' | TRUE | FALSE | DATE 'yyyy-mm-dd' | TIMESTAMP 'iso timestamp'
 * </pre>
 *
 * A literal is typed by its column (the conversion of inserted values). Anything else is a 400 that says
 * what is not supported.
 */
final class SqlPredicate {

  static final int MAX_LENGTH = 10_000;
  private static final int MAX_DEPTH = 64;

  private enum Kind { NAME, QUOTED_NAME, STRING, NUMBER, SYMBOL, END }

  private record Token(Kind kind, String text, int at) {
    boolean is(String keyword) {
      return kind == Kind.NAME && text.equalsIgnoreCase(keyword);
    }

    boolean symbol(String symbol) {
      return kind == Kind.SYMBOL && text.equals(symbol);
    }
  }

  private final Schema schema;
  private final List<Token> tokens;
  private int next;
  private int depth;

  private SqlPredicate(Schema schema, String text) {
    this.schema = schema;
    this.tokens = tokenize(text);
  }

  /** {@code where} over {@code schema}; a 400 when it is absent, empty or not of the grammar. */
  static Expression parse(String where, Schema schema) {
    if (where == null || where.isBlank()) {
      throw ApiException.badRequest(
          "where is required: a SQL predicate of the rows to change; where: \"true\" changes every row");
    }
    if (where.length() > MAX_LENGTH) {
      throw ApiException.badRequest("where is longer than %d characters", MAX_LENGTH);
    }
    SqlPredicate parser = new SqlPredicate(schema, where);
    Expression expression = parser.or();
    if (parser.peek().kind != Kind.END) {
      throw parser.unexpected("AND, OR or the end of the predicate");
    }
    return expression;
  }

  // ---- grammar ---------------------------------------------------------------------------------

  private Expression or() {
    Expression left = and();
    while (peek().is("OR")) {
      next++;
      left = Expressions.or(left, and());
    }
    return left;
  }

  private Expression and() {
    Expression left = not();
    while (peek().is("AND")) {
      next++;
      left = Expressions.and(left, not());
    }
    return left;
  }

  private Expression not() {
    if (++depth > MAX_DEPTH) {
      throw refuse(peek(), "the predicate nests deeper than " + MAX_DEPTH + " levels");
    }
    try {
      Token token = peek();
      if (token.is("NOT")) {
        next++;
        return Expressions.not(not());
      }
      if (token.symbol("(")) {
        next++;
        Expression inner = or();
        expect(")");
        return inner;
      }
      if (token.is("TRUE") || token.is("FALSE")) {
        next++;
        return token.is("TRUE") ? Expressions.alwaysTrue() : Expressions.alwaysFalse();
      }
      return condition();
    } finally {
      depth--;
    }
  }

  private Expression condition() {
    Token at = peek();
    Column column = column();
    Token token = peek();
    if (token.kind == Kind.SYMBOL && List.of("=", "<>", "!=", "<", "<=", ">", ">=").contains(token.text)) {
      next++;
      Object value = literal(column);
      return switch (token.text) {
        case "=" -> Expressions.equal(column.name, value);
        case "<>", "!=" -> Expressions.notEqual(column.name, value);
        case "<" -> Expressions.lessThan(column.name, value);
        case "<=" -> Expressions.lessThanOrEqual(column.name, value);
        case ">" -> Expressions.greaterThan(column.name, value);
        default -> Expressions.greaterThanOrEqual(column.name, value);
      };
    }
    boolean negated = false;
    if (token.is("NOT")) {
      next++;
      negated = true;
      token = peek();
      if (!token.is("IN") && !token.is("BETWEEN") && !token.is("LIKE")) {
        throw unexpected("IN, BETWEEN or LIKE after NOT");
      }
    }
    if (token.is("IN")) {
      next++;
      expect("(");
      List<Object> values = new ArrayList<>();
      do {
        values.add(literal(column));
      } while (accept(","));
      expect(")");
      return negated ? Expressions.notIn(column.name, values) : Expressions.in(column.name, values);
    }
    if (token.is("BETWEEN")) {
      next++;
      Object low = literal(column);
      if (!peek().is("AND")) {
        throw unexpected("AND of BETWEEN ... AND ...");
      }
      next++;
      Object high = literal(column);
      return negated
          ? Expressions.or(Expressions.lessThan(column.name, low), Expressions.greaterThan(column.name, high))
          : Expressions.and(Expressions.greaterThanOrEqual(column.name, low),
              Expressions.lessThanOrEqual(column.name, high));
    }
    if (token.is("LIKE")) {
      next++;
      return like(column, negated);
    }
    if (token.is("IS")) {
      next++;
      boolean not = false;
      if (peek().is("NOT")) {
        next++;
        not = true;
      }
      if (!peek().is("NULL")) {
        throw unexpected("NULL after IS" + (not ? " NOT" : ""));
      }
      next++;
      return not ? Expressions.notNull(column.name) : Expressions.isNull(column.name);
    }
    if (column.type.typeId() == Type.TypeID.BOOLEAN) {
      return Expressions.equal(column.name, true);
    }
    throw refuse(at.kind == Kind.END ? at : token,
        "expected a comparison (= <> != < <= > >=), IN, BETWEEN, LIKE or IS [NOT] NULL after " + column.name);
  }

  private Expression like(Column column, boolean negated) {
    Token pattern = take();
    if (pattern.kind != Kind.STRING) {
      throw refuse(pattern, "LIKE takes a 'string' pattern");
    }
    if (column.type.typeId() != Type.TypeID.STRING) {
      throw refuse(pattern, "LIKE applies to string columns; " + column.name + " is " + column.type);
    }
    String value = pattern.text;
    int wildcard = firstWildcard(value);
    if (wildcard < 0) {
      return negated ? Expressions.notEqual(column.name, value) : Expressions.equal(column.name, value);
    }
    if (wildcard != value.length() - 1 || value.charAt(wildcard) != '%') {
      throw refuse(pattern, "LIKE supports 'prefix%' patterns only (one % at the end, no _)");
    }
    String prefix = value.substring(0, wildcard);
    return negated ? Expressions.notStartsWith(column.name, prefix) : Expressions.startsWith(column.name, prefix);
  }

  private static int firstWildcard(String pattern) {
    for (int i = 0; i < pattern.length(); i++) {
      if (pattern.charAt(i) == '%' || pattern.charAt(i) == '_') {
        return i;
      }
    }
    return -1;
  }

  // ---- columns and literals --------------------------------------------------------------------

  private record Column(String name, Type type) {}

  /** A column by its (dotted) name, matched case-insensitively, named as the schema spells it. */
  private Column column() {
    Token first = take();
    if (first.kind != Kind.NAME && first.kind != Kind.QUOTED_NAME) {
      throw refuse(first, "expected a column name");
    }
    if (first.kind == Kind.NAME && peek().symbol("(")) {
      throw refuse(first, "functions such as " + first.text + "(...) are not supported");
    }
    if (first.kind == Kind.NAME && isKeyword(first.text)) {
      throw refuse(first, "expected a column name, not " + first.text.toUpperCase(Locale.ROOT));
    }
    List<String> path = new ArrayList<>(List.of(first.text));
    while (accept(".")) {
      Token part = take();
      if (part.kind != Kind.NAME && part.kind != Kind.QUOTED_NAME) {
        throw refuse(part, "expected a field name after '.'");
      }
      path.add(part.text);
    }
    Types.StructType struct = schema.asStruct();
    List<String> spelled = new ArrayList<>();
    Type type = null;
    for (String part : path) {
      if (struct == null) {
        throw refuse(first, String.join(".", spelled) + " is a " + type + ", whose elements a predicate cannot name");
      }
      Types.NestedField field = struct.caseInsensitiveField(part);
      if (field == null) {
        throw refuse(first, "the table has no column " + String.join(".", path));
      }
      spelled.add(field.name());
      type = field.type();
      struct = type.isStructType() ? type.asStructType() : null;
    }
    if (type.isNestedType()) {
      throw refuse(first, String.join(".", spelled) + " is a " + type.typeId().name().toLowerCase(Locale.ROOT)
          + "; a predicate compares primitive columns only");
    }
    return new Column(String.join(".", spelled), type);
  }

  private static boolean isKeyword(String name) {
    return List.of("AND", "OR", "NOT", "IN", "BETWEEN", "LIKE", "IS", "NULL", "TRUE", "FALSE")
        .contains(name.toUpperCase(Locale.ROOT));
  }

  /** A literal, converted to the column's type and to the form Iceberg's expressions take. */
  private Object literal(Column column) {
    Token token = take();
    Object value;
    if (token.kind == Kind.NUMBER) {
      value = new BigDecimal(token.text);
    } else if (token.kind == Kind.STRING) {
      value = token.text;
    } else if (token.is("TRUE") || token.is("FALSE")) {
      value = token.is("TRUE");
    } else if (token.is("DATE") || token.is("TIMESTAMP")) {
      Token quoted = take();
      if (quoted.kind != Kind.STRING) {
        throw refuse(quoted, token.text.toUpperCase(Locale.ROOT) + " takes a 'quoted' value");
      }
      value = quoted.text;
    } else if (token.is("NULL")) {
      throw refuse(token, "a comparison with NULL is never true; use " + column.name + " IS [NOT] NULL");
    } else {
      throw refuse(token, "expected a literal: a number, a 'string', TRUE, FALSE, DATE '...' or TIMESTAMP '...'");
    }
    Object converted;
    try {
      converted = ValueConversion.JSON.convert(value, column.type);
    } catch (IllegalArgumentException e) {
      throw refuse(token, "not a value of column " + column.name + " (" + column.type + "): "
          + (e instanceof ValueConversion.NotConvertible refused ? refused.reason() : e.getMessage()));
    }
    return switch (column.type.typeId()) {
      case DATE -> DateTimeUtil.daysFromDate((LocalDate) converted);
      case TIME -> DateTimeUtil.microsFromTime((LocalTime) converted);
      case TIMESTAMP -> converted instanceof OffsetDateTime zoned
          ? DateTimeUtil.microsFromTimestamptz(zoned) : DateTimeUtil.microsFromTimestamp((LocalDateTime) converted);
      case FIXED -> ByteBuffer.wrap((byte[]) converted);
      case BOOLEAN, INTEGER, LONG, FLOAT, DOUBLE, DECIMAL, STRING, UUID, BINARY -> converted;
      default -> throw refuse(token, "predicates over " + column.type + " columns are not supported");
    };
  }

  // ---- tokens ----------------------------------------------------------------------------------

  private Token peek() {
    return tokens.get(next);
  }

  private Token take() {
    Token token = tokens.get(next);
    if (token.kind != Kind.END) {
      next++;
    }
    return token;
  }

  private boolean accept(String symbol) {
    if (peek().symbol(symbol)) {
      next++;
      return true;
    }
    return false;
  }

  private void expect(String symbol) {
    if (!accept(symbol)) {
      throw unexpected("'" + symbol + "'");
    }
  }

  private ApiException unexpected(String expected) {
    return refuse(peek(), "expected " + expected);
  }

  private ApiException refuse(Token at, String why) {
    String where = at.kind == Kind.END ? "at the end" : "at position " + (at.at + 1) + " ('" + abbreviate(at.text) + "')";
    return ApiException.badRequest("Unsupported where %s: %s", where, why);
  }

  private static String abbreviate(String text) {
    return text.length() > 40 ? text.substring(0, 40) + "..." : text;
  }

  private List<Token> tokenize(String in) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    while (i < in.length()) {
      char c = in.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (Character.isLetter(c) || c == '_') {
        int start = i;
        while (i < in.length() && (Character.isLetterOrDigit(in.charAt(i)) || in.charAt(i) == '_')) {
          i++;
        }
        out.add(new Token(Kind.NAME, in.substring(start, i), start));
      } else if (c == '\'' || c == '"' || c == '`') {
        int start = i;
        StringBuilder value = new StringBuilder();
        i++;
        while (true) {
          if (i >= in.length()) {
            throw ApiException.badRequest("Unsupported where: the quote at position %d is not closed", start + 1);
          }
          char d = in.charAt(i);
          if (d == c && i + 1 < in.length() && in.charAt(i + 1) == c) {
            value.append(c);
            i += 2;
          } else if (d == c) {
            i++;
            break;
          } else {
            value.append(d);
            i++;
          }
        }
        out.add(new Token(c == '\'' ? Kind.STRING : Kind.QUOTED_NAME, value.toString(), start));
      } else if (Character.isDigit(c) || (c == '-' || c == '+' || c == '.') && i + 1 < in.length()
          && (Character.isDigit(in.charAt(i + 1)) || in.charAt(i + 1) == '.')) {
        int start = i;
        i++;
        while (i < in.length() && (Character.isDigit(in.charAt(i)) || in.charAt(i) == '.'
            || in.charAt(i) == 'e' || in.charAt(i) == 'E'
            || (in.charAt(i) == '-' || in.charAt(i) == '+') && (in.charAt(i - 1) == 'e' || in.charAt(i - 1) == 'E'))) {
          i++;
        }
        String number = in.substring(start, i);
        try {
          new BigDecimal(number);
        } catch (NumberFormatException e) {
          throw ApiException.badRequest("Unsupported where at position %d: '%s' is not a number", start + 1, number);
        }
        out.add(new Token(Kind.NUMBER, number, start));
      } else if (c == '<' || c == '>' || c == '!') {
        int start = i;
        String two = i + 1 < in.length() ? in.substring(i, i + 2) : "";
        if (two.equals("<=") || two.equals(">=") || two.equals("<>") || two.equals("!=")) {
          i += 2;
          out.add(new Token(Kind.SYMBOL, two, start));
        } else if (c == '!') {
          throw ApiException.badRequest("Unsupported where at position %d: '!' (use NOT or !=)", start + 1);
        } else {
          i++;
          out.add(new Token(Kind.SYMBOL, String.valueOf(c), start));
        }
      } else if ("=(),.".indexOf(c) >= 0) {
        out.add(new Token(Kind.SYMBOL, String.valueOf(c), i));
        i++;
      } else {
        throw ApiException.badRequest("Unsupported where at position %d: '%s' is no part of the supported SQL"
            + " (comparisons, IN, BETWEEN, LIKE 'prefix%%', IS [NOT] NULL, AND, OR, NOT, parentheses)",
            i + 1, new String(Character.toChars(in.codePointAt(i))));
      }
    }
    out.add(new Token(Kind.END, "", in.length()));
    return out;
  }
}
