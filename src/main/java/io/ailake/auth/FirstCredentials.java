package io.ailake.auth;

import io.ailake.AilakeConfig;
import io.ailake.AilakeMain;
import io.ailake.organization.Organizations;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The first credential. A configured bootstrap token ({@code AILAKE_BOOTSTRAP_TOKEN}) is registered as
 * an admin token of the default organization. Without one, the embedded default mode creates an admin
 * token at its first start and prints a ready-to-paste Spark configuration with it, once: the secret is
 * stored only as a hash, so it can never be shown again. A configured token shorter than
 * {@link #MIN_CONFIGURED_TOKEN_LENGTH} characters stops the start.
 */
@ApplicationScoped
class FirstCredentials {

  private final AilakeConfig config;
  private final Tokens tokens;
  private final int port;

  FirstCredentials(AilakeConfig config, Tokens tokens, @ConfigProperty(name = "quarkus.http.port") Instance<Integer> port) {
    this.config = config;
    this.tokens = tokens;
    this.port = port.isResolvable() ? port.get() : 8181;
  }

  void onStart(@Observes StartupEvent event) {
    requireLongEnough("ailake.admin-token (AILAKE_ADMIN_TOKEN)", config.adminToken());
    requireLongEnough("ailake.bootstrap-token (AILAKE_BOOTSTRAP_TOKEN)", config.bootstrapToken());
    if (config.bootstrapToken().filter(t -> !t.isBlank()).isPresent()) {
      tokens.ensure(Organizations.DEFAULT_ID, "bootstrap", config.bootstrapToken().get());
      return;
    }
    if (Boolean.getBoolean(AilakeMain.EMBEDDED)) {
      // printed to the console, on purpose: this is how the operator of a fresh install gets in
      firstStart(Organizations.DEFAULT_ID, System.out);
    }
  }

  /**
   * A configured token is chosen by a person and may be guessable; the ones the service makes carry 256
   * random bits. Below this length the service does not start.
   */
  static final int MIN_CONFIGURED_TOKEN_LENGTH = 24;

  /** Refuses a configured token too short to resist guessing, before anything accepts it. */
  static void requireLongEnough(String setting, Optional<String> token) {
    token.filter(t -> !t.isBlank() && t.strip().length() < MIN_CONFIGURED_TOKEN_LENGTH).ifPresent(t -> {
      throw new ConfiguredTokenTooShortException(setting + " is " + t.strip().length() + " characters long;"
          + " a configured token needs at least " + MIN_CONFIGURED_TOKEN_LENGTH + " (e.g. `openssl rand -base64 32`)");
    });
  }

  /** A configured token too short to be safe: the service refuses to start with it. */
  static class ConfiguredTokenTooShortException extends IllegalStateException {
    ConfiguredTokenTooShortException(String message) {
      super(message);
    }
  }

  /** Creates and prints the organization's first admin token, unless it has a token already. */
  void firstStart(java.util.UUID organizationId, java.io.PrintStream out) {
    if (tokens.any(organizationId)) {
      return;
    }
    Tokens.Issued first = tokens.create(organizationId, "first-start", Role.ADMIN);
    String warehouse = config.warehouse().name();
    out.printf("""

        ailake: first start. An admin token of the default organization was created; it is shown only now.
          token: %1$s
        Spark:
          --conf spark.sql.catalog.lake=org.apache.iceberg.spark.SparkCatalog
          --conf spark.sql.catalog.lake.type=rest
          --conf spark.sql.catalog.lake.uri=http://localhost:%2$d/iceberg
          --conf spark.sql.catalog.lake.warehouse=%3$s
          --conf spark.sql.catalog.lake.credential=%4$s:%1$s
        REST: curl -H "Authorization: Bearer %1$s" http://localhost:%2$d/api/v1/ailake/database/instances

        """, first.token(), port, warehouse, first.id());
  }
}
