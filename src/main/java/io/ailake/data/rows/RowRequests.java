package io.ailake.data.rows;

import io.ailake.api.ApiException;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request bodies of the update and delete routes. */
public final class RowRequests {

  private RowRequests() {}

  @Schema(name = "AiLakeUpdateRowsRequest", description = "Sets columns of the rows a SQL predicate matches",
      example = "{\"where\": \"id = 1\", \"set\": {\"id\": 2}}")
  public record UpdateRows(
      @Schema(required = true, example = "status = 'open' AND created_at < TIMESTAMP '2024-01-01T00:00:00'",
          description = "a SQL predicate (docs/rows.md); \"true\" matches every row", maxLength = SqlPredicate.MAX_LENGTH)
          String where,
      @Schema(required = true, example = "{\"status\": \"closed\"}",
          description = "top-level columns and their new values, as an insert's JSON gives them")
          Map<String, Object> set) {}

  @Schema(name = "AiLakeDeleteRowsRequest", description = "Deletes the rows a SQL predicate matches",
      example = "{\"where\": \"id = 2\"}")
  public record DeleteRows(
      @Schema(required = true, example = "status = 'cancelled' OR amount IS NULL",
          description = "a SQL predicate (docs/rows.md); \"true\" matches every row", maxLength = SqlPredicate.MAX_LENGTH)
          String where) {}

  static String where(UpdateRows request) {
    if (request == null) {
      throw ApiException.badRequest("A body {where, set} is required");
    }
    if (request.set() == null) {
      throw ApiException.badRequest("set is required: the columns to change and their new values");
    }
    return request.where();
  }

  static String where(DeleteRows request) {
    if (request == null) {
      throw ApiException.badRequest("A body {where} is required");
    }
    return request.where();
  }
}
