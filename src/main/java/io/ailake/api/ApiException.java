package io.ailake.api;

/**
 * A failure of an {@code /api} request, with the HTTP status and title its problem+json carries. The
 * message is the {@code detail} the user reads.
 */
public class ApiException extends RuntimeException {

  private final int status;
  private final String title;

  public ApiException(int status, String title, String detail) {
    super(detail);
    this.status = status;
    this.title = title;
  }

  public static ApiException badRequest(String detail, Object... args) {
    return new ApiException(400, "Bad Request", String.format(detail, args));
  }

  public static ApiException notFound(String detail, Object... args) {
    return new ApiException(404, "Not Found", String.format(detail, args));
  }

  public static ApiException conflict(String detail, Object... args) {
    return new ApiException(409, "Conflict", String.format(detail, args));
  }

  public static ApiException unavailable(String detail, Object... args) {
    return new ApiException(503, "Service Unavailable", String.format(detail, args));
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }
}
