package io.ailake.postgres;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A statement whose parameters have names ({@code :organization}) instead of positions, so a statement
 * assembled from parts of several classes needs no one to count question marks. Parsed once: keep
 * instances in constants. A name is a letter or underscore, then letters, digits and underscores;
 * {@code ::} (a cast), string literals, quoted identifiers and comments are left as they are. A name may
 * occur more than once; each occurrence gets the same value.
 */
public final class NamedSql {

  private final String text;
  private final String positional;
  private final List<String> order;

  private NamedSql(String text) {
    this.text = text;
    List<String> names = new ArrayList<>();
    this.positional = parse(text, names);
    this.order = List.copyOf(names);
  }

  public static NamedSql of(String text) {
    return new NamedSql(Objects.requireNonNull(text, "text"));
  }

  /** The statement as written, with its names. */
  public String text() {
    return text;
  }

  /** The statement for JDBC: each name replaced by {@code ?}. */
  public String positional() {
    return positional;
  }

  /** The names in the order of the statement's {@code ?}, a name once per occurrence. */
  public List<String> order() {
    return order;
  }

  /** The JDBC parameters in order; fails when a name of the statement has no value. */
  public Object[] values(Parameters parameters) {
    Object[] values = new Object[order.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = parameters.get(order.get(i));
    }
    return values;
  }

  @Override
  public String toString() {
    return text;
  }

  /** Values by name. Setting a name twice is an error: two parts of one statement claimed the same name. */
  public static final class Parameters {
    private final Map<String, Object> values = new HashMap<>();

    public Parameters set(String name, Object value) {
      if (values.containsKey(name)) {
        throw new IllegalArgumentException("Parameter :" + name + " is set twice");
      }
      values.put(name, value);
      return this;
    }

    /** Every value of {@code other} too; their names must be new here. */
    public Parameters setAll(Parameters other) {
      other.values.forEach(this::set);
      return this;
    }

    Object get(String name) {
      if (!values.containsKey(name)) {
        throw new IllegalArgumentException("Parameter :" + name + " has no value");
      }
      return values.get(name);
    }
  }

  public static Parameters parameters() {
    return new Parameters();
  }

  private static String parse(String text, List<String> names) {
    StringBuilder out = new StringBuilder(text.length());
    int n = text.length();
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      if (c == '\'' || c == '"') {
        int end = text.indexOf(c, i + 1);
        // a doubled quote inside stays inside: the scan goes on from the second one
        while (end >= 0 && end + 1 < n && text.charAt(end + 1) == c) {
          end = text.indexOf(c, end + 2);
        }
        end = end < 0 ? n : end + 1;
        out.append(text, i, end);
        i = end;
      } else if (c == '-' && i + 1 < n && text.charAt(i + 1) == '-') {
        int end = text.indexOf('\n', i);
        end = end < 0 ? n : end;
        out.append(text, i, end);
        i = end;
      } else if (c == ':' && i + 1 < n && text.charAt(i + 1) == ':') {
        out.append("::");
        i += 2;
      } else if (c == ':' && i + 1 < n && isNameStart(text.charAt(i + 1))) {
        int end = i + 2;
        while (end < n && isNamePart(text.charAt(end))) {
          end++;
        }
        names.add(text.substring(i + 1, end));
        out.append('?');
        i = end;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static boolean isNameStart(char c) {
    return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }

  private static boolean isNamePart(char c) {
    return isNameStart(c) || c >= '0' && c <= '9';
  }
}
