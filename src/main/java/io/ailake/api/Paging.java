package io.ailake.api;

import java.util.List;

/**
 * Paging of the {@code /api} lists, validated in one place: a bad value is a 400 that names it. The AI Lake
 * lists take both of GoodData's forms: {@code page} (zero-based) and {@code size} (the current client) or
 * {@code offset} and {@code size} (the older one); {@code metaInclude=page} asks for the totals.
 *
 * @param number the zero-based page shown as {@code meta.page.number}: {@code page}, or {@code offset / size}
 */
public record Paging(int size, int offset, int number, boolean withTotal) {

  public static final int DEFAULT_SIZE = 50;
  /** The largest page of an AI Lake list (GoodData's bound for {@code size}). */
  public static final int MAX_SIZE = 500;
  /** The largest page of the admin API's lists, which never had GoodData's bound. */
  public static final int MAX_ADMIN_SIZE = 1000;
  /** What {@code metaInclude} takes: {@code page}, or GoodData's {@code all}/{@code ALL}; any other is refused. */
  public static final java.util.Set<String> META_PAGE = java.util.Set.of("page", "all", "ALL");

  /** An AI Lake list: {@code page} or {@code offset} (not both), {@code size} 1..500, {@code metaInclude=page}. */
  public static Paging of(String page, String size, String offset, List<String> metaInclude) {
    if (present(page) && present(offset)) {
      throw ApiException.badRequest("page and offset cannot be combined; send page (zero-based) or offset");
    }
    int rows = parse("size", size, DEFAULT_SIZE, 1, MAX_SIZE);
    boolean withTotal = withTotal(metaInclude);
    if (present(page)) {
      int number = parse("page", page, 0, 0, (Integer.MAX_VALUE - MAX_SIZE) / rows);
      return new Paging(rows, number * rows, number, withTotal);
    }
    int skip = parse("offset", offset, 0, 0, Integer.MAX_VALUE - MAX_SIZE);
    return new Paging(rows, skip, skip / rows, withTotal);
  }

  /** A list of the admin API: {@code size} (up to 1000) and {@code offset}. */
  public static Paging of(String size, String offset, List<String> metaInclude) {
    int rows = parse("size", size, DEFAULT_SIZE, 1, MAX_ADMIN_SIZE);
    int skip = parse("offset", offset, 0, 0, Integer.MAX_VALUE - MAX_ADMIN_SIZE);
    return new Paging(rows, skip, skip / rows, withTotal(metaInclude));
  }

  /** A history list in the seed's words: {@code from} (items to skip) and {@code size}, always with the total. */
  public static Paging from(String from, String size) {
    int rows = parse("size", size, DEFAULT_SIZE, 1, MAX_SIZE);
    int skip = parse("from", from, 0, 0, Integer.MAX_VALUE - MAX_SIZE);
    return new Paging(rows, skip, skip / rows, true);
  }

  /** This page of a list held whole in memory. */
  public <T> List<T> slice(List<T> all) {
    return offset >= all.size() ? List.of() : all.subList(offset, Math.min(all.size(), offset + size));
  }

  /** Pages of this size that {@code total} items fill. */
  public long totalPages(long total) {
    return (total + size - 1) / size;
  }

  /** {@code metaInclude} may repeat or hold a comma-separated list of {@link #META_PAGE} values (blanks are none). */
  private static boolean withTotal(List<String> metaInclude) {
    if (metaInclude == null) {
      return false;
    }
    boolean page = false;
    for (String values : metaInclude) {
      for (String value : values.split(",")) {
        if (value.isBlank()) {
          continue;
        }
        if (!META_PAGE.contains(value.trim())) {
          throw ApiException.badRequest("metaInclude takes only 'page' or 'all' (to add the totals), got '%s'", value);
        }
        page = true;
      }
    }
    return page;
  }

  private static boolean present(String value) {
    return value != null && !value.isBlank();
  }

  private static int parse(String name, String value, int fallback, int min, int max) {
    if (!present(value)) {
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
