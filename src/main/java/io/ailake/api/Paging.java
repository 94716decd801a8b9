package io.ailake.api;

import java.util.List;

/**
 * Offset paging of the AI Lake lists ({@code size}, {@code offset}, {@code metaInclude=page}),
 * validated in one place: a bad value is a 400 that names it.
 */
public record Paging(int size, int offset, boolean withTotal) {

  public static final int DEFAULT_SIZE = 50;
  public static final int MAX_SIZE = 1000;

  public static Paging of(String size, String offset, List<String> metaInclude) {
    return of(size, offset, metaInclude, MAX_SIZE);
  }

  /** Paging of a list whose items are heavier than most, with a smaller largest page. */
  public static Paging of(String size, String offset, List<String> metaInclude, int maxSize) {
    return new Paging(
        parse("size", size, Math.min(DEFAULT_SIZE, maxSize), 1, maxSize),
        parse("offset", offset, 0, 0, Integer.MAX_VALUE - maxSize),
        metaInclude != null
            && metaInclude.stream().anyMatch(m -> List.of(m.split(",")).contains("page")));
  }

  private static int parse(String name, String value, int fallback, int min, int max) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed < min || parsed > max) {
        throw ApiException.badRequest("%s must be between %d and %d", name, min, max);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("%s must be an integer, got '%s'", name, value);
    }
  }
}
