package io.ailake.api;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Names and ids of the things users create (warehouses, object storages): one rule for all, URL-safe
 * so a name can be a path segment as it is.
 */
public final class Names {

  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");

  public static final String RULE = "1-63 letters, digits, '_' or '-', starting with a letter or digit";

  private Names() {}

  public static boolean isValid(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /** The UUID a path parameter holds, when it holds one rather than a name. */
  public static Optional<UUID> asUuid(String idOrName) {
    try {
      return Optional.of(UUID.fromString(idOrName));
    } catch (IllegalArgumentException notAUuid) {
      return Optional.empty();
    }
  }
}
