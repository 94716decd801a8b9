package io.ailake.iceberg;

import io.ailake.AilakeConfig;
import io.ailake.api.Names;
import io.ailake.api.RequestIds;
import io.ailake.auth.Caller;
import io.ailake.auth.CallRecords;
import io.ailake.postgres.NamedSql;
import io.ailake.postgres.RequestPathSql;
import io.ailake.storage.LocalFileIO;
import io.ailake.storage.Storage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NoSuchViewException;
import org.apache.iceberg.exceptions.NoSuchWarehouseException;

/** Resolves the warehouse a request names, and registers warehouses. */
@ApplicationScoped
public class WarehouseService {

  /** A warehouse's columns, then one more that the statement adds. */
  private static final String COLUMNS = "SELECT id, organization_id, name, location, storage_type, s3_endpoint,"
      + " s3_region, s3_path_style, state, state_detail,"
      + " (SELECT ws.storage_id FROM warehouse_storage ws WHERE ws.warehouse_id = w.id AND ws.position = 0),";
  /** Namespace key, table name, organization; then a condition on the warehouse. */
  private static final String SELECT = COLUMNS
      + " (SELECT o.metadata_location FROM catalog_object o WHERE o.warehouse_id = w.id AND o.namespace = ?"
      + " AND o.name = ? AND o.kind = 'TABLE') FROM warehouse w WHERE organization_id = ?";
  /** The warehouse {@code :warehouse} of {@code :organization} when it is ready, as the first expression of a change. */
  static final String READY_WAREHOUSE = "w AS (SELECT id, organization_id FROM warehouse"
      + " WHERE organization_id = :organization AND name = :warehouse AND state = '" + Warehouse.READY + "'),";

  /** The change of a drop (see {@link CallRecords}), answered 404 with {@code :missing} when there is none. */
  private static final NamedSql DROP = NamedSql.of(READY_WAREHOUSE
      + " dropped AS (DELETE FROM catalog_object WHERE warehouse_id = (SELECT id FROM w) AND namespace = :namespace"
      + " AND name = :name AND kind = :kind AND NOT EXISTS (SELECT 1 FROM earlier) RETURNING metadata_location),"
      + " purge AS (INSERT INTO job (organization_id, kind, payload) SELECT w.organization_id, '"
      + PurgeTableJob.KIND + "', jsonb_build_object('" + PurgeTableJob.WAREHOUSE_ID + "', CAST(w.id AS text), '"
      + PurgeTableJob.METADATA_LOCATION + "', d.metadata_location) FROM w, dropped d WHERE :purge),"
      + " answer AS (SELECT CASE WHEN EXISTS (SELECT 1 FROM dropped) THEN 204 WHEN EXISTS (SELECT 1 FROM w)"
      + " THEN 404 END AS status, CASE WHEN NOT EXISTS (SELECT 1 FROM dropped) THEN :missing END AS body)");

  private final AilakeConfig config;
  private final Caller caller;
  private final RequestPathSql sql;
  private final CallRecords calls;

  WarehouseService(AilakeConfig config, Caller caller, RequestPathSql sql, CallRecords calls) {
    this.config = config;
    this.caller = caller;
    this.sql = sql;
    this.calls = calls;
  }

  /**
   * The caller's warehouse named {@code name}; without a name, the configured default one, or else the
   * organization's first by name. Only a ready warehouse serves the catalog: one being provisioned or
   * deleted does not exist for engines. Another organization's warehouse does not exist either. Every
   * Iceberg request resolves one, so it is a plain read and the result is a snapshot, not a managed entity.
   */
  public Warehouse resolve(String name) {
    return resolve(name, null).warehouse();
  }

  /**
   * A warehouse and the metadata location of one of its tables or views (null when there is none): the
   * committed one for a load, the one removed for a drop.
   */
  public record TablePointer(Warehouse warehouse, String metadataLocation) {}

  /**
   * {@link #resolve(String)} and, in the same statement, the pointer of {@code table} (when not null):
   * a table load is one round trip to PostgreSQL after its token's.
   */
  public TablePointer resolve(String name, TableIdentifier table) {
    UUID organizationId = caller.organizationId();
    boolean unnamed = name == null || name.isBlank();
    String wanted = unnamed ? config.warehouse().name() : name;
    String namespace = table == null ? null : NamespaceKeys.key(table.namespace());
    String tableName = table == null ? null : table.name();
    TablePointer found =
        sql.first(SELECT + " AND name = ?", WarehouseService::pointer, namespace, tableName, organizationId, wanted)
            .or(() -> unnamed
                ? sql.first(SELECT + " ORDER BY name LIMIT 1", WarehouseService::pointer, namespace, tableName,
                    organizationId)
                : Optional.empty())
            .orElseThrow(() -> new NoSuchWarehouseException("Warehouse does not exist: %s", wanted));
    requireReady(found.warehouse());
    return found;
  }

