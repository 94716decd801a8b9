package io.ailake.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ailake.AilakeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.logging.Logger;

/**
 * Seals a storage's credentials (and a webhook's signing secret) with AES-256-GCM for their {@code sealed_secret}
 * columns. A sealed value
 * is {@code version(1) | nonce(12) | ciphertext+tag}; every seal draws a fresh random nonce. The
 * row's id is bound in as associated data, so a sealed value copied onto another row does not open.
 * The same server secret keys the hashes of API tokens, through a key derived from it
 * ({@link #derivedKey}).
 */
@ApplicationScoped
public class SecretBox {

  /** Thrown when a sealed value does not open: another key, or bytes changed since sealing. */
  public static class UnsealException extends IllegalStateException {
    UnsealException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  static final String KEY_FILE = "secret.key";
  private static final Logger LOG = Logger.getLogger(SecretBox.class);
  private static final byte VERSION = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  @Inject
  SecretBox(AilakeConfig config) {
    this(config.secrets().key().map(SecretBox::decodeKey)
        .orElseGet(() -> keyFromFile(Path.of(config.dataDir()).resolve(KEY_FILE))));
  }

  SecretBox(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException(
          "ailake.secrets.key must be 32 bytes (AES-256), got " + key.length);
    }
    this.key = new SecretKeySpec(key, "AES");
  }

  /**
   * A key for another purpose, derived from this one so that no key bytes serve two purposes: HKDF-Expand
   * (RFC 5869) of the random key with the purpose as its info, one 32-byte block.
   */
  public byte[] derivedKey(String purpose) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
      mac.update(("ailake " + purpose).getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(new byte[] {1});
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot derive the " + purpose + " key", e);
    }
  }

  public byte[] seal(Credentials credentials, UUID storageId) {
    try {
      return seal(JSON.writeValueAsBytes(credentials), storageId);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot seal the credentials of storage " + storageId, e);
    }
  }

  public Credentials open(byte[] sealed, UUID storageId) {
    byte[] plain = open(sealed, storageId, "credentials of storage " + storageId);
    try {
      return JSON.readValue(plain, Credentials.class);
    } catch (IOException e) {
      throw new UnsealException("The sealed credentials of storage " + storageId + " do not open", e);
    }
  }

  /** Seals any secret of the row with id {@code owner} (a webhook's signing secret, say). */
  public byte[] seal(byte[] plain, UUID owner) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, owner);
      byte[] sealed = cipher.doFinal(plain);
      return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length)
          .put(VERSION).put(nonce).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot seal a secret of " + owner, e);
    }
  }

  /** Opens what {@link #seal(byte[], UUID)} sealed for {@code owner}; {@code what} names it in errors. */
  public byte[] open(byte[] sealed, UUID owner, String what) {
    if (sealed == null || sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != VERSION) {
      throw new UnsealException("The sealed " + what + " are not in a known format", null);
    }
    byte[] nonce = Arrays.copyOfRange(sealed, 1, 1 + NONCE_BYTES);
    try {
      Cipher cipher = cipher(Cipher.DECRYPT_MODE, nonce, owner);
      return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new UnsealException(
          "The sealed " + what + " do not open: ailake.secrets.key is not the key they were sealed with, or they"
              + " were altered",
          e);
    } catch (GeneralSecurityException e) {
      throw new UnsealException("The sealed " + what + " do not open", e);
    }
  }

  private Cipher cipher(int mode, byte[] nonce, UUID storageId) throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
    cipher.updateAAD(storageId.toString().getBytes(StandardCharsets.US_ASCII));
    return cipher;
  }

  private static byte[] decodeKey(String base64) {
    try {
      return Base64.getDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("ailake.secrets.key is not valid base64", e);
    }
  }

  /**
   * The key kept next to the embedded PostgreSQL when none is configured: created once, readable by
   * the service's user only, and reused on every later start (losing it makes every sealed secret
   * unreadable). Created with CREATE_NEW so two processes starting together agree on one key.
   */
  static byte[] keyFromFile(Path file) {
    try {
      if (!Files.exists(file)) {
        byte[] fresh = new byte[32];
        RANDOM.nextBytes(fresh);
        Files.createDirectories(file.toAbsolutePath().getParent());
        try {
          writeOwnerOnly(file, Base64.getEncoder().encode(fresh));
          LOG.warnf("Generated the key that seals storage credentials at %s; set AILAKE_SECRETS_KEY "
              + "instead when more than one replica runs", file.toAbsolutePath());
          return fresh;
        } catch (FileAlreadyExistsException racedByAnotherStart) {
          // read the winner's key below
        }
      }
      return decodeKey(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read or create the secrets key file " + file, e);
    }
  }

  /** Writes a temporary owner-only file, then links it into place: the link fails if the file exists. */
  private static void writeOwnerOnly(Path file, byte[] content) throws IOException {
    Path temp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(temp);
    }
    try {
      Files.write(temp, content, StandardOpenOption.TRUNCATE_EXISTING);
      Files.createLink(file, temp);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
