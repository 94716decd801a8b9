package io.ailake.iceberg;

import io.ailake.auth.CallRecords;
import io.ailake.events.CommitEvents;
import io.ailake.postgres.RequestPathSql;
import io.ailake.storage.FileIOs;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.rest.requests.CreateTableRequest;
import org.apache.iceberg.rest.requests.RegisterTableRequest;
import org.apache.iceberg.rest.requests.RenameTableRequest;
import org.apache.iceberg.rest.responses.LoadTableResponse;

/** Table routes other than commits: list, create, register, load, drop, rename, unregister. */
@ApplicationScoped
public class TableService {

  private final FileIOs fileIOs;
  private final MetadataFiles metadataFiles;
  private final RequestPathSql sql;
  private final CatalogObjects objects;
  private final WarehouseService warehouses;
  private final CallRecords calls;
  private final CommitEvents events;

  TableService(FileIOs fileIOs, MetadataFiles metadataFiles, RequestPathSql sql,
      CatalogObjects objects, WarehouseService warehouses, CallRecords calls, CommitEvents events) {
    this.calls = calls;
    this.events = events;
    this.warehouses = warehouses;
    this.sql = sql;
    this.objects = objects;
    this.fileIOs = fileIOs;
    this.metadataFiles = metadataFiles;
  }

  /** The body of a list answer: a page of the namespace's tables. */
  public byte[] list(Warehouse warehouse, Namespace namespace, Page page) {
    return listObjects(warehouse, namespace, CatalogObject.Kind.TABLE, page);
  }

  /**
   * A page of the warehouse's tables across its namespaces (or of one namespace), by namespace, then name:
   * the AI Lake API's list, which pages by offset as its other lists do.
   */
  public List<TableIdentifier> listAll(Warehouse warehouse, Namespace namespace, int limit, int offset) {
    String only = namespace == null ? null : NamespaceKeys.key(namespace);
    return sql.all(
        "SELECT namespace, name FROM catalog_object WHERE warehouse_id = ? AND kind = 'TABLE'"
            + " AND (CAST(? AS text) IS NULL OR namespace = ?)"
            + " ORDER BY namespace COLLATE \"C\", name COLLATE \"C\" LIMIT ? OFFSET ?",
        row -> TableIdentifier.of(NamespaceKeys.fromKey(row.getString(1)), row.getString(2)),
        warehouse.id, only, only, limit, offset);
  }

  /** How many tables {@link #listAll} pages through. */
  public long countAll(Warehouse warehouse, Namespace namespace) {
    String only = namespace == null ? null : NamespaceKeys.key(namespace);
    return sql.first(
            "SELECT count(*) FROM catalog_object WHERE warehouse_id = ? AND kind = 'TABLE'"
                + " AND (CAST(? AS text) IS NULL OR namespace = ?)",
            row -> row.getLong(1), warehouse.id, only, only)
        .orElse(0L);
  }

  /**
   * A page of the namespace's tables or views in name order, in one statement that also tells a
   * missing namespace (no row) from an empty one (one row without a name).
   */
  byte[] listObjects(Warehouse warehouse, Namespace namespace, CatalogObject.Kind kind, Page page) {
    if (namespace.isEmpty()) {
      throw NamespaceService.noSuchNamespace(namespace);
    }
    List<String> rows = sql.all(
        "SELECT o.name FROM namespace n LEFT JOIN LATERAL (SELECT c.name FROM catalog_object c"
            + " WHERE c.warehouse_id = n.warehouse_id AND c.namespace = n.name AND c.kind = ? AND c.name > ?"
            + " ORDER BY c.name LIMIT ?) o ON true WHERE n.warehouse_id = ? AND n.name = ?",
        row -> row.getString(1),
        kind.name(), page.afterKey(), page.fetchSize(), warehouse.id, NamespaceKeys.key(namespace));
    if (rows.isEmpty()) {
      throw NamespaceService.noSuchNamespace(namespace);
    }
    List<String> names = rows.get(0) == null ? List.of() : rows;
    Page.Result<String> result = page.cut(names, name -> name);
    return IcebergJson.listTables(namespace, result.items(), result.nextPageToken());
  }

