package io.ailake.logs;

import java.util.UUID;

/** What a log is of: an organization's operation, pipe table, sync or database instance. */
public record LogSubject(UUID organizationId, Kind kind, String id) {

  public enum Kind {
    OPERATION,
    PIPE_TABLE,
    SYNC,
    DATABASE_INSTANCE
  }

  /** An operation, by the public id its client polls. */
  public static LogSubject operation(UUID organizationId, String operationId) {
    return new LogSubject(organizationId, Kind.OPERATION, operationId);
  }

  /** A pipe table, by its row's id: a table made again under the same name starts a log of its own. */
  public static LogSubject pipeTable(UUID organizationId, UUID pipeTableId) {
    return new LogSubject(organizationId, Kind.PIPE_TABLE, pipeTableId.toString());
  }

  public static LogSubject sync(UUID organizationId, long syncId) {
    return new LogSubject(organizationId, Kind.SYNC, Long.toString(syncId));
  }

  /** A database instance, by its warehouse's id. */
  public static LogSubject database(UUID organizationId, UUID warehouseId) {
    return new LogSubject(organizationId, Kind.DATABASE_INSTANCE, warehouseId.toString());
  }
}
