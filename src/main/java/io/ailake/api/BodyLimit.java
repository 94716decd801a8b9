package io.ailake.api;

import io.ailake.AilakeConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The largest request body of every route but the file uploads ({@code ailake.http.max-body-bytes}); an
 * upload's files may be gigabytes, so only quarkus.http.limits.max-body-size bounds them.
 */
@ApplicationScoped
public class BodyLimit {

  private final long bytes;

  BodyLimit(AilakeConfig config) {
    this.bytes = config.http().maxBodyBytes().asLongValue();
  }

  public long bytes() {
    return bytes;
  }

  /** The refusal's detail, the same wherever a body is found too large. */
  public String detail() {
    return String.format("The body is larger than %d bytes, the most this route takes (ailake.http.max-body-bytes)",
        bytes);
  }
}
