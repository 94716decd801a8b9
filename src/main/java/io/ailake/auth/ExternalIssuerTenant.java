package io.ailake.auth;

import io.ailake.AilakeConfig;
import io.quarkus.oidc.Oidc;
import io.quarkus.oidc.OidcTenantConfig;
import io.quarkus.oidc.OidcTenantConfigBuilder;
import io.quarkus.oidc.runtime.OidcConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Starts Quarkus OIDC's default tenant for the external issuer, only when {@code ailake.auth.oidc-issuer}
 * is set: without an issuer the tenant stays disabled ({@code quarkus.oidc.tenant-enabled=false}), so the
 * service starts with no issuer and no network. The {@code quarkus.oidc.*} settings are the tenant's
 * base (a fixed {@code public-key}, {@code jwks-path}, audience, TLS); the issuer decides which
 * {@code iss} its tokens must carry and, without a fixed key, where its keys are discovered.
 */
@ApplicationScoped
class ExternalIssuerTenant {

  private static final Logger LOG = Logger.getLogger(ExternalIssuerTenant.class);

  void create(@Observes Oidc oidc, AilakeConfig config, OidcConfig properties) {
    config.auth().oidcIssuer().filter(issuer -> !issuer.isBlank()).ifPresent(issuer -> {
      io.quarkus.oidc.runtime.OidcTenantConfig base = OidcConfig.getDefaultTenant(properties);
      OidcTenantConfigBuilder tenant = OidcTenantConfig.builder(base)
          .tenantEnabled(true)
          .applicationType(io.quarkus.oidc.runtime.OidcTenantConfig.ApplicationType.SERVICE)
          .token().issuer(issuer).end();
      // Quarkus discovers a server it is given even when a fixed key makes it unnecessary
      if (base.publicKey().isEmpty()) {
        tenant.authServerUrl(issuer);
      }
      oidc.create(tenant.build());
      LOG.infof("JWTs of the OpenID Connect issuer %s are accepted as tokens", issuer);
    });
  }
}
