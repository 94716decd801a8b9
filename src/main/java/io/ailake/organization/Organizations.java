package io.ailake.organization;

import java.util.UUID;

/** Organizations own every row. Until tenants arrive, everything belongs to the default one. */
public final class Organizations {

  public static final UUID DEFAULT_ID = UUID.fromString("00000000-0000-0000-0000-000000000001");

  private Organizations() {}
}
