package io.ailake.iceberg;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import org.apache.iceberg.exceptions.BadRequestException;

/**
 * Keyset pagination for every list route. Without a {@code pageToken} the whole list is returned; an
 * empty token asks for the first page. The token is the last key of the previous page, so rows added
 * concurrently never shift a page.
 */
record Page(String afterKey, int size, boolean paged) {

  static final Page ALL = new Page("", Integer.MAX_VALUE - 1, false);

  static Page of(String pageToken, String pageSize, int defaultSize, int maxSize) {
    if (pageToken == null) {
      return ALL;
    }
    int size = defaultSize;
    if (pageSize != null && !pageSize.isEmpty()) {
      try {
        size = Integer.parseInt(pageSize);
      } catch (NumberFormatException e) {
        throw new BadRequestException("Invalid pageSize: %s", pageSize);
      }
      if (size < 1) {
        throw new BadRequestException("Invalid pageSize: %s (must be at least 1)", pageSize);
      }
      size = Math.min(size, maxSize);
    }
    return new Page(decode(pageToken), size, true);
  }

  /** How many rows to fetch: one more than the page, to learn whether another page follows. */
  int fetchSize() {
    return size + 1;
  }

  /** Trims the fetched rows to the page and returns the token of the next page, or null. */
  <T> Result<T> cut(List<T> fetched, Function<T, String> key) {
    if (fetched.size() <= size) {
      return new Result<>(fetched, null);
    }
    List<T> page = fetched.subList(0, size);
    return new Result<>(page, paged ? encode(key.apply(page.get(size - 1))) : null);
  }

  record Result<T>(List<T> items, String nextPageToken) {}

  private static String encode(String key) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String token) {
    if (token.isEmpty()) {
      return "";
    }
    try {
      return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("Invalid pageToken: %s", token);
    }
  }
}
