package io.ailake.data;

import io.ailake.api.ApiException;
import io.ailake.auth.Caller;
import io.ailake.iceberg.ServerTables;
import io.ailake.iceberg.Warehouse;
import io.ailake.iceberg.WarehouseService;
import io.ailake.lake.DatabaseInstances;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Arrays;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;

/**
 * The tables of the caller's database instances, for the routes that work on rows: every one of them
 * finds its database and its table here, so a table of another organization is never reached.
 */
@ApplicationScoped
public class DatabaseTables {

  private final Caller caller;
  private final ServerTables serverTables;
  private final WarehouseService warehouses;

  DatabaseTables(Caller caller, ServerTables serverTables, WarehouseService warehouses) {
    this.caller = caller;
    this.serverTables = serverTables;
    this.warehouses = warehouses;
  }

  /**
   * The caller's ready database that {@code instanceId} names (by id or name); else a 404 or a 409. A
   * plain read, no transaction: every row and query route starts here.
   */
  public Warehouse database(String instanceId) {
    Warehouse warehouse = warehouses.find(caller.organizationId(), instanceId)
        .orElseThrow(() -> ApiException.notFound("Database instance %s does not exist", instanceId));
    DatabaseInstances.requireReady(warehouse);
    return warehouse;
  }

  /** The table, loaded with Iceberg's Table API over this catalog; a 404 when it does not exist. */
  public Table load(Warehouse database, TableIdentifier identifier) {
    try {
      return serverTables.load(database, identifier);
    } catch (NoSuchTableException e) {
      throw ApiException.notFound("Table %s does not exist in database %s", identifier, database.name);
    }
  }

  /** {@code namespace} as a path or a parameter gives it: levels separated by dots. */
  public static Namespace namespace(String namespace) {
    if (namespace == null || namespace.isBlank()) {
      throw ApiException.badRequest("A namespace is required");
    }
    String[] levels = namespace.split("\\.", -1);
    if (Arrays.stream(levels).anyMatch(String::isBlank)) {
      throw ApiException.badRequest("Invalid namespace '%s': levels are separated by single dots", namespace);
    }
    return Namespace.of(levels);
  }

  public static TableIdentifier identifier(String namespace, String table) {
    if (table == null || table.isBlank()) {
      throw ApiException.badRequest("A table name is required");
    }
    return TableIdentifier.of(namespace(namespace), table);
  }
}
