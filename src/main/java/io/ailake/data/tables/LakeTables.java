package io.ailake.data.tables;

import io.ailake.api.ApiException;
import io.ailake.api.Paging;
import io.ailake.auth.Caller;
import io.ailake.data.DatabaseTables;
import io.ailake.iceberg.IcebergNames;
import io.ailake.iceberg.NamespaceService;
import io.ailake.iceberg.TableCommits;
import io.ailake.iceberg.TableService;
import io.ailake.iceberg.Warehouse;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.MetadataUpdate;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.UpdateRequirements;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The tables of a database as the AI Lake API manages them: each one an ordinary Iceberg table of the
 * catalog, created and changed through the catalog's own commit path, so engines see a change at once.
 */
@ApplicationScoped
public class LakeTables {

  /** Where a table goes is the catalog's choice: a create names no location, and this one is dropped. */
  private static final String UNSET_LOCATION = "unset:";
  private static final int MAX_COLUMNS = 10_000;

  private final DatabaseTables databases;
  private final TableService tables;
  private final NamespaceService namespaces;
  private final TableCommits commits;
  private final Caller caller;

  LakeTables(DatabaseTables databases, TableService tables, NamespaceService namespaces, TableCommits commits,
      Caller caller) {
    this.databases = databases;
    this.tables = tables;
    this.namespaces = namespaces;
    this.commits = commits;
    this.caller = caller;
  }

  /** A page of the database's tables (of one namespace when {@code namespace} is not null), and the total. */
  public record Page(List<TableIdentifier> tables, Long total) {}

  public Page list(String instanceId, String namespace, Paging paging) {
    Warehouse database = databases.database(instanceId);
    Namespace only = namespace == null || namespace.isEmpty() ? null : DatabaseTables.namespace(namespace);
    if (only != null && !namespaces.exists(database, only)) {
      throw ApiException.notFound("Namespace %s does not exist in database %s", Shown.of(namespace), database.name);
    }
    List<TableIdentifier> page = tables.listAll(database, only, paging.size(), paging.offset());
    return new Page(page, paging.withTotal() ? tables.countAll(database, only) : null);
  }

  public TableViews.TableDocument create(String instanceId, TableRequests.CreateTable request) {
    Warehouse database = databases.database(instanceId);
    if (request == null) {
      throw ApiException.badRequest("A body is required: {namespace, name, columns, partitionBy, properties}");
    }
    TableIdentifier identifier = DatabaseTables.identifier(request.namespace(), request.name());
    IcebergNames.checkNamespace(identifier.namespace());
    IcebergNames.check("table name", identifier.name());
    Schema schema = schema(request.columns());
    PartitionSpec spec = PartitionFields.spec(schema, request.partitionBy());
    Map<String, String> properties = properties(request.properties());
    if (tables.exists(database, identifier)) {
      throw alreadyExists(identifier, database);
    }
    TableMetadata fresh;
    try {
      fresh = TableMetadata.newTableMetadata(schema, spec, SortOrder.unsorted(), UNSET_LOCATION, properties);
    } catch (IllegalArgumentException | org.apache.iceberg.exceptions.ValidationException e) {
      throw ApiException.badRequest("Invalid table: %s", e.getMessage());
    }
    List<MetadataUpdate> updates = fresh.changes().stream()
        .filter(update -> !(update instanceof MetadataUpdate.SetLocation))
        .toList();
    namespaces.createMissing(database, identifier.namespace());
    TableMetadata created;
    try {
      // the REST protocol's create transaction: the catalog checks the name is free and picks the location
      created = commits.commit(database, identifier,
          UpdateTableRequest.create(identifier, UpdateRequirements.forCreateTable(updates), updates));
    } catch (CommitFailedException e) {
      if (tables.exists(database, identifier)) {
        throw alreadyExists(identifier, database);
      }
      throw e;
    }
    return TableViews.TableDocument.of(identifier, created);
  }

