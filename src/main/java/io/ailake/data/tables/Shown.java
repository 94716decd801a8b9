package io.ailake.data.tables;

import io.ailake.iceberg.IcebergNames;

/** Enough of a client's text to recognize it in a message: at most 64 characters, control characters as '?'. */
final class Shown {

  private Shown() {}

  static String of(String text) {
    return text == null ? "null" : IcebergNames.shown(text);
  }

  /** No control character and no unpaired surrogate: text a name may be. */
  static boolean isPlainText(String text) {
    return isWellFormed(text) && text.codePoints().noneMatch(Character::isISOControl);
  }

  /** No unpaired surrogate, which no UTF-8 file or PostgreSQL text can hold. */
  static boolean isWellFormed(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}
