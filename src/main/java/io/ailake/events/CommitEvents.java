package io.ailake.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Objects;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.types.Types;

/**
 * The events of a table commit, as the JSON array the statement that swaps the table's pointer writes
 * into the outbox in the same round trip: {@code table.committed}, and for each snapshot it adds the data
 * event its operation stands for, a schema change, a new tag or branch. Creates, drops and renames are
 * announced by the database itself (a trigger on the pointer's row).
 */
@ApplicationScoped
public class CommitEvents {

  private final ObjectMapper json;

  CommitEvents(ObjectMapper json) {
    this.json = json;
  }

  /** Where a table's events are about: the resource path a subscription names. */
  public static String resource(String database, String namespace, String table) {
    return "databases/" + database + "/tables/" + namespace + "." + table;
  }

  /**
   * The events of the change from {@code base} (null for a table being created) to {@code committed}, as a
   * JSON array of {@code {type, resource, data}}.
   */
  public String of(String database, String namespace, String table, TableMetadata base, TableMetadata committed) {
    ArrayNode events = json.createArrayNode();
    String resource = resource(database, namespace, table);
    ArrayNode snapshots = json.createArrayNode();
    for (Snapshot snapshot : committed.snapshots()) {
      if (base != null && base.snapshot(snapshot.snapshotId()) != null) {
        continue;
      }
      snapshots.add(snapshot(snapshot));
      String type = dataEvent(snapshot);
      if (type != null) {
        ObjectNode data = table(database, namespace, table).put("snapshotId", snapshot.snapshotId())
            .put("operation", snapshot.operation());
        Map<String, String> summary = snapshot.summary();
        data.put("rowsAdded", count(summary, SnapshotSummary.ADDED_RECORDS_PROP))
            .put("rowsDeleted", count(summary, SnapshotSummary.DELETED_RECORDS_PROP))
            .put("positionDeletesAdded", count(summary, SnapshotSummary.ADDED_POS_DELETES_PROP))
            .put("equalityDeletesAdded", count(summary, SnapshotSummary.ADDED_EQ_DELETES_PROP));
        events.add(event(type, resource, data));
      }
    }
    if (base != null && base.currentSchemaId() != committed.currentSchemaId()) {
      ObjectNode data = table(database, namespace, table).put("schemaId", committed.currentSchemaId())
          .put("previousSchemaId", base.currentSchemaId());
      ArrayNode columns = data.putArray("columns");
      for (Types.NestedField field : committed.schema().columns()) {
        columns.addObject().put("id", field.fieldId()).put("name", field.name()).put("type", field.type().toString())
            .put("nullable", field.isOptional());
      }
      events.add(event(EventTypes.SCHEMA_EVOLVED, resource, data));
    }
    for (Map.Entry<String, SnapshotRef> ref : committed.refs().entrySet()) {
      SnapshotRef before = base == null ? null : base.ref(ref.getKey());
      boolean named = ref.getValue().isTag() || !SnapshotRef.MAIN_BRANCH.equals(ref.getKey());
      if (named && (before == null || before.snapshotId() != ref.getValue().snapshotId())) {
        events.add(event(EventTypes.SNAPSHOT_CREATED, resource, table(database, namespace, table)
            .put("name", ref.getKey()).put("snapshotId", ref.getValue().snapshotId())
            .put("refType", ref.getValue().isTag() ? "tag" : "branch")));
      }
    }
    Snapshot current = committed.currentSnapshot();
    Snapshot previous = base == null ? null : base.currentSnapshot();
    ObjectNode committedData = table(database, namespace, table)
        .put("metadataLocation", committed.metadataFileLocation())
        .put("schemaId", committed.currentSchemaId());
    if (base != null) {
      committedData.put("previousMetadataLocation", base.metadataFileLocation());
    }
    committedData.put("snapshotId", current == null ? null : current.snapshotId())
        .put("previousSnapshotId", previous == null ? null : previous.snapshotId())
        .set("snapshots", snapshots);
    events.add(event(EventTypes.TABLE_COMMITTED, resource, committedData));
    return events.toString();
  }

  /** The event of a view's commit: its new version. */
  public String ofView(String database, String namespace, String view, String metadataLocation) {
    ArrayNode events = json.createArrayNode();
    events.add(event(EventTypes.VIEW_REPLACED, resource(database, namespace, view),
        table(database, namespace, view).put("metadataLocation", metadataLocation)));
    return events.toString();
  }

  /**
   * The seed's data event an Iceberg snapshot operation stands for; none for a rewrite (same rows). An
   * overwrite that leaves fewer rows than it removed deleted rows (a copy-on-write delete rewrites files
   * with the rows that stay); otherwise it updated them.
   */
  static String dataEvent(Snapshot snapshot) {
    String operation = Objects.requireNonNullElse(snapshot.operation(), "");
    long added = count(snapshot.summary(), SnapshotSummary.ADDED_RECORDS_PROP);
    long deleted = count(snapshot.summary(), SnapshotSummary.DELETED_RECORDS_PROP);
    return switch (operation) {
      case "append" -> EventTypes.DATA_INSERTED;
      case "delete" -> EventTypes.DATA_DELETED;
      case "overwrite" -> added == 0 || added < deleted ? EventTypes.DATA_DELETED : EventTypes.DATA_UPDATED;
      default -> null;
    };
  }

  private ObjectNode snapshot(Snapshot snapshot) {
    ObjectNode node = json.createObjectNode().put("snapshotId", snapshot.snapshotId())
        .put("parentId", snapshot.parentId()).put("operation", snapshot.operation())
        .put("timestampMs", snapshot.timestampMillis()).put("sequenceNumber", snapshot.sequenceNumber());
    ObjectNode summary = node.putObject("summary");
    snapshot.summary().forEach(summary::put);
    return node;
  }

  private ObjectNode table(String database, String namespace, String table) {
    return json.createObjectNode().put("database", database).put("namespace", namespace).put("table", table);
  }

  private ObjectNode event(String type, String resource, ObjectNode data) {
    ObjectNode event = json.createObjectNode().put("type", type).put("resource", resource);
    event.set("data", data);
    return event;
  }

  private static long count(Map<String, String> summary, String property) {
    String value = summary == null ? null : summary.get(property);
    try {
      return value == null ? 0 : Long.parseLong(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
