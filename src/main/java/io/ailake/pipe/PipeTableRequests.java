package io.ailake.pipe;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request bodies of the pipe-table routes, as the AI Lake API names their fields. */
public final class PipeTableRequests {

  private PipeTableRequests() {}

  @Schema(name = "CreatePipeTableRequest", description = "A table the service keeps loading from parquet files",
      example = """
      {"tableName": "orders", "sourceStorageName": "s3-data-lake", "pathPrefix": "orders/",
      "columnOverrides": {"amount": "DECIMAL(12,2)"}, "pollingIntervalSeconds": 60,
      "keyConfig": {"type": "primary", "columns": ["id"]},
      "partitionConfig": {"type": "dateTrunc", "column": "created_at", "unit": "day"}}""")
  public record CreatePipeTable(
      @Schema(required = true, example = "orders", pattern = "^[a-z][a-z0-9_-]{0,62}$") String tableName,
      @Schema(required = true, example = "s3-data-lake", description = "name of a registered object storage")
          String sourceStorageName,
      @Schema(required = true, example = "orders/", description = "prefix of the parquet files, under the storage's root")
          String pathPrefix,
      @Schema(example = "{\"year\": \"INT\", \"amount\": \"DECIMAL(12,2)\"}",
              description = "SQL types that replace the inferred ones")
          Map<String, String> columnOverrides,
      @Schema(example = "200", description = "cap of string columns (values are cut to it); 0 = no cap")
          Integer maxVarcharLength,
      @Schema(example = "60", description = "how often new files are looked for; 0 or absent = server default")
          Integer pollingIntervalSeconds,
      @Schema(example = "{\"write.parquet.compression-codec\": \"zstd\"}", description = "Iceberg table properties")
          Map<String, String> tableProperties,
      KeyConfig keyConfig,
      @Schema(example = "{\"type\": \"hash\", \"buckets\": 1, \"columns\": [\"id\"]}",
              description = "recorded and returned; Iceberg tables have no bucketing of their own")
          Map<String, Object> distributionConfig,
      PartitionConfig partitionConfig,
      @Schema(description = "only for aggregate tables, which an Iceberg pipe table cannot be")
          Map<String, String> aggregationOverrides,
      @Schema(description = "StarRocks HLL/bitmap functions; not available on Iceberg pipe tables")
          Map<String, Object> columnExpressions) {}

  /** Absent members stay absent in answers: GoodData's clients refuse a null where they expect a value. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "KeyConfig", description = "primary and unique make the columns the table's identifier fields",
      example = "{\"type\": \"primary\", \"columns\": [\"id\"]}")
  public record KeyConfig(
      @Schema(required = true, enumeration = {"aggregate", "duplicate", "primary", "unique"}) String type,
      @Schema(description = "default: the first column") List<String> columns) {}

  /** Only the members of its type: GoodData's current client refuses {@code "column": null} on a column partitioning. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "PartitionConfig",
      description = "column: identity partitions; dateTrunc: year/month/day/hour transforms",
      example = "{\"type\": \"dateTrunc\", \"column\": \"created_at\", \"unit\": \"day\"}")
  public record PartitionConfig(
      @Schema(required = true, enumeration = {"column", "dateTrunc", "timeSlice"}) String type,
      List<String> columns,
      String column,
      @Schema(enumeration = {"year", "quarter", "month", "week", "day", "hour", "minute", "second",
          "millisecond", "microsecond"}) String unit,
      Integer slices) {}

  @Schema(name = "RefreshPartitionRequest", example = "{\"partitionSpec\": {\"year\": \"2024\", \"month\": \"01\"}}")
  public record RefreshPartition(
      @Schema(required = true, description = "a value for each partition column of the table")
          Map<String, String> partitionSpec) {}
}
