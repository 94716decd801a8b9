package io.ailake.data.tables;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request bodies of the table routes. */
public final class TableRequests {

  private TableRequests() {}

  @Schema(name = "CreateAiLakeTableRequest", requiredProperties = {"namespace", "name", "columns"},
      description = "A new Iceberg table of the database; its namespace is created when missing", example = """
      {"namespace": "shop", "name": "orders", "columns": [
      {"name": "id", "type": "long", "nullable": false, "comment": "Order number"},
      {"name": "category", "type": "string", "nullable": true},
      {"name": "amount", "type": "decimal(12, 2)", "nullable": true},
      {"name": "ts", "type": "timestamptz", "nullable": true},
      {"name": "shipping", "type": "struct<city: string, zip: string>", "nullable": true},
      {"name": "tags", "type": "list<string>", "nullable": true}],
      "partitionBy": ["category", "day(ts)"], "properties": {"write.format.default": "parquet"}}""")
  public record CreateTable(
      @Schema(description = "The namespace; levels separated by dots (a.b)") String namespace,
      @Schema(description = "The table's name in its namespace") String name,
      @Schema(description = "The columns, in order; at least one") List<Column> columns,
      @Schema(description = "Partition terms: a column (identity), year(col), month(col), day(col), hour(col),"
          + " bucket(n, col), truncate(width, col)") List<String> partitionBy,
      @Schema(description = "Iceberg table properties; format-version picks the format (default 2)")
          Map<String, String> properties) {}

  @Schema(name = "AiLakeTableColumnDefinition", requiredProperties = {"name", "type"},
      example = "{\"name\": \"amount\", \"type\": \"decimal(12, 2)\", \"nullable\": true, \"comment\": \"Gross\"}")
  public record Column(
      @Schema(description = "No dots: a dot separates the levels of a nested field's path") String name,
      @Schema(description = "An Iceberg type: boolean, int, long, float, double, decimal(p, s), date, time,"
          + " timestamp, timestamptz, string, uuid, binary, fixed[n], struct<name: type, ...> (a field may end"
          + " with 'not null'), list<type>, map<key, value>") String type,
      @Schema(description = "Whether the column may hold null", defaultValue = "true") Boolean nullable,
      String comment) {}

  @Schema(name = "CreateAiLakeTableSnapshotRequest", requiredProperties = {"name"},
      description = "Names a snapshot with an Iceberg tag", example = """
      {"name": "end-of-q3", "maxAgeDays": 365}""")
  public record CreateSnapshot(
      @Schema(description = "The tag's name; unique among the table's tags and branches") String name,
      @Schema(type = SchemaType.INTEGER, format = "int64",
          description = "The snapshot to name; the current one when absent") Long snapshotId,
      @Schema(description = "Days the tag is kept once snapshot expiry runs; forever when absent", minimum = "1")
          Integer maxAgeDays) {}

  @Schema(name = "EvolveAiLakeTableSchemaRequest", requiredProperties = {"changes"},
      description = "Schema changes applied together, atomically, without rewriting data", example = """
      {"changes": [{"action": "add", "name": "region", "type": "string", "nullable": true, "after": "id"},
      {"action": "widen", "name": "id", "type": "long"}]}""")
  public record EvolveSchema(
      @Schema(description = "Applied in order, committed as one schema change") List<SchemaChange> changes,
      @Schema(description = "The schema id the changes were written against; 409 when the table's is another")
          Integer expectedSchemaId) {}

  @Schema(name = "AiLakeSchemaChange", requiredProperties = {"action", "name"},
      example = "{\"action\": \"rename\", \"name\": \"amount\", \"newName\": \"gross_amount\"}")
  public record SchemaChange(
      @Schema(enumeration = {"add", "rename", "drop", "widen", "makeOptional"},
          description = "add (name, type, nullable, after, comment), rename (name, newName), drop (name),"
              + " widen (name, type: int to long, float to double, a wider decimal), makeOptional (name)")
          String action,
      @Schema(description = "The column; a nested field by its path (a.b)") String name,
      @Schema(description = "add: the new column's type; widen: the wider type") String type,
      @Schema(description = "add: whether the new column may hold null (a required column cannot be added)",
          defaultValue = "true") Boolean nullable,
      @Schema(description = "add: the column the new one follows; last when absent") String after,
      @Schema(description = "rename: the new name") String newName,
      @Schema(description = "add: the new column's comment") String comment) {}
}
