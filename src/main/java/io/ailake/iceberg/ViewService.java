package io.ailake.iceberg;

import io.ailake.events.CommitEvents;
import io.ailake.storage.FileIOs;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.MetadataUpdate;
import org.apache.iceberg.UpdateRequirement;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.rest.requests.CreateViewRequest;
import org.apache.iceberg.rest.requests.RegisterViewRequest;
import org.apache.iceberg.rest.requests.RenameTableRequest;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.apache.iceberg.rest.responses.ImmutableLoadViewResponse;
import org.apache.iceberg.rest.responses.LoadViewResponse;
import org.apache.iceberg.view.ViewMetadata;

/** View routes: list, create, register, load, commit, drop, rename. */
@ApplicationScoped
public class ViewService {

  private final FileIOs fileIOs;
  private final MetadataFiles metadataFiles;
  private final CommitRetry retry;
  private final TableService tables;
  private final CatalogObjects objects;
  private final WarehouseService warehouses;
  private final CommitEvents events;

  ViewService(FileIOs fileIOs, MetadataFiles metadataFiles, CommitRetry retry, TableService tables,
      CatalogObjects objects, WarehouseService warehouses, CommitEvents events) {
    this.events = events;
    this.warehouses = warehouses;
    this.objects = objects;
    this.fileIOs = fileIOs;
    this.metadataFiles = metadataFiles;
    this.retry = retry;
    this.tables = tables;
  }

  /** The body of a list answer: a page of the namespace's views. */
  public byte[] list(Warehouse warehouse, Namespace namespace, Page page) {
    return tables.listObjects(warehouse, namespace, CatalogObject.Kind.VIEW, page);
  }

  /**
   * Creates a view: the metadata file first, then the pointer in the one statement that also keeps the
   * call's answer (the body returned here) for its idempotency key, as {@link TableService#create} does.
   */
  public byte[] create(Warehouse warehouse, Namespace namespace, CreateViewRequest request) {
    request.validate();
    TableIdentifier identifier = TableIdentifier.of(namespace, request.name());
    CatalogObjects.FreeName free = objects.checkFree(warehouse, identifier, CatalogObject.Kind.VIEW);
    String location =
        request.location() != null
            ? MetadataFiles.stripSlash(request.location())
            : TableService.defaultLocation(warehouse, free, identifier);
    ViewMetadata metadata;
    try {
      metadata = ViewMetadata.builder()
          .assignUUID(UUID.randomUUID().toString())
          .setLocation(location)
          .setProperties(request.properties())
          .setCurrentVersion(request.viewVersion(), request.schema())
          .build();
    } catch (IllegalStateException refused) {
      throw new BadRequestException("Invalid view: %s", refused.getMessage());
    }
    OrganizationLocations.require(warehouse, metadata);
    FileIO io = io(warehouse);
    ViewMetadata written = metadataFiles.writeView(io, metadata, null);
    byte[] answer = IcebergJson.write(response(written));
    try {
      objects.insertAnswering(warehouse, identifier, CatalogObject.Kind.VIEW, written.metadataFileLocation(),
          new String(answer, StandardCharsets.UTF_8), Map.of());
    } catch (RuntimeException e) {
      io.deleteFile(written.metadataFileLocation());
      throw e;
    }
    return answer;
  }

  public LoadViewResponse register(Warehouse warehouse, Namespace namespace, RegisterViewRequest request) {
    request.validate();
    TableIdentifier identifier = TableIdentifier.of(namespace, request.name());
    objects.checkFree(warehouse, identifier, CatalogObject.Kind.VIEW);
    // the file is not read before its location is known to be the organization's
    OrganizationLocations.require(warehouse, request.metadataLocation());
    ViewMetadata metadata = metadataFiles.readView(io(warehouse), request.metadataLocation());
    OrganizationLocations.require(warehouse, metadata);
    objects.insert(warehouse, identifier, CatalogObject.Kind.VIEW, request.metadataLocation());
    return response(metadata);
  }

  public LoadViewResponse load(Warehouse warehouse, TableIdentifier identifier) {
    CatalogObjects.Pointer view = objects.requireView(warehouse, identifier);
    return response(metadataFiles.readView(io(warehouse), view.metadataLocation()));
  }

  public void checkExists(Warehouse warehouse, TableIdentifier identifier) {
    objects.requireView(warehouse, identifier);
  }

  /** Same protocol as table commits: requirements against the current state, then compare-and-swap. */
  public LoadViewResponse commit(Warehouse warehouse, TableIdentifier identifier, UpdateTableRequest request) {
    FileIO io = io(warehouse);
    for (int attempt = 1; ; attempt++) {
      CatalogObjects.Pointer pointer = objects.requireView(warehouse, identifier);
      ViewMetadata base = metadataFiles.readView(io, pointer.metadataLocation());
      for (UpdateRequirement requirement : request.requirements()) {
        requirement.validate(base);
      }
      ViewMetadata updated = apply(base, request);
      if (updated.changes().isEmpty()) {
        return response(base);
      }
      OrganizationLocations.requireMoved(warehouse, base, updated);
      ViewMetadata written = metadataFiles.writeView(io, updated, pointer.metadataLocation());
      boolean swapped = objects.swap(pointer, written.metadataFileLocation(), events.ofView(warehouse.name,
          String.join(".", identifier.namespace().levels()), identifier.name(), written.metadataFileLocation()));
      if (swapped) {
        return response(written);
      }
      io.deleteFile(written.metadataFileLocation());
      retry.lostRace(identifier, attempt);
    }
  }

  /**
   * The view after the request's updates. Iceberg's builder refuses some (a new version that drops a
   * dialect while {@code replace.drop-dialect.allowed} is false) with IllegalStateException: a refusal of
   * the request, not a fault of ours.
   */
  private static ViewMetadata apply(ViewMetadata base, UpdateTableRequest request) {
    try {
      ViewMetadata.Builder builder = ViewMetadata.buildFrom(base);
      for (MetadataUpdate update : request.updates()) {
        update.applyTo(builder);
      }
      return builder.build();
    } catch (IllegalStateException refused) {
      throw new BadRequestException("Invalid view update: %s", refused.getMessage());
    }
  }

  public void drop(UUID organizationId, String warehouseName, TableIdentifier identifier) {
    warehouses.drop(organizationId, warehouseName, identifier, CatalogObject.Kind.VIEW, false);
  }

  public void rename(Warehouse warehouse, RenameTableRequest request) {
    tables.renameObject(warehouse, request, CatalogObject.Kind.VIEW);
  }

  private LoadViewResponse response(ViewMetadata metadata) {
    return ImmutableLoadViewResponse.builder()
        .metadataLocation(metadata.metadataFileLocation())
        .metadata(metadata)
        .build();
  }

  private FileIO io(Warehouse warehouse) {
    return fileIOs.forStorage(warehouse.storage());
  }
}
