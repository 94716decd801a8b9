package io.ailake.auth;

import io.ailake.AilakeConfig;
import io.ailake.AilakeMain;
import io.ailake.organization.Organizations;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The first credential. A configured bootstrap token ({@code AILAKE_BOOTSTRAP_TOKEN}) is registered as
 * an admin token of the default organization. Without one, the embedded default mode creates an admin
 * token at its first start and prints a ready-to-paste Spark configuration with it, once: the secret is
 * stored only as a hash, so it can never be shown again.
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
    if (config.bootstrapToken().filter(t -> !t.isBlank()).isPresent()) {
      tokens.ensure(Organizations.DEFAULT_ID, "bootstrap", config.bootstrapToken().get());
      return;
    }
    if (Boolean.getBoolean(AilakeMain.EMBEDDED)) {
      // printed to the console, on purpose: this is how the operator of a fresh install gets in
      firstStart(Organizations.DEFAULT_ID, System.out);
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