  /**
   * Creates a table (or stages its creation): the metadata file first, then the pointer in the one
   * statement that also keeps the call's answer for its idempotency key, so no PostgreSQL transaction or
   * connection is held while object storage writes. A repeated call (its key has an answer) is told so by
   * that statement, or by the name it finds taken, and replays the answer; a file it wrote is deleted.
   */
  public TableMetadata create(Warehouse warehouse, Namespace namespace, CreateTableRequest request) {
    request.validate();
    TableIdentifier identifier = TableIdentifier.of(namespace, request.name());
    CatalogObjects.FreeName free = objects.checkFree(warehouse, identifier, CatalogObject.Kind.TABLE);
    String location =
        request.location() != null
            ? MetadataFiles.stripSlash(request.location())
            : defaultLocation(warehouse, free, identifier);
    TableMetadata metadata =
        TableMetadata.newTableMetadata(
            request.schema(),
            request.spec() != null ? request.spec() : PartitionSpec.unpartitioned(),
            request.writeOrder() != null ? request.writeOrder() : SortOrder.unsorted(),
            location,
            request.properties());
    OrganizationLocations.require(warehouse, metadata);
    if (request.stageCreate()) {
      CallRecords.Call call = calls.current();
      if (call != null) {
        calls.keepInTransaction(call, 200, MediaType.APPLICATION_JSON, Map.of(), answer(metadata));
      }
      return metadata;
    }
    FileIO io = io(warehouse);
    TableMetadata written = metadataFiles.writeTable(io, metadata, null);
    try {
      objects.insertAnswering(warehouse, identifier, CatalogObject.Kind.TABLE, written.metadataFileLocation(),
          answer(written), Map.of(HttpHeaders.ETAG, ETags.of(written.metadataFileLocation(), SnapshotMode.ALL)));
    } catch (RuntimeException e) {
      io.deleteFile(written.metadataFileLocation());
      throw e;
    }
    return written;
  }

  private String answer(TableMetadata metadata) {
    return new String(loadResultJson(metadata, SnapshotMode.ALL), StandardCharsets.UTF_8);
  }

  /** Tables get {@code <namespace location>/<table>-<uuid>}: a re-created table never reuses a location. */
  static String defaultLocation(Warehouse warehouse, CatalogObjects.FreeName free, TableIdentifier identifier) {
    String parent = NamespaceService.location(warehouse, identifier.namespace(),
        free.namespaceLocation() == null ? Map.of() : Map.of(NamespaceService.LOCATION, free.namespaceLocation()));
    return parent + "/" + segment(identifier.name()) + "-" + UUID.randomUUID();
  }

  /**
   * A name as the start of a directory name: at most 200 UTF-8 bytes of it, so that with the UUID it fits
   * the 255 bytes a file system allows for one (the UUID keeps cut names apart).
   */
  static String segment(String name) {
    int bytes = 0;
    int end = 0;
    while (end < name.length()) {
      int c = name.codePointAt(end);
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      if (bytes > 200) {
        break;
      }
      end += Character.charCount(c);
    }
    return name.substring(0, end);
  }

  public TableMetadata register(
      Warehouse warehouse, Namespace namespace, RegisterTableRequest request) {
    request.validate();
    TableIdentifier identifier = TableIdentifier.of(namespace, request.name());
    // the file is not read before its location is known to be the organization's
    OrganizationLocations.require(warehouse, request.metadataLocation());
    TableMetadata metadata = metadataFiles.readTable(io(warehouse), request.metadataLocation());
    OrganizationLocations.require(warehouse, metadata);
    if (request.overwrite()) {
      NamespaceService.require(warehouse, namespace);
      var existing = objects.find(warehouse, identifier);
      if (existing.isPresent()) {
        CatalogObjects.Pointer current = existing.get();
        if (current.kind() != CatalogObject.Kind.TABLE) {
          throw CatalogObjects.alreadyExists(identifier, current.kind(), CatalogObject.Kind.TABLE);
        }
        TableMetadata replaced = metadataFiles.readTable(io(warehouse), current.metadataLocation());
        boolean swapped = objects.swap(current, request.metadataLocation(), events.of(warehouse.name,
            String.join(".", namespace.levels()), identifier.name(), replaced, metadata));
        if (!swapped) {
          throw new org.apache.iceberg.exceptions.CommitFailedException(
              "Table %s changed while it was being registered again", identifier);
        }
        return metadata;
      }
    } else {
      objects.checkFree(warehouse, identifier, CatalogObject.Kind.TABLE);
    }
    objects.insert(warehouse, identifier, CatalogObject.Kind.TABLE, request.metadataLocation());
    return metadata;
  }