  /**
   * Creates an unpartitioned table of {@code schema} (fresh field ids) for the service's own writers (a sync's
   * first file), its namespace too when missing; false when a table of that name exists (another writer may
   * just have created it).
   */
  public boolean createIfMissing(Warehouse database, TableIdentifier identifier, Schema schema,
      Map<String, String> properties) {
    IcebergNames.checkNamespace(identifier.namespace());
    IcebergNames.check("table name", identifier.name());
    if (tables.exists(database, identifier)) {
      return false;
    }
    List<MetadataUpdate> updates = TableMetadata.newTableMetadata(schema, PartitionSpec.unpartitioned(),
            SortOrder.unsorted(), UNSET_LOCATION, properties).changes().stream()
        .filter(update -> !(update instanceof MetadataUpdate.SetLocation))
        .toList();
    namespaces.createMissing(database, identifier.namespace());
    try {
      commits.commit(database, identifier,
          UpdateTableRequest.create(identifier, UpdateRequirements.forCreateTable(updates), updates));
      return true;
    } catch (CommitFailedException e) {
      if (tables.exists(database, identifier)) {
        return false;
      }
      throw e;
    }
  }

  public TableViews.TableDocument describe(String instanceId, String namespace, String name) {
    Warehouse database = databases.database(instanceId);
    TableIdentifier identifier = DatabaseTables.identifier(namespace, name);
    return TableViews.TableDocument.of(identifier, metadata(databases.load(database, identifier)));
  }

  /**
   * Removes the table through the catalog's drop; with {@code purge}, its purge job deletes the files the
   * catalog wrote for it, in the background.
   */
  public void drop(String instanceId, String namespace, String name, String purge) {
    boolean purged = flag("purge", purge);
    Warehouse database = databases.database(instanceId);
    TableIdentifier identifier = DatabaseTables.identifier(namespace, name);
    if (!tables.exists(database, identifier)) {
      throw notFound(identifier, database);
    }
    tables.drop(caller.organizationId(), database.name, identifier, purged);
  }

  public TableViews.ListSnapshotsResponse snapshots(String instanceId, String namespace, String name) {
    Warehouse database = databases.database(instanceId);
    TableIdentifier identifier = DatabaseTables.identifier(namespace, name);
    return TableViews.ListSnapshotsResponse.of(metadata(databases.load(database, identifier)));
  }

  /** Names a snapshot (the current one unless the request gives one) with an Iceberg tag. */
  public TableViews.SnapshotTag tag(String instanceId, String namespace, String name, TableRequests.CreateSnapshot request) {
    Warehouse database = databases.database(instanceId);
    TableIdentifier identifier = DatabaseTables.identifier(namespace, name);
    Table table = databases.load(database, identifier);
    if (request == null || request.name() == null || request.name().isBlank()) {
      throw ApiException.badRequest("A snapshot needs a name: {\"name\": \"end-of-q3\"}");
    }
    String tag = request.name();
    if (tag.length() > 255 || !Shown.isPlainText(tag)) {
      throw ApiException.badRequest("Invalid snapshot name '%s': 1-255 characters, no control characters",
          Shown.of(tag));
    }
    Integer days = request.maxAgeDays();
    if (days != null && (days < 1 || days > 365_000)) {
      throw ApiException.badRequest("maxAgeDays must be between 1 and 365000, got %d", days);
    }
    Snapshot snapshot;
    if (request.snapshotId() == null) {
      snapshot = table.currentSnapshot();
      if (snapshot == null) {
        throw ApiException.badRequest("Table %s has no snapshot yet: write data first, or name a snapshotId",
            identifier);
      }
    } else {
      snapshot = table.snapshot(request.snapshotId());
      if (snapshot == null) {
        throw ApiException.badRequest("Table %s has no snapshot %d", identifier, request.snapshotId());
      }
    }
    if (table.refs().containsKey(tag)) {
      throw tagExists(identifier, tag, table);
    }
    Long maxRefAgeMs = days == null ? null : Duration.ofDays(days).toMillis();
    var manage = table.manageSnapshots().createTag(tag, snapshot.snapshotId());
    if (maxRefAgeMs != null) {
      manage.setMaxRefAgeMs(tag, maxRefAgeMs);
    }
    try {
      manage.commit();
    } catch (CommitFailedException | IllegalArgumentException e) {
      // a tag of that name committed meanwhile: Iceberg's retry then finds the name taken
      table.refresh();
      if (table.refs().containsKey(tag)) {
        throw tagExists(identifier, tag, table);
      }
      throw e;
    }
    return new TableViews.SnapshotTag(tag, snapshot.snapshotId(), days, maxRefAgeMs);
  }