  /**
   * The warehouse of {@code organizationId} that {@code idOrName} names (by id, else by name), in whatever
   * state, as the AI Lake API's {@code instanceId} does; like {@link #resolve(String)} a plain read.
   */
  public Optional<Warehouse> find(UUID organizationId, String idOrName) {
    String select = COLUMNS + " NULL FROM warehouse w WHERE organization_id = ?";
    return io.ailake.api.Names.asUuid(idOrName)
        .flatMap(id -> sql.first(select + " AND id = ?", WarehouseService::snapshot, organizationId, id))
        .or(() -> sql.first(select + " AND name = ?", WarehouseService::snapshot, organizationId, idOrName));
  }

  /**
   * Removes a table or view of the named warehouse (the default one without a name), and with {@code
   * purge} queues the deletion of its files ({@link PurgeTableJob}), in one statement that also keeps
   * the call's idempotency key and audit record: a drop is one round trip to PostgreSQL.
   */
  void drop(UUID organizationId, String name, TableIdentifier identifier, CatalogObject.Kind kind, boolean purge) {
    String wanted = named(name);
    boolean table = kind == CatalogObject.Kind.TABLE;
    String missing = (table ? "Table" : "View") + " does not exist: " + identifier;
    OptionalInt status = calls.run(DROP, NamedSql.parameters()
        .set("organization", organizationId).set("warehouse", wanted)
        .set("namespace", NamespaceKeys.key(identifier.namespace())).set("name", identifier.name())
        .set("kind", kind.name()).set("purge", purge)
        .set("missing", IcebergErrors.body(table ? NoSuchTableException.class : NoSuchViewException.class, missing,
            RequestIds.current())));
    if (status.isEmpty()) {
      throw notReady(wanted);
    }
    if (status.getAsInt() == 404) {
      throw table ? new NoSuchTableException("%s", missing) : new NoSuchViewException("%s", missing);
    }
  }

  /** The name a one-statement change looks the warehouse up by: the default one's without a name. */
  String named(String name) {
    return name == null || name.isBlank() ? resolve(name).name : name;
  }

  /** Why a one-statement change found no ready warehouse of that name (see {@link #READY_WAREHOUSE}). */
  NoSuchWarehouseException notReady(String name) {
    resolve(name);
    return new NoSuchWarehouseException("Warehouse is not ready: %s", name);
  }

  private static void requireReady(Warehouse warehouse) {
    if (!Warehouse.READY.equals(warehouse.state)) {
      throw new NoSuchWarehouseException("Warehouse is not ready: %s (%s)", warehouse.name, warehouse.state);
    }
  }

  private static TablePointer pointer(ResultSet row) throws SQLException {
    return new TablePointer(snapshot(row), row.getString(12));
  }

  private static Warehouse snapshot(ResultSet row) throws SQLException {
    Warehouse warehouse = new Warehouse();
    warehouse.id = row.getObject(1, UUID.class);
    warehouse.organizationId = row.getObject(2, UUID.class);
    warehouse.name = row.getString(3);
    warehouse.location = row.getString(4);
    warehouse.storageType = Storage.Type.valueOf(row.getString(5));
    warehouse.s3Endpoint = row.getString(6);
    warehouse.s3Region = row.getString(7);
    warehouse.s3PathStyle = row.getBoolean(8);
    warehouse.state = row.getString(9);
    warehouse.stateDetail = row.getString(10);
    warehouse.storageId = row.getObject(11, UUID.class);
    return warehouse;
  }

  public String defaultWarehouseName() {
    return config.warehouse().name();
  }

  /** Registers a warehouse rooted at {@code location} (a directory, file: URI or s3:// URI). */
  @Transactional
  public Warehouse create(UUID organizationId, String name, String location, Storage storage) {
    if (!Names.isValid(name)) {
      throw new IllegalArgumentException("Invalid warehouse name: " + name + " (" + Names.RULE + ")");
    }
    if (Warehouse.findByName(organizationId, name).isPresent()) {
      throw new AlreadyExistsException("Warehouse already exists: %s", name);
    }
    Warehouse warehouse = new Warehouse();
    warehouse.id = UUID.randomUUID();
    warehouse.organizationId = organizationId;
    warehouse.name = name;
    warehouse.location = normalizeLocation(location, storage.type());
    warehouse.storageType = storage.type();
    warehouse.s3Endpoint = storage.endpoint();
    warehouse.s3Region = storage.region();
    warehouse.s3PathStyle = storage.pathStyleAccess();
    warehouse.persist();
    return warehouse;
  }

  /** Local directories become absolute {@code file:} URIs (created if missing); no trailing slash. */
  static String normalizeLocation(String location, Storage.Type type) {
    String trimmed = MetadataFiles.stripSlash(location.trim());
    if (type == Storage.Type.S3) {
      return trimmed;
    }
    Path dir = LocalFileIO.parse(trimmed).toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the warehouse directory " + dir, e);
    }
    return LocalFileIO.location(dir);
  }
}
