package io.ailake.storage;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The keys of an S3-compatible storage. Lives only in memory, unsealed for the moment a FileIO or a
 * probe needs it; {@link #toString()} hides the secret so no log line or exception message carries it.
 */
// SecretBox serializes it with its own ObjectMapper, which a native image must be told about
@RegisterForReflection
public record Credentials(String accessKeyId, String secretAccessKey, String sessionToken) {

  /** Temporary keys carry a session token (AWS STS and compatible stores); long-lived keys have none (null). */
  public Credentials {
    if (accessKeyId == null || accessKeyId.isBlank() || secretAccessKey == null || secretAccessKey.isBlank()) {
      throw new IllegalArgumentException("Both an access key id and a secret access key are needed");
    }
    if (sessionToken != null && sessionToken.isBlank()) {
      sessionToken = null;
    }
  }

  public Credentials(String accessKeyId, String secretAccessKey) {
    this(accessKeyId, secretAccessKey, null);
  }

  @Override
  public String toString() {
    return "Credentials[accessKeyId=" + accessKeyId + ", secretAccessKey=***"
        + (sessionToken == null ? "" : ", sessionToken=***") + "]";
  }
}
