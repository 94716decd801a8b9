package io.ailake.data.rows;

import io.ailake.api.ApiException;
import java.util.UUID;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;

/**
 * Commits a row change through the table's one commit path and says which snapshot it made: the change
 * carries a marker in its snapshot summary, found from the table's head after the commit (writers of one
 * table may commit in one turn, so the head can be a later writer's snapshot).
 */
final class RowCommits {

  static final String MARKER = "ailake.rows-change";

  private RowCommits() {}

  /**
   * Commits {@code update}; Iceberg retries a lost race and validates the change against what committed
   * meanwhile. A change that conflicts with it is a 409, and the new files are Iceberg's to clean up
   * (its manifests) or the caller's (its data and delete files).
   */
  static <T> long commit(Table table, SnapshotUpdate<T> update, String operation) {
    String marker = UUID.randomUUID().toString();
    update.set(MARKER, operation + ":" + marker);
    try {
      update.commit();
    } catch (ValidationException e) {
      throw ApiException.conflict("The %s conflicts with a change committed meanwhile: %s; retry it", operation,
          e.getMessage());
    } catch (CommitFailedException e) {
      throw ApiException.conflict("The %s lost every attempt to commit against concurrent changes: %s; retry it",
          operation, e.getMessage());
    }
    // Iceberg's commit refreshed the table: its head is this change's snapshot or a later writer's
    for (Snapshot snapshot = table.currentSnapshot(); snapshot != null;
        snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId())) {
      if ((operation + ":" + marker).equals(snapshot.summary().get(MARKER))) {
        return snapshot.snapshotId();
      }
    }
    throw new IllegalStateException("The committed " + operation + " is not in the history of " + table.name());
  }
}
