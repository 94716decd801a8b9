package io.ailake.data.rows;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "AiLakeUpdatedRows", description = "What an update committed",
    example = "{\"rowsUpdated\": 1, \"snapshotId\": 3051729675574597004}")
public record UpdatedRows(
    @Schema(required = true, description = "rows the predicate matched and the update changed") long rowsUpdated,
    @Schema(description = "the snapshot the update committed; the current one when no row matched (absent when the"
        + " table has none)") Long snapshotId) {}
