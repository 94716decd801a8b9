package io.ailake.statistics;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of analyzeStatistics, as the AI Lake API names its field. */
@Schema(name = "AnalyzeStatisticsRequest", example = "{\"tableNames\": [\"orders\", \"finance.invoices\"]}")
public record AnalyzeStatisticsRequest(
    @Schema(description = "tables to analyze, 'table' (namespace default) or 'namespace.table';"
        + " empty or missing: every table of the database")
        List<String> tableNames) {}
