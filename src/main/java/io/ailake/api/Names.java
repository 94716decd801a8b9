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

  /** Text that names something for people (a data source's id and name), stored as it is. */
  public static final int LABEL_MAX_BYTES = 255;

  private Names() {}

  /** A label given for {@code field}: 1-255 UTF-8 bytes without control characters, or a 400. */
  public static String checkLabel(String field, String value) {
    if (value == null || value.isBlank()) {
      throw ApiException.badRequest("%s is required", field);
    }
    int bytes = value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (bytes > LABEL_MAX_BYTES) {
      throw ApiException.badRequest("%s is %d bytes long; at most %d UTF-8 bytes", field, bytes, LABEL_MAX_BYTES);
    }
    if (value.chars().anyMatch(Character::isISOControl)) {
      throw ApiException.badRequest("%s must not contain control characters", field);
    }
    return value;
  }

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
