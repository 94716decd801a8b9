package io.ailake.operations;

import io.ailake.api.ApiException;
import io.ailake.api.DependencyOutage;
import io.ailake.api.SqlRefusal;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NoSuchViewException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.exceptions.ValidationException;

/**
 * Why a job's attempt failed, as the operation's {@code error} and {@code lastError} show it: the
 * cause's own HTTP status and words, never a Java class name. The classification is the /api family's
 * (ApiException, {@link SqlRefusal}, {@link DependencyOutage}) plus Iceberg's refusals, which jobs meet
 * because they run catalog code outside any request.
 *
 * @param retryable whether another attempt may succeed (a dependency outage, a concurrent commit)
 */
public record JobFailure(String title, int status, String detail, boolean retryable) {

  /** What a bug (no known cause) shows; its cause is in the server log. */
  static final String SERVER_SIDE = "Server-side problem; the server log has its cause";

  public static JobFailure of(Exception e) {
    if (e instanceof ApiException api) {
      return new JobFailure(api.title(), api.status(), api.getMessage(), api.status() >= 500);
    }
    if (e instanceof CommitFailedException) {
      // a concurrent commit: the next attempt starts from the table's new state
      return new JobFailure("Conflict", 409, e.getMessage(), true);
    }
    if (e instanceof AlreadyExistsException) {
      return new JobFailure("Conflict", 409, e.getMessage(), false);
    }
    if (e instanceof NoSuchTableException || e instanceof NoSuchNamespaceException
        || e instanceof NoSuchViewException || e instanceof NotFoundException) {
      return new JobFailure("Not Found", 404, e.getMessage(), false);
    }
    if (e instanceof BadRequestException || e instanceof ValidationException) {
      return new JobFailure("Bad Request", 400, e.getMessage(), false);
    }
    Optional<SqlRefusal> refused = SqlRefusal.of(e);
    if (refused.isPresent()) {
      int status = refused.get().status();
      return new JobFailure(status == 409 ? "Conflict" : status == 404 ? "Not Found" : "Bad Request",
          status, refused.get().message(), false);
    }
    if (DependencyOutage.isOutage(e)) {
      return new JobFailure("Service Unavailable", 503, outage(e), true);
    }
    return new JobFailure("Operation failed", 500, SERVER_SIDE, true);
  }

  /** {@code {title, status, detail}}: GoodData's OperationError. */
  public Map<String, Object> error() {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("title", title);
    error.put("status", status);
    error.put("detail", detail);
    return error;
  }

  /** {@code {status, detail}}: the last attempt's failure while the job retries. */
  public Map<String, Object> lastError() {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("status", status);
    error.put("detail", detail);
    return error;
  }

  /** Which dependency did not answer, in the words of the deepest cause that has any. */
  private static String outage(Throwable e) {
    boolean storage = false;
    String words = null;
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
      storage |= t instanceof software.amazon.awssdk.core.exception.SdkException
          || t instanceof org.apache.iceberg.exceptions.RuntimeIOException
          || t instanceof java.io.UncheckedIOException;
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        words = t.getMessage();
      }
    }
    String what = storage ? "Object storage did not answer" : "The catalog database did not answer";
    return words == null ? what + "; retry later" : what + ": " + words;
  }
}
