package io.ailake.iceberg;

import java.util.Arrays;
import java.util.regex.Pattern;
import org.apache.iceberg.catalog.Namespace;

/** Namespaces as database keys (levels joined with U+001F) and as they arrive in paths. */
final class NamespaceKeys {

  static final String UNIT_SEPARATOR = "\u001f";

  private NamespaceKeys() {}

  static String key(Namespace namespace) {
    return String.join(UNIT_SEPARATOR, namespace.levels());
  }

  static String parentKey(Namespace namespace) {
    String[] levels = namespace.levels();
    return String.join(UNIT_SEPARATOR, Arrays.copyOf(levels, levels.length - 1));
  }

  static Namespace fromKey(String key) {
    return key.isEmpty() ? Namespace.empty() : Namespace.of(key.split(UNIT_SEPARATOR, -1));
  }

  /**
   * Decodes a path or query value already URL-decoded: levels are separated by U+001F, or by the
   * separator the server advertises.
   */
  static Namespace parse(String value, String extraSeparator) {
    if (value == null || value.isEmpty()) {
      return Namespace.empty();
    }
    String[] levels =
        extraSeparator.isEmpty() || extraSeparator.equals(UNIT_SEPARATOR)
            ? value.split(UNIT_SEPARATOR, -1)
            : value.split(
                Pattern.quote(UNIT_SEPARATOR) + "|" + Pattern.quote(extraSeparator), -1);
    return Namespace.of(levels);
  }
}
