package io.ailake.auth;

import io.ailake.api.Sha256;
import io.ailake.storage.SecretBox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What PostgreSQL keeps of a token's secret: HMAC-SHA-256 with a key derived from the server secret
 * ({@code ailake.secrets.key}), so that a copy of the database does not let anyone test guesses of a
 * configured, low-entropy token offline. Rows written before carry the bare SHA-256 ({@link #legacy});
 * lookups accept it and the row is rewritten at its first successful use.
 */
@ApplicationScoped
class TokenHashes {

  /** Marks the keyed form, so the rows still in the bare SHA-256 form can be counted. */
  static final String KEYED = "hmac-sha256:";

  private final SecretKeySpec key;
  /** Each thread keeps its Mac: the lookup runs on every request whose token is not cached. */
  private final ThreadLocal<Mac> macs;

  @Inject
  TokenHashes(SecretBox secrets) {
    this(secrets.derivedKey("api token hashing"));
  }

  TokenHashes(byte[] key) {
    this.key = new SecretKeySpec(key, "HmacSHA256");
    this.macs = ThreadLocal.withInitial(() -> {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(this.key);
        return mac;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** The stored form of {@code secret}. */
  String of(String secret) {
    return KEYED + HexFormat.of().formatHex(macs.get().doFinal(secret.getBytes(StandardCharsets.UTF_8)));
  }

  /** The form rows written before keyed hashes carry: the hex SHA-256 of the secret. */
  static String legacy(String secret) {
    return Sha256.hex(secret);
  }
}
