package io.ailake.testing;

import org.eclipse.microprofile.config.ConfigProvider;

/** The tokens the test configuration registers (see the %test entries of application.properties). */
public final class TestTokens {

  private TestTokens() {}

  /** An admin token of the default organization: what every test uses unless it says otherwise. */
  public static String defaultAdmin() {
    return ConfigProvider.getConfig().getValue("ailake.bootstrap-token", String.class);
  }

  /** The server admin token: organizations and their tokens only. */
  public static String serverAdmin() {
    return ConfigProvider.getConfig().getValue("ailake.admin-token", String.class);
  }

  public static String bearer(String token) {
    return "Bearer " + token;
  }
}
