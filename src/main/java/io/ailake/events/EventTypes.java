package io.ailake.events;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every event type the service writes, with what it announces and the fields of its {@code data}: the
 * seed's names as they are, the resource events of the management API, and ours. The OpenAPI document
 * and the {@code types} filters take them from here.
 */
public final class EventTypes {

  public static final String DATA_INSERTED = "datalake.Data.inserted";
  public static final String DATA_UPDATED = "datalake.Data.updated";
  public static final String DATA_DELETED = "datalake.Data.deleted";
  public static final String SCHEMA_EVOLVED = "datalake.Schema.evolved";
  public static final String SNAPSHOT_CREATED = "datalake.Snapshot.created";
  public static final String TABLE_COMMITTED = "table.committed";
  public static final String QUERIED = "datalake.queried";
  public static final String TIME_TRAVELED = "datalake.Query.timeTraveled";
  public static final String VIEW_REPLACED = "datalake.View.replaced";
  public static final String WEBHOOK_DISABLED = "webhook.disabled";
  /** Sent by POST /webhooks/{id}/test to that webhook only; never in the feed. */
  public static final String WEBHOOK_TEST = "webhook.test";

  /** A type: its name, what it announces, and the fields its data always has. */
  public record Type(String name, String description, List<String> fields) {}

  private static final String TABLE_FIELDS = "database, namespace, table";

  public static final List<Type> ALL = List.of(
      type("datalake.created", "A database instance is ready", "kind, id, databaseId, name, state, location"),
      type("datalake.deleted", "A database instance was deleted", "kind, id, databaseId, name, state, location"),
      type("datalake.Table.created", "A table was created (by any client)", TABLE_FIELDS + ", metadataLocation"),
      type("datalake.Table.dropped", "A table was dropped", TABLE_FIELDS + ", metadataLocation"),
      type("datalake.Table.renamed", "A table was renamed", TABLE_FIELDS + ", metadataLocation, previous"),
      type("datalake.View.created", "A view was created", TABLE_FIELDS + ", metadataLocation"),
      type("datalake.View.dropped", "A view was dropped", TABLE_FIELDS + ", metadataLocation"),
      type(VIEW_REPLACED, "A view got a new version", TABLE_FIELDS + ", metadataLocation"),
      type("datalake.View.renamed", "A view was renamed", TABLE_FIELDS + ", metadataLocation, previous"),
      type(DATA_INSERTED, "A commit appended rows",
          TABLE_FIELDS + ", snapshotId, operation, rowsAdded, rowsDeleted, positionDeletesAdded, equalityDeletesAdded"),
      type(DATA_UPDATED, "A commit changed rows (row-level update, or an overwrite that keeps as many rows)",
          TABLE_FIELDS + ", snapshotId, operation, rowsAdded, rowsDeleted, positionDeletesAdded, equalityDeletesAdded"),
      type(DATA_DELETED, "A commit removed rows (delete files, or files rewritten with fewer rows)",
          TABLE_FIELDS + ", snapshotId, operation, rowsAdded, rowsDeleted, positionDeletesAdded, equalityDeletesAdded"),
      type(SNAPSHOT_CREATED, "A tag or branch was set on a snapshot", TABLE_FIELDS + ", name, snapshotId, refType"),
      type(SCHEMA_EVOLVED, "The table's current schema changed", TABLE_FIELDS + ", schemaId, previousSchemaId, columns"),
      type(TABLE_COMMITTED, "Any commit of a table's metadata, with the snapshots it added and their summaries",
          TABLE_FIELDS + ", metadataLocation, previousMetadataLocation, schemaId, snapshotId, previousSnapshotId,"
              + " snapshots"),
      type(QUERIED, "A query ran over REST", "database, tables, snapshots, rowCount, elapsedMs"),
      type(TIME_TRAVELED, "A query read tables as of an earlier snapshot, tag or time",
          "database, tables, snapshots, rowCount, elapsedMs"),
      type("resource.created", "A resource of the management API was created (kind says which)",
          "kind, id, name"),
      type("resource.updated", "A resource changed: its state, its definition, a service paused or resumed",
          "kind, id"),
      type("resource.deleted", "A resource was deleted", "kind, id"),
      type("operation.succeeded", "An operation ended well", "operationId, kind, attempts, result"),
      type("operation.failed", "An operation failed", "operationId, kind, attempts, error"),
      type("sync.finished", "A sync's commit landed", "syncId, name, database, table, syncType, snapshotId,"
          + " trashTag, files, rows"),
      type("sync.failed", "A sync failed", "syncId, name, database, table, syncType, message"),
      type("pipe.file.loaded", "The pipe loader committed a file", "pipeTable, database, path, bytes, rows"),
      type("pipe.file.failed", "The pipe loader refused a file", "pipeTable, database, path, bytes, error"),
      type(WEBHOOK_DISABLED, "A webhook was disabled after repeated failed deliveries", "webhookId, url, reason"),
      type(WEBHOOK_TEST, "A test delivery asked for with POST /webhooks/{id}/test (sent to that webhook only)",
          "webhookId, message"));

  public static final Set<String> NAMES = ALL.stream().map(Type::name).collect(Collectors.toUnmodifiableSet());

  private EventTypes() {}

  private static Type type(String name, String description, String fields) {
    return new Type(name, description, List.of(fields.split(",\\s*")));
  }
}
