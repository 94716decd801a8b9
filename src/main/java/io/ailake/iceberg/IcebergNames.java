package io.ailake.iceberg;

import java.nio.charset.StandardCharsets;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.BadRequestException;

/**
 * The rule for the names a client gives the catalog (namespace levels, table and view names), checked
 * where a name is created: lookups of a name that breaks it simply find nothing. A name becomes a path
 * segment of the object's location and a key of PostgreSQL's unique indexes, which bound an entry to
 * about 2.7 KB: hence bytes rather than characters, and a bounded depth.
 */
public final class IcebergNames {

  public static final int MAX_BYTES = 255;
  public static final int MAX_NAMESPACE_DEPTH = 8;
  public static final String RULE = "1-" + MAX_BYTES + " UTF-8 bytes, no control characters and no '/',"
      + " not '.' or '..'";

  private IcebergNames() {}

  public static void checkNamespace(Namespace namespace) {
    if (namespace == null || namespace.isEmpty()) {
      throw new BadRequestException("Invalid namespace: the empty namespace cannot be created");
    }
    if (namespace.length() > MAX_NAMESPACE_DEPTH) {
      throw new BadRequestException("Invalid namespace: %d levels, at most %d", namespace.length(), MAX_NAMESPACE_DEPTH);
    }
    for (String level : namespace.levels()) {
      check("namespace level", level);
    }
  }

  /** A new table or view: its namespace exists already, so only the name needs the rule. */
  public static void checkIdentifier(String kind, TableIdentifier identifier) {
    if (identifier == null) {
      throw new BadRequestException("Invalid %s identifier: missing", kind);
    }
    check(kind + " name", identifier.name());
  }

  public static void check(String what, String name) {
    if (name == null || name.isEmpty()) {
      throw new BadRequestException("Invalid %s: it must not be empty (%s)", what, RULE);
    }
    String problem = problem(name);
    if (problem != null) {
      throw new BadRequestException("Invalid %s '%s': %s (%s)", what, shown(name), problem, RULE);
    }
  }

  private static String problem(String name) {
    if (name.equals(".") || name.equals("..")) {
      return "a relative path";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isISOControl(c)) {
        return String.format("control character U+%04X at %d", (int) c, i);
      }
      if (c == '/') {
        return "'/' at " + i;
      }
      if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "unpaired surrogate at " + i;
      }
    }
    int bytes = name.getBytes(StandardCharsets.UTF_8).length;
    return bytes > MAX_BYTES ? bytes + " bytes long" : null;
  }

  /** Enough of a name to recognize it in a message, with what JSON cannot carry replaced by '?'. */
  public static String shown(String name) {
    StringBuilder shown = new StringBuilder();
    name.codePoints().limit(64).forEach(c ->
        shown.appendCodePoint(Character.isISOControl(c) || (c >= 0xD800 && c <= 0xDFFF) ? '?' : c));
    return name.codePointCount(0, name.length()) > 64 ? shown + "..." : shown.toString();
  }
}
