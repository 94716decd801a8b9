package io.ailake.data.tables;

import io.ailake.api.ApiException;
import io.ailake.data.DatabaseTables;
import io.ailake.iceberg.Warehouse;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;

/**
 * Schema evolution: a list of changes applied with Iceberg's UpdateSchema and committed as one new
 * schema (metadata only; no data file is rewritten). The commit asserts the schema it started from, so a
 * change made meanwhile by anyone is a 409, never silently merged.
 */
@ApplicationScoped
public class SchemaChanges {

  static final Set<String> ACTIONS = Set.of("add", "rename", "drop", "widen", "makeOptional");
  private static final int MAX_CHANGES = 1_000;

  private final DatabaseTables databases;

  SchemaChanges(DatabaseTables databases) {
    this.databases = databases;
  }

  public TableViews.TableDocument evolve(
      String instanceId, String namespace, String name, TableRequests.EvolveSchema request) {
    Warehouse database = databases.database(instanceId);
    TableIdentifier identifier = DatabaseTables.identifier(namespace, name);
    Table table = databases.load(database, identifier);
    if (request == null || request.changes() == null || request.changes().isEmpty()) {
      throw ApiException.badRequest("changes is required: [{\"action\": \"add\", \"name\": \"region\", \"type\": \"string\"}]");
    }
    if (request.changes().size() > MAX_CHANGES) {
      throw ApiException.badRequest("At most %d changes at once, got %d", MAX_CHANGES, request.changes().size());
    }
    Schema base = table.schema();
    if (request.expectedSchemaId() != null && request.expectedSchemaId() != base.schemaId()) {
      throw ApiException.conflict("Table %s has schema %d, not the expected %d: reload it and write the changes"
          + " against its current schema", identifier, base.schemaId(), request.expectedSchemaId());
    }
    UpdateSchema update = table.updateSchema();
    List<TableRequests.SchemaChange> changes = request.changes();
    for (int i = 0; i < changes.size(); i++) {
      TableRequests.SchemaChange change = changes.get(i);
      try {
        apply(update, change, table.spec(), base, i + 1);
      } catch (IllegalArgumentException | IllegalStateException | org.apache.iceberg.exceptions.ValidationException e) {
        throw ApiException.badRequest("Change %d (%s %s): %s", i + 1, Shown.of(change.action()),
            Shown.of(change.name()), e.getMessage());
      }
    }
    try {
      update.apply();
    } catch (IllegalArgumentException | IllegalStateException | org.apache.iceberg.exceptions.ValidationException e) {
      throw ApiException.badRequest("The changes do not make a valid schema: %s", e.getMessage());
    }
    try {
      update.commit();
    } catch (CommitFailedException e) {
      throw ApiException.conflict("Table %s changed while its schema was being changed (%s): reload it and retry",
          identifier, e.getMessage());
    } catch (IllegalArgumentException | org.apache.iceberg.exceptions.ValidationException e) {
      throw ApiException.badRequest("The changes do not fit table %s: %s", identifier, e.getMessage());
    }
    return TableViews.TableDocument.of(identifier, LakeTables.metadata(table));
  }

  /** One change onto {@code update}; Iceberg refuses what it cannot do with IllegalArgumentException. */
  private static void apply(UpdateSchema update, TableRequests.SchemaChange change, PartitionSpec spec, Schema base,
      int number) {
    if (change == null) {
      throw ApiException.badRequest("Change %d is null", number);
    }
    String action = change.action();
    if (action == null || !ACTIONS.contains(action)) {
      throw ApiException.badRequest("Change %d: action must be one of add, rename, drop, widen, makeOptional; got '%s'",
          number, Shown.of(action));
    }
    String name = change.name();
    if (name == null || name.isBlank()) {
      throw ApiException.badRequest("Change %d (%s): name is required", number, action);
    }
    switch (action) {
      case "add" -> {
        int dot = name.lastIndexOf('.');
        String parent = dot < 0 ? null : name.substring(0, dot);
        String leaf = LakeTables.columnName(dot < 0 ? name : name.substring(dot + 1), number - 1);
        // ids here are placeholders: UpdateSchema assigns the new fields' ids
        Type type = LakeTables.columnType(name, change.type(), new AtomicInteger(0));
        if (change.comment() != null && !Shown.isWellFormed(change.comment())) {
          throw ApiException.badRequest("Change %d (add %s): the comment holds an unpaired surrogate", number,
              Shown.of(name));
        }
        if (change.nullable() == null || change.nullable()) {
          update.addColumn(parent, leaf, type, change.comment());
        } else {
          update.addRequiredColumn(parent, leaf, type, change.comment());
        }
        if (change.after() != null) {
          update.moveAfter(name, change.after());
        }
      }
      case "rename" -> {
        if (change.newName() == null || change.newName().isBlank()) {
          throw ApiException.badRequest("Change %d (rename %s): newName is required", number, Shown.of(name));
        }
        update.renameColumn(name, LakeTables.columnName(change.newName(), number - 1));
      }
      case "drop" -> {
        requireNotPartitionSource(name, spec, base, number);
        update.deleteColumn(name);
      }
      case "widen" -> {
        if (change.type() == null) {
          throw ApiException.badRequest("Change %d (widen %s): type is required", number, Shown.of(name));
        }
        Type.PrimitiveType wider;
        try {
          wider = ColumnTypes.parsePrimitive(change.type());
        } catch (ColumnTypes.InvalidType e) {
          throw ApiException.badRequest("Change %d (widen %s): invalid type '%s': %s", number, Shown.of(name),
              Shown.of(change.type()), e.getMessage());
        }
        Types.NestedField field = base.findField(name);
        if (field != null && field.type().isPrimitiveType() && !field.type().equals(wider)
            && !TypeUtil.isPromotionAllowed(field.type(), wider)) {
          throw ApiException.badRequest("Change %d (widen %s): %s cannot become %s; Iceberg widens int to long,"
              + " float to double and decimal(p, s) to decimal(p2, s) with p2 > p", number, Shown.of(name),
              ColumnTypes.format(field.type()), ColumnTypes.format(wider));
        }
        update.updateColumn(name, wider);
      }
      case "makeOptional" -> update.makeColumnOptional(name);
      default -> throw new IllegalStateException(action.toLowerCase(Locale.ROOT));
    }
  }

  /** Iceberg would leave a partition field without its source: the partitioning must change first. */
  private static void requireNotPartitionSource(String name, PartitionSpec spec, Schema base, int number) {
    Types.NestedField field = base.findField(name);
    if (field == null) {
      return; // Iceberg says the column is missing
    }
    Set<Integer> dropped = new java.util.HashSet<>(TypeUtil.getProjectedIds(new Schema(field)));
    dropped.add(field.fieldId());
    for (PartitionField partition : spec.fields()) {
      if (dropped.contains(partition.sourceId())) {
        throw ApiException.badRequest("Change %d (drop %s): partition field %s (%s) is derived from it; change the"
            + " table's partitioning first", number, Shown.of(name), partition.name(), PartitionFields.term(partition, base));
      }
    }
  }
}
