package io.ailake.postgres;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Ready only while PostgreSQL accepts a new connection. Quarkus' own check validates a pooled
 * connection, which can answer from before an outage; a fresh one cannot. When PostgreSQL comes back,
 * the pool's connections from before (their server processes are gone) are retired, so requests do not
 * meet them one by one.
 */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements HealthCheck {

  static final String NAME = "PostgreSQL accepts connections";
  private static final Logger LOG = Logger.getLogger(DatabaseReadiness.class);

  private final AgroalDataSource dataSource;
  private volatile boolean wasDown;

  DatabaseReadiness(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public HealthCheckResponse call() {
    String failure;
    try {
      failure = dataSource.isHealthy(true) ? null : "a new connection failed its validation";
    } catch (SQLException e) {
      failure = e.getMessage();
    }
    if (failure != null) {
      if (!wasDown) {
        LOG.warnf("Not ready: PostgreSQL does not accept connections: %s", failure);
      }
      wasDown = true;
      return HealthCheckResponse.named(NAME).down().withData("error", failure).build();
    }
    if (wasDown) {
      wasDown = false;
      LOG.info("Ready again: PostgreSQL accepts connections; retiring the pool's older connections");
      dataSource.flush(AgroalDataSource.FlushMode.GRACEFUL);
    }
    return HealthCheckResponse.up(NAME);
  }
}