  /** The metadata the table was loaded with, or committed last. */
  static TableMetadata metadata(Table table) {
    return ((HasTableOperations) table).operations().current();
  }

  private static ApiException tagExists(TableIdentifier identifier, String tag, Table table) {
    return ApiException.conflict("Table %s already has a %s named '%s'", identifier,
        table.refs().get(tag).isTag() ? "tag" : "branch", Shown.of(tag));
  }

  private static ApiException alreadyExists(TableIdentifier identifier, Warehouse database) {
    return ApiException.conflict("Table %s already exists in database %s", identifier, database.name);
  }

  static ApiException notFound(TableIdentifier identifier, Warehouse database) {
    return ApiException.notFound("Table %s does not exist in database %s", identifier, database.name);
  }

  private static boolean flag(String name, String value) {
    if (value == null || value.isBlank() || value.equalsIgnoreCase("false")) {
      return false;
    }
    if (value.equalsIgnoreCase("true")) {
      return true;
    }
    throw ApiException.badRequest("%s must be true or false, got '%s'", name, Shown.of(value));
  }

  /** The columns as a schema; a column that does not define itself is a 400 that names it. */
  static Schema schema(List<TableRequests.Column> columns) {
    if (columns == null || columns.isEmpty()) {
      throw ApiException.badRequest("A table needs at least one column: columns: [{\"name\": \"id\", \"type\": \"long\"}]");
    }
    if (columns.size() > MAX_COLUMNS) {
      throw ApiException.badRequest("A table has at most %d columns, got %d", MAX_COLUMNS, columns.size());
    }
    AtomicInteger ids = new AtomicInteger(0);
    Set<String> names = new HashSet<>();
    List<Types.NestedField> fields = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      TableRequests.Column column = columns.get(i);
      if (column == null) {
        throw ApiException.badRequest("Column %d is null", i + 1);
      }
      String name = columnName(column.name(), i);
      if (!names.add(name.toLowerCase(Locale.ROOT))) {
        throw ApiException.badRequest("Column '%s' appears twice (names are compared ignoring case)", Shown.of(name));
      }
      if (column.comment() != null && !Shown.isWellFormed(column.comment())) {
        throw ApiException.badRequest("Column '%s': the comment holds an unpaired surrogate", Shown.of(name));
      }
      int id = ids.incrementAndGet();
      Type type = columnType(name, column.type(), ids);
      fields.add(Types.NestedField.builder().withId(id).withName(name).ofType(type)
          .isOptional(column.nullable() == null || column.nullable()).withDoc(column.comment()).build());
    }
    try {
      return new Schema(fields);
    } catch (IllegalArgumentException | org.apache.iceberg.exceptions.ValidationException e) {
      throw ApiException.badRequest("Invalid columns: %s", e.getMessage());
    }
  }

  static Type columnType(String column, String type, AtomicInteger ids) {
    try {
      return ColumnTypes.parse(type, ids::incrementAndGet);
    } catch (ColumnTypes.InvalidType e) {
      throw ApiException.badRequest("Column '%s': invalid type '%s': %s", Shown.of(column), Shown.of(type),
          e.getMessage());
    }
  }

  /** A column's own name: no dot (it separates a nested field's path), no control character. */
  static String columnName(String name, int index) {
    if (name == null || name.isBlank()) {
      throw ApiException.badRequest("Column %d has no name", index + 1);
    }
    if (name.length() > 255 || name.contains(".") || !Shown.isPlainText(name)) {
      throw ApiException.badRequest("Invalid column name '%s': 1-255 characters, no '.' and no control characters",
          Shown.of(name));
    }
    return name;
  }

  private static Map<String, String> properties(Map<String, String> properties) {
    if (properties == null) {
      return Map.of();
    }
    Map<String, String> checked = new HashMap<>();
    properties.forEach((key, value) -> {
      if (key == null || key.isBlank() || value == null) {
        throw ApiException.badRequest("Table property '%s' needs a name and a value", Shown.of(key));
      }
      if (!Shown.isWellFormed(key) || !Shown.isWellFormed(value)) {
        throw ApiException.badRequest("Table property '%s' holds an unpaired surrogate", Shown.of(key));
      }
      checked.put(key, value);
    });
    return checked;
  }
}
