package io.ailake.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sealed credentials open only with the same key, for the same storage, unaltered. */
class SecretBoxTest {

  private static final Credentials KEYS = new Credentials("AKIAEXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCY");
  private static final UUID STORAGE = UUID.randomUUID();

  @Test
  void sealedCredentialsOpenToTheSameValues() {
    SecretBox box = new SecretBox(randomKey());

    byte[] sealed = box.seal(KEYS, STORAGE);

    assertThat(box.open(sealed, STORAGE)).isEqualTo(KEYS);
    assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain(KEYS.secretAccessKey());
  }

  @Test
  void everySealUsesAFreshNonce() {
    SecretBox box = new SecretBox(randomKey());

    assertThat(box.seal(KEYS, STORAGE)).isNotEqualTo(box.seal(KEYS, STORAGE));
  }

  @Test
  void aFlippedBitIsDetected() {
    SecretBox box = new SecretBox(randomKey());
    byte[] sealed = box.seal(KEYS, STORAGE);
    sealed[sealed.length - 5] ^= 0x01;

    assertThatThrownBy(() -> box.open(sealed, STORAGE))
        .isInstanceOf(SecretBox.UnsealException.class)
        .hasMessageContaining("altered");
  }

  @Test
  void anotherKeyDoesNotOpenIt() {
    byte[] sealed = new SecretBox(randomKey()).seal(KEYS, STORAGE);

    assertThatThrownBy(() -> new SecretBox(randomKey()).open(sealed, STORAGE))
        .isInstanceOf(SecretBox.UnsealException.class)
        .hasMessageContaining("not the key");
  }

  @Test
  void aValueCopiedToAnotherStorageDoesNotOpen() {
    SecretBox box = new SecretBox(randomKey());
    byte[] sealed = box.seal(KEYS, STORAGE);

    assertThatThrownBy(() -> box.open(sealed, UUID.randomUUID())).isInstanceOf(SecretBox.UnsealException.class);
  }

  @Test
  void truncatedDataIsRejectedClearly() {
    assertThatThrownBy(() -> new SecretBox(randomKey()).open(new byte[] {1, 2, 3}, STORAGE))
        .isInstanceOf(SecretBox.UnsealException.class)
        .hasMessageContaining("not in a known format");
  }

  @Test
  void aKeyOfTheWrongLengthIsRefused() {
    assertThatThrownBy(() -> new SecretBox(new byte[16])).hasMessageContaining("32 bytes");
  }

  @Test
  void aGeneratedKeyFileIsOwnerOnlyAndReusedOnRestart(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("data").resolve(SecretBox.KEY_FILE);

    byte[] first = SecretBox.keyFromFile(file);
    byte[] again = SecretBox.keyFromFile(file);

    assertThat(first).hasSize(32).isEqualTo(again);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(new SecretBox(again).open(new SecretBox(first).seal(KEYS, STORAGE), STORAGE)).isEqualTo(KEYS);
  }

  @Test
  void credentialsNeverPrintTheirSecret() {
    assertThat(KEYS.toString()).doesNotContain(KEYS.secretAccessKey()).contains("AKIAEXAMPLE");
  }

  private static byte[] randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }
}
