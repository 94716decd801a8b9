package io.ailake.storage;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * How to reach the bytes of a warehouse: local disk, or an S3-compatible endpoint. Holds no secrets:
 * when a FileIO is opened, the keys come from the registered object storage {@code id}, or from the
 * service's S3 configuration when {@code id} is null.
 */
public record Storage(UUID id, Type type, String endpoint, String region, boolean pathStyleAccess) {

  public enum Type {
    LOCAL,
    S3
  }

  public static Storage local() {
    return new Storage(null, Type.LOCAL, null, null, false);
  }

  public static Storage s3(String endpoint, String region, boolean pathStyleAccess) {
    return new Storage(null, Type.S3, endpoint, region, pathStyleAccess);
  }

  /** The storage a location needs: {@code s3://}, {@code s3a://} and {@code s3n://} are S3, the rest local. */
  public static Type typeOf(String location) {
    String lower = location.toLowerCase(Locale.ROOT);
    return lower.startsWith("s3://") || lower.startsWith("s3a://") || lower.startsWith("s3n://")
        ? Type.S3
        : Type.LOCAL;
  }

  /**
   * What a client needs in {@code LoadTableResult.config} to reach the files itself: endpoint, region
   * and addressing style. Never credentials.
   */
  public Map<String, String> clientConfig() {
    Map<String, String> config = new LinkedHashMap<>();
    if (type == Type.S3) {
      if (endpoint != null && !endpoint.isBlank()) {
        config.put("s3.endpoint", endpoint);
      }
      if (region != null && !region.isBlank()) {
        config.put("client.region", region);
      }
      config.put("s3.path-style-access", Boolean.toString(pathStyleAccess));
    }
    return config;
  }
}
