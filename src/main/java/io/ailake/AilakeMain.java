package io.ailake;

import io.ailake.postgres.EmbeddedPostgresLauncher;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.nio.file.Path;

/**
 * Starts the service. When no PostgreSQL is configured it first starts an embedded one whose data
 * lives under the data directory, so a fresh machine needs nothing but a JDK.
 */
@QuarkusMain
public class AilakeMain {

  /** Set when the service runs its own PostgreSQL: the first-run default mode. */
  public static final String EMBEDDED = "io.ailake.embedded-postgres";

  public static void main(String... args) {
    useLenientS3Checksums();
    if (setting("quarkus.datasource.jdbc.url", "QUARKUS_DATASOURCE_JDBC_URL") == null) {
      String dataDir = setting("ailake.data-dir", "AILAKE_DATA_DIR");
      EmbeddedPostgresLauncher postgres =
          EmbeddedPostgresLauncher.start(Path.of(dataDir == null ? "data" : dataDir));
      System.setProperty("quarkus.datasource.jdbc.url", postgres.jdbcUrl());
      System.setProperty("quarkus.datasource.username", EmbeddedPostgresLauncher.USER);
      System.setProperty(EMBEDDED, "true");
      Runtime.getRuntime().addShutdownHook(
          new Thread(() -> stopAfterTheService(postgres), "embedded-postgres-stop"));
    }
    Quarkus.run(args);
  }

  /**
   * The JVM runs shutdown hooks together: PostgreSQL waits for the service's own shutdown (requests in
   * flight, jobs handed over) before it stops, bounded so a service that never started does not hold it.
   */
  private static void stopAfterTheService(EmbeddedPostgresLauncher postgres) {
    io.quarkus.runtime.Application service = io.quarkus.runtime.Application.currentApplication();
    if (service != null) {
      Thread waiting = new Thread(service::awaitShutdown, "await-service-shutdown");
      waiting.setDaemon(true);
      waiting.start();
      try {
        waiting.join(java.time.Duration.ofMinutes(2).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    postgres.close();
  }

  /**
   * Many S3-compatible stores (MinIO releases, S3Proxy, Ceph) reject the SDK's newer default request
   * checksums; asking for them only where S3 requires them keeps every store working.
   */
  private static void useLenientS3Checksums() {
    System.setProperty(
        "aws.requestChecksumCalculation",
        System.getProperty("aws.requestChecksumCalculation", "when_required"));
    System.setProperty(
        "aws.responseChecksumValidation",
        System.getProperty("aws.responseChecksumValidation", "when_required"));
  }

  private static String setting(String property, String env) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(env);
    }
    return value == null || value.isBlank() ? null : value;
  }
}
