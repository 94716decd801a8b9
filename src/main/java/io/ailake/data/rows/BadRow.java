package io.ailake.data.rows;

import io.ailake.api.ApiException;

/** A row of an insert that cannot be written: its number (the first row is 1) and, when known, its column. */
final class BadRow extends RuntimeException {

  final long row;
  final String column;

  BadRow(long row, String column, String reason) {
    super(reason, null, false, false);
    this.row = row;
    this.column = column;
  }

  ApiException toApi() {
    return column == null
        ? ApiException.badRequest("Row %d: %s; nothing was inserted", row, getMessage())
        : ApiException.badRequest("Row %d, column %s: %s; nothing was inserted", row, column, getMessage());
  }
}
