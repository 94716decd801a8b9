package io.ailake.data.rows;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "AiLakeInsertedRows", description = "What an insert committed",
    example = "{\"rowsInserted\": 2, \"snapshotId\": 3051729675574597004}")
public record InsertedRows(
    @Schema(required = true, description = "rows appended") long rowsInserted,
    @Schema(required = true, description = "the Iceberg snapshot the insert committed") long snapshotId) {}
