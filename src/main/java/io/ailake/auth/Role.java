package io.ailake.auth;

import java.util.Locale;

/** What a token may do in its organization. */
public enum Role {
  /** Everything in the organization, including its tokens and storages. */
  ADMIN,
  /** The AI Lake API and writes to the catalog. */
  MANAGE,
  /** Loads and lists only. */
  READ;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Role parse(String role) {
    for (Role r : values()) {
      if (r.wire().equals(role)) {
        return r;
      }
    }
    throw io.ailake.api.ApiException.badRequest("role must be admin, manage or read (was '%s')", role);
  }

  public boolean atLeast(Role other) {
    return ordinal() <= other.ordinal();
  }
}