  /** The metadata a location holds: cached, or read and parsed once. */
  public TableMetadata load(Warehouse warehouse, String metadataLocation) {
    return metadataFiles.readTable(io(warehouse), metadataLocation);
  }

  /**
   * Fails unless the metadata file is still there, for answering a matching If-None-Match without
   * reading or parsing it: "not modified" is never the answer for a table whose metadata is gone.
   */
  public void requireStillThere(Warehouse warehouse, String metadataLocation) {
    if (!metadataFiles.stillExists(io(warehouse), metadataLocation)) {
      throw new NotFoundException("Failed to open input stream for file: %s", metadataLocation);
    }
  }

  public boolean exists(Warehouse warehouse, TableIdentifier identifier) {
    return objects.find(warehouse, identifier)
        .filter(o -> o.kind() == CatalogObject.Kind.TABLE)
        .isPresent();
  }

  /**
   * Removes the table from the catalog. With {@code purge}, a durable job deletes its files in the
   * background; it is queued in the same statement, so a crash cannot forget it.
   */
  public void drop(UUID organizationId, String warehouseName, TableIdentifier identifier, boolean purge) {
    warehouses.drop(organizationId, warehouseName, identifier, CatalogObject.Kind.TABLE, purge);
  }

  /** Removes the table from the catalog and keeps its files; answers its last metadata. */
  public LoadTableResponse unregister(Warehouse warehouse, TableIdentifier identifier) {
    CatalogObjects.Pointer table = objects.requireTable(warehouse, identifier);
    TableMetadata metadata = metadataFiles.readTable(io(warehouse), table.metadataLocation());
    if (!objects.deleteUnchanged(table)) {
      throw new org.apache.iceberg.exceptions.CommitFailedException(
          "Table %s changed while it was being unregistered; retry", identifier);
    }
    return response(metadata);
  }

  public void rename(Warehouse warehouse, RenameTableRequest request) {
    renameObject(warehouse, request, CatalogObject.Kind.TABLE);
  }

  void renameObject(Warehouse warehouse, RenameTableRequest request, CatalogObject.Kind kind) {
    request.validate();
    TableIdentifier source = request.source();
    TableIdentifier destination = request.destination();
    CatalogObjects.Pointer object =
        kind == CatalogObject.Kind.TABLE
            ? objects.requireTable(warehouse, source)
            : objects.requireView(warehouse, source);
    NamespaceService.require(warehouse, destination.namespace());
    objects.find(warehouse, destination)
        .ifPresent(
            existing -> {
              throw new org.apache.iceberg.exceptions.AlreadyExistsException(
                  "Cannot rename %s to %s. %s already exists",
                  source,
                  destination,
                  existing.kind() == CatalogObject.Kind.TABLE ? "Table" : "View");
            });
    // another request may take the name or drop the namespace meanwhile: the statement tells
    objects.rename(object, source, destination);
  }

  public void checkExists(Warehouse warehouse, TableIdentifier identifier) {
    if (!exists(warehouse, identifier)) {
      throw new NoSuchTableException("Table does not exist: %s", identifier);
    }
  }

  /** The body of a load, create or commit answer: Iceberg's LoadTableResult with cached metadata JSON. */
  byte[] loadResultJson(TableMetadata metadata, SnapshotMode mode) {
    return metadataFiles.loadAnswer(metadata, mode);
  }

  LoadTableResponse response(TableMetadata metadata) {
    return LoadTableResponse.builder()
        .withTableMetadata(metadata)
        .build();
  }

  FileIO io(Warehouse warehouse) {
    return fileIOs.forStorage(warehouse.storage());
  }
}
