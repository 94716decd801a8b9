package io.ailake.data.tables;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ailake.api.JsonApi;
import io.ailake.api.Paging;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Answers of the table routes. */
public final class TableViews {

  private TableViews() {}

  static final String TYPE = "table";

  /** A table's name, as a list shows it. */
  @Schema(name = "AiLakeTableName",
      example = "{\"namespace\": \"shop\", \"name\": \"orders\"}")
  public record TableName(
      @Schema(required = true,
          description = "Levels separated by dots") String namespace,
      @Schema(required = true) String name) {

    static TableName of(TableIdentifier identifier) {
      return new TableName(String.join(".", identifier.namespace().levels()), identifier.name());
    }

    String id() {
      return namespace + "." + name;
    }
  }

  /** Both client shapes of the AI Lake lists: {@code data}, {@code links}, {@code meta}; {@code tables}, {@code totalCount}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "ListAiLakeTablesResponse", example = """
      {"data": [{"id": "shop.orders", "type": "table", "attributes": {"namespace": "shop", "name": "orders"}}],
      "links": {"self": "/api/v1/ailake/database/instances/sales/tables?metaInclude=page"},
      "meta": {"page": {"number": 0, "size": 50, "totalElements": 1, "totalPages": 1}},
      "tables": [{"namespace": "shop", "name": "orders"}], "totalCount": 1}""")
  public record ListTablesResponse(
      @Schema(required = true) List<JsonApi.Item<TableName>> data,
      @Schema(required = true) JsonApi.Links links,
      JsonApi.Meta meta,
      List<TableName> tables,
      @Schema(
          description = "All the tables the list pages through, with metaInclude=page") Long totalCount) {

    public static ListTablesResponse of(List<TableIdentifier> page, Paging paging, Long total, UriInfo uri) {
      List<TableName> names = page.stream().map(TableName::of).toList();
      return new ListTablesResponse(JsonApi.items(TYPE, names, TableName::id), JsonApi.self(uri),
          JsonApi.meta(paging, total), names, total);
    }
  }

  /** A column, or a nested field: its id, its type as a string, and its own fields when it has some. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "AiLakeTableColumn", example = """
      {"id": 5, "name": "shipping", "type": "struct<city: string, zip: string>", "nullable": true,
      "fields": [{"id": 8, "name": "city", "type": "string", "nullable": true},
      {"id": 9, "name": "zip", "type": "string", "nullable": true}]}""")
  public record TableColumn(
      @Schema(required = true,
          description = "Iceberg's field id: stays with the column through renames") int id,
      @Schema(required = true,
          description = "A list's element is named element, a map's entries key and value") String name,
      @Schema(required = true) String type,
      @Schema(required = true) boolean nullable,
      String comment,
      @Schema(
          description = "A struct's fields, a list's element, a map's key and value") List<TableColumn> fields) {

    static TableColumn of(Types.NestedField field) {
      return new TableColumn(field.fieldId(), field.name(), ColumnTypes.format(field.type()), field.isOptional(),
          field.doc(), nested(field.type()));
    }

    private static List<TableColumn> nested(Type type) {
      if (type.isPrimitiveType()) {
        return null;
      }
      return type.asNestedType().fields().stream().map(TableColumn::of).toList();
    }
  }

  @Schema(name = "AiLakePartitionField", example = """
      {"term": "day(ts)", "transform": "day", "sourceColumn": "ts", "sourceId": 4, "fieldId": 1001, "name": "ts_day"}""")
  public record PartitionFieldView(
      @Schema(required = true,
          description = "As partitionBy writes it") String term,
      @Schema(required = true,
          description = "Iceberg's transform: identity, year, month, day, hour, bucket[n], truncate[w], void")
          String transform,
      @Schema(description = "The source column's path; absent"
          + " when the column was dropped from the schema") String sourceColumn,
      @Schema(required = true) int sourceId,
      @Schema(required = true) int fieldId,
      @Schema(required = true) String name) {

    static PartitionFieldView of(PartitionField field, org.apache.iceberg.Schema schema) {
      return new PartitionFieldView(PartitionFields.term(field, schema), field.transform().toString(),
          schema.findColumnName(field.sourceId()), field.sourceId(), field.fieldId(), field.name());
    }
  }

  /**
   * A table: its current schema (with field ids), partitioning, properties and current snapshot. The
   * answer of getSchema, createTable and evolveSchema.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "AiLakeTable", example = """
      {"namespace": "shop", "name": "orders", "tableUuid": "5b2d7a8e-3c41-4f0e-9d6a-1e2f3a4b5c6d",
      "location": "s3://lake/sales/shop/orders-5b2d7a8e-3c41-4f0e-9d6a-1e2f3a4b5c6d", "formatVersion": 2,
      "schemaId": 0, "columns": [{"id": 1, "name": "id", "type": "long", "nullable": false, "comment": "Order number"},
      {"id": 2, "name": "category", "type": "string", "nullable": true},
      {"id": 3, "name": "ts", "type": "timestamptz", "nullable": true}],
      "partitionBy": ["category", "day(ts)"], "partitionSpecId": 0,
      "partitionFields": [{"term": "category", "transform": "identity", "sourceColumn": "category", "sourceId": 2,
      "fieldId": 1000, "name": "category"}, {"term": "day(ts)", "transform": "day", "sourceColumn": "ts",
      "sourceId": 3, "fieldId": 1001, "name": "ts_day"}],
      "properties": {"write.format.default": "parquet"}, "currentSnapshotId": 3051729675574597004,
      "rowCount": 1200, "lastUpdatedAt": "2026-12-07T14:00:00Z"}""")
  public record TableDocument(
      @Schema(required = true) String namespace,
      @Schema(required = true) String name,
      @Schema(required = true) String tableUuid,
      @Schema(required = true) String location,
      @Schema(required = true) int formatVersion,
      @Schema(required = true,
          description = "The current schema's id; send it as expectedSchemaId to evolve it") int schemaId,
      @Schema(required = true) List<TableColumn> columns,
      @Schema(description = "The columns that identify a row,"
          + " when the table declares them") List<String> identifierColumns,
      @Schema(required = true,
          description = "The default partitioning, as createTable's partitionBy") List<String> partitionBy,
      @Schema(required = true) int partitionSpecId,
      @Schema(required = true)
          List<PartitionFieldView> partitionFields,
      @Schema(required = true) Map<String, String> properties,
      @Schema(type = SchemaType.INTEGER, format = "int64",
          description = "Absent while the table has no snapshot") Long currentSnapshotId,
      @Schema(type = SchemaType.INTEGER, format = "int64",
          description = "Rows in the current snapshot's data files (its summary's total-records): rows that"
              + " delete files remove are still counted; 0 without a snapshot, absent when the summary lacks it")
          Long rowCount,
      @Schema(required = true,
          description = "When the table's metadata last changed") String lastUpdatedAt) {

    static TableDocument of(TableIdentifier identifier, TableMetadata metadata) {
      org.apache.iceberg.Schema schema = metadata.schema();
      Snapshot current = metadata.currentSnapshot();
      List<String> identifiers = schema.identifierFieldIds().isEmpty() ? null
          : schema.identifierFieldIds().stream().map(schema::findColumnName).sorted().toList();
      return new TableDocument(String.join(".", identifier.namespace().levels()), identifier.name(),
          metadata.uuid(), metadata.location(), metadata.formatVersion(), schema.schemaId(),
          schema.columns().stream().map(TableColumn::of).toList(), identifiers,
          PartitionFields.terms(metadata.spec(), schema), metadata.defaultSpecId(),
          metadata.spec().fields().stream().map(f -> PartitionFieldView.of(f, schema)).toList(),
          metadata.properties(), current == null ? null : current.snapshotId(), rowCount(current),
          Instant.ofEpochMilli(metadata.lastUpdatedMillis()).toString());
    }

    private static Long rowCount(Snapshot current) {
      if (current == null) {
        return 0L;
      }
      String total = current.summary() == null ? null : current.summary().get(SnapshotSummary.TOTAL_RECORDS_PROP);
      try {
        return total == null ? null : Long.valueOf(total);
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "AiLakeTableSnapshot", example = """
      {"snapshotId": 3051729675574597004, "parentId": 1877342781342987501, "sequenceNumber": 2,
      "committedAt": "2026-12-07T14:00:00Z", "timestampMs": 1796652000000, "operation": "append", "schemaId": 0,
      "summary": {"added-records": "200", "total-records": "1200"}, "tags": ["end-of-q3"], "branches": ["main"]}""")
  public record SnapshotView(
      @Schema(required = true, type = SchemaType.INTEGER,
          format = "int64") long snapshotId,
      @Schema(type = SchemaType.INTEGER, format = "int64",
          description = "Absent for the table's first snapshot") Long parentId,
      @Schema(required = true, type = SchemaType.INTEGER,
          format = "int64") long sequenceNumber,
      @Schema(required = true) String committedAt,
      @Schema(required = true, type = SchemaType.INTEGER,
          format = "int64") long timestampMs,
      @Schema(description = "append, overwrite, delete or"
          + " replace") String operation,
      Integer schemaId,
      @Schema(required = true) Map<String, String> summary,
      @Schema(required = true,
          description = "The tags that name this snapshot") List<String> tags,
      @Schema(required = true,
          description = "The branches whose head it is") List<String> branches) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "ListAiLakeTableSnapshotsResponse",
      description = "Every snapshot the table's metadata holds, oldest first: the list is complete, not paged",
      example = """
      {"currentSnapshotId": 3051729675574597004, "snapshots": [{"snapshotId": 3051729675574597004,
      "sequenceNumber": 1, "committedAt": "2026-12-07T14:00:00Z", "timestampMs": 1796652000000,
      "operation": "append", "schemaId": 0, "summary": {"added-records": "1200", "total-records": "1200"},
      "tags": ["end-of-q3"], "branches": ["main"]}]}""")
  public record ListSnapshotsResponse(
      @Schema(type = SchemaType.INTEGER, format = "int64")
          Long currentSnapshotId,
      @Schema(required = true) List<SnapshotView> snapshots) {

    static ListSnapshotsResponse of(TableMetadata metadata) {
      List<SnapshotView> snapshots = new ArrayList<>();
      metadata.snapshots().stream()
          .sorted(Comparator.comparingLong(Snapshot::sequenceNumber).thenComparingLong(Snapshot::timestampMillis))
          .forEach(snapshot -> snapshots.add(view(snapshot, metadata.refs())));
      Snapshot current = metadata.currentSnapshot();
      return new ListSnapshotsResponse(current == null ? null : current.snapshotId(), snapshots);
    }

    private static SnapshotView view(Snapshot snapshot, Map<String, SnapshotRef> refs) {
      List<String> tags = new ArrayList<>();
      List<String> branches = new ArrayList<>();
      refs.forEach((name, ref) -> {
        if (ref.snapshotId() == snapshot.snapshotId()) {
          (ref.isTag() ? tags : branches).add(name);
        }
      });
      tags.sort(null);
      branches.sort(null);
      return new SnapshotView(snapshot.snapshotId(), snapshot.parentId(), snapshot.sequenceNumber(),
          Instant.ofEpochMilli(snapshot.timestampMillis()).toString(), snapshot.timestampMillis(),
          snapshot.operation(), snapshot.schemaId(), snapshot.summary() == null ? Map.of() : snapshot.summary(),
          tags, branches);
    }
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "AiLakeTableSnapshotTag", example = """
      {"name": "end-of-q3", "snapshotId": 3051729675574597004, "maxAgeDays": 365, "maxRefAgeMs": 31536000000}""")
  public record SnapshotTag(
      @Schema(required = true) String name,
      @Schema(required = true, type = SchemaType.INTEGER,
          format = "int64") long snapshotId,
      Integer maxAgeDays,
      @Schema(type = SchemaType.INTEGER, format = "int64",
          description = "Iceberg's max-ref-age-ms of the tag") Long maxRefAgeMs) {}
}
