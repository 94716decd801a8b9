package io.ailake.data.rows;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "AiLakeDeletedRows", description = "What a delete committed",
    example = "{\"rowsDeleted\": 1, \"snapshotId\": 3051729675574597004}")
public record DeletedRows(
    @Schema(required = true, description = "rows the predicate matched and the delete removed") long rowsDeleted,
    @Schema(description = "the snapshot the delete committed; the current one when no row matched (absent when the"
        + " table has none)") Long snapshotId) {}
