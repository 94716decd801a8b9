package io.ailake.events.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signing: a secret is {@code whsec_} and the base64 of random bytes; a delivery's
 * {@code webhook-signature} is {@code v1,} and the base64 of HMAC-SHA256 over {@code id.timestamp.body} keyed
 * with the secret's bytes.
 */
public final class WebhookSignatures {

  static final String SECRET_PREFIX = "whsec_";
  private static final int SECRET_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private WebhookSignatures() {}

  /** A new secret's bytes. */
  static byte[] newSecret() {
    byte[] secret = new byte[SECRET_BYTES];
    RANDOM.nextBytes(secret);
    return secret;
  }

  /** The secret as its receiver configures it: {@code whsec_<base64>}. */
  static String shown(byte[] secret) {
    return SECRET_PREFIX + Base64.getEncoder().encodeToString(secret);
  }

  /** The {@code webhook-signature} header of a delivery. */
  public static String sign(byte[] secret, String id, long timestampSeconds, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      byte[] signature = mac.doFinal((id + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(signature);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
