package io.ailake.testing;

import io.ailake.postgres.EmbeddedPostgresLauncher;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.Map;

/** A real PostgreSQL for the whole test run: the same embedded server the service starts by default. */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

  /** Where the tests' PostgreSQL keeps its data: a test stops and starts that server through it. */
  public static final Path DATA_DIR = Path.of("target", "test-postgres");

  private EmbeddedPostgresLauncher postgres;

  @Override
  public Map<String, String> start() {
    postgres = EmbeddedPostgresLauncher.startClean(DATA_DIR);
    return Map.of(
        "quarkus.datasource.jdbc.url", postgres.jdbcUrl(),
        "quarkus.datasource.username", EmbeddedPostgresLauncher.USER);
  }

  @Override
  public void stop() {
    if (postgres != null) {
      postgres.close();
    }
  }
}
