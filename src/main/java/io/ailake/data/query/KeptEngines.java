package io.ailake.data.query;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Scheduler;
import io.ailake.AilakeConfig;
import io.ailake.api.Sha256;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.SchemaParser;
import org.duckdb.DuckDBConnection;
import org.jboss.logging.Logger;

/**
 * Locked-down DuckDB databases kept after a query, for the next query that reads exactly the same
 * views: the same tables of the same database, at the same metadata and snapshot, over the same data
 * and delete files. Such a database may read those files and nothing else, holds those views and
 * nothing else, and its settings are locked; a query only SELECTs, each on a connection of its own. So
 * a kept database shows the next query exactly what a new one would, without the cost of opening it.
 * A database serves one query at a time (its memory limit and threads are that query's, as in a new
 * one); only small reads are kept, a bounded number of them, and one unused for a while is closed.
 */
@ApplicationScoped
public class KeptEngines {

  private static final Logger LOG = Logger.getLogger(KeptEngines.class);

  private final boolean enabled;
  private final long maxData;
  /** Idle databases by the key of what they hold; taking one removes it, so no two queries share one. */
  private final Cache<String, DuckDBConnection> idle;

  KeptEngines(AilakeConfig config) {
    AilakeConfig.Query query = config.query();
    this.enabled = query.keptEngines() > 0;
    this.maxData = query.keptEngineMaxData().asLongValue();
    this.idle = Caffeine.newBuilder()
        .maximumSize(Math.max(0, query.keptEngines()))
        .expireAfterWrite(query.keptEngineIdle())
        .scheduler(Scheduler.systemScheduler())
        .<String, DuckDBConnection>removalListener((key, engine, cause) -> {
          if (cause.wasEvicted()) {
            close(engine);
          }
        })
        .build();
  }

  /**
   * What a database built for {@code tables} holds, as a key; null when such a database is not kept
   * (keeping is off, or the files are larger than a kept database may read).
   */
  String key(UUID database, List<QueryTables.Planned> tables) {
    if (!enabled) {
      return null;
    }
    long bytes = 0;
    StringBuilder key = new StringBuilder(database.toString());
    for (QueryTables.Planned table : tables) {
      String metadata = table.table() instanceof HasTableOperations operations
          ? operations.operations().current().metadataFileLocation() : null;
      if (metadata == null) {
        return null;
      }
      key.append("\n").append(table.name().namespace()).append('\0').append(table.name().table())
          .append('\0').append(metadata).append('\0').append(table.snapshotId())
          .append('\0').append(SchemaParser.toJson(table.schema()));
      for (FileScanTask task : table.tasks()) {
        bytes += task.file().fileSizeInBytes();
        key.append("\n ").append(task.file().location()).append('\0').append(task.file().fileSizeInBytes());
        for (DeleteFile delete : task.deletes()) {
          bytes += delete.fileSizeInBytes();
          key.append('\0').append(delete.location()).append('\0').append(delete.fileSizeInBytes());
        }
      }
      if (bytes > maxData) {
        return null;
      }
    }
    return Sha256.hex(key.toString());
  }

  /** The idle database kept under {@code key}, now the caller's alone; null when there is none. */
  DuckDBConnection take(String key) {
    return idle.asMap().remove(key);
  }

  /** Keeps {@code engine} under {@code key} for the next query; closes it when one is kept already. */
  void giveBack(String key, DuckDBConnection engine) {
    if (idle.asMap().putIfAbsent(key, engine) != null) {
      close(engine);
    }
  }

  @PreDestroy
  void closeAll() {
    List<DuckDBConnection> engines = List.copyOf(idle.asMap().values());
    idle.invalidateAll();
    engines.forEach(KeptEngines::close);
  }

  static void close(DuckDBConnection engine) {
    try {
      engine.close();
    } catch (SQLException e) {
      LOG.debugf("A kept query engine did not close cleanly: %s", e.getMessage());
    }
  }
}
