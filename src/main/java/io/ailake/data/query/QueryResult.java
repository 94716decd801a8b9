package io.ailake.data.query;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A query's answer: its columns, at most maxRows rows, and the snapshot it read of each table. */
@Schema(name = "QueryResult",
    requiredProperties = {"columns", "rows", "rowCount", "truncated", "snapshots", "filesScanned", "elapsedMs"},
    example = """
    {"columns": [{"name": "category", "type": "VARCHAR"}, {"name": "orders", "type": "BIGINT"}],
     "rows": [["books", 120], ["games", 87]], "rowCount": 2, "truncated": false,
     "snapshots": {"sales.orders": 3051729675574597004}, "filesScanned": {"sales.orders": 4}, "elapsedMs": 42}""")
public record QueryResult(
    List<QueryEngine.Column> columns,
    @Schema(description = "The rows, each an array of values in the order of columns: numbers, strings, booleans,"
        + " null; dates and times as ISO-8601 strings, binary as base64, lists as arrays, structs and maps as objects")
        List<List<Object>> rows,
    int rowCount,
    @Schema(description = "True when the query had more rows than maxRows (or the server's cap) and the answer holds"
        + " the first of them")
        boolean truncated,
    @Schema(description = "The snapshot id read of each table, by namespace.table; null for a table without snapshots")
        Map<String, Long> snapshots,
    @Schema(description = "How many data files Iceberg's scan planning selected per table, after pruning by"
        + " partitions and column statistics")
        Map<String, Integer> filesScanned,
    long elapsedMs) {}
