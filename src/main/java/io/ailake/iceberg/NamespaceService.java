package io.ailake.iceberg;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.UnprocessableEntityException;
import org.apache.iceberg.rest.requests.CreateNamespaceRequest;
import org.apache.iceberg.rest.requests.UpdateNamespacePropertiesRequest;
import org.apache.iceberg.rest.responses.CreateNamespaceResponse;
import org.apache.iceberg.rest.responses.GetNamespaceResponse;
import org.apache.iceberg.rest.responses.ListNamespacesResponse;
import org.apache.iceberg.rest.responses.UpdateNamespacePropertiesResponse;

/** Namespace routes: list, create, load and property updates (a drop is one statement: WarehouseService). */
@ApplicationScoped
public class NamespaceService {

  @Transactional
  public ListNamespacesResponse list(Warehouse warehouse, Namespace parent, Page page) {
    String parentKey = NamespaceKeys.key(parent);
    if (!parent.isEmpty() && !NamespaceRecord.exists(warehouse.id, parentKey)) {
      throw noSuchNamespace(parent);
    }
    Page.Result<NamespaceRecord> result =
        page.cut(
            NamespaceRecord.children(warehouse.id, parentKey, page.afterKey(), page.fetchSize()),
            ns -> ns.name);
    ListNamespacesResponse.Builder response = ListNamespacesResponse.builder();
    result.items().forEach(ns -> response.add(NamespaceKeys.fromKey(ns.name)));
    return response.nextPageToken(result.nextPageToken()).build();
  }

  @Transactional
  public CreateNamespaceResponse create(Warehouse warehouse, CreateNamespaceRequest request) {
    request.validate();
    Namespace namespace = request.namespace();
    checkValid(namespace);
    String key = NamespaceKeys.key(namespace);
    if (NamespaceRecord.exists(warehouse.id, key)) {
      throw new AlreadyExistsException("Namespace already exists: %s", namespace);
    }
    String parentKey = NamespaceKeys.parentKey(namespace);
    if (!parentKey.isEmpty() && !NamespaceRecord.exists(warehouse.id, parentKey)) {
      throw new NoSuchNamespaceException(
          "Namespace does not exist: %s", NamespaceKeys.fromKey(parentKey));
    }
    NamespaceRecord record = new NamespaceRecord();
    record.warehouseId = warehouse.id;
    record.organizationId = warehouse.organizationId;
    record.name = key;
    record.parent = parentKey;
    record.properties = new HashMap<>(request.properties());
    record.persist();
    return CreateNamespaceResponse.builder()
        .withNamespace(namespace)
        .setProperties(record.properties)
        .build();
  }

  @Transactional
  public GetNamespaceResponse load(Warehouse warehouse, Namespace namespace) {
    NamespaceRecord record = require(warehouse, namespace);
    return GetNamespaceResponse.builder()
        .withNamespace(namespace)
        .setProperties(record.properties)
        .build();
  }

  @Transactional
  public boolean exists(Warehouse warehouse, Namespace namespace) {
    return !namespace.isEmpty() && NamespaceRecord.exists(warehouse.id, NamespaceKeys.key(namespace));
  }

  @Transactional
  public UpdateNamespacePropertiesResponse updateProperties(
      Warehouse warehouse, Namespace namespace, UpdateNamespacePropertiesRequest request) {
    request.validate();
    Set<String> removals = new HashSet<>(request.removals());
    Map<String, String> updates = request.updates();
    Set<String> both = new HashSet<>(removals);
    both.retainAll(updates.keySet());
    if (!both.isEmpty()) {
      throw new UnprocessableEntityException(
          "Invalid namespace properties update: cannot remove and set the same keys: %s", both);
    }
    NamespaceRecord record = require(warehouse, namespace);
    Map<String, String> properties = new HashMap<>(record.properties);
    UpdateNamespacePropertiesResponse.Builder response = UpdateNamespacePropertiesResponse.builder();
    for (String key : removals) {
      if (properties.remove(key) != null) {
        response.addRemoved(key);
      } else {
        response.addMissing(key);
      }
    }
    properties.putAll(updates);
    response.addUpdated(updates.keySet());
    record.properties = properties;
    return response.build();
  }

  /** The namespace's row, or 404. */
  static NamespaceRecord require(Warehouse warehouse, Namespace namespace) {
    if (namespace.isEmpty()) {
      throw noSuchNamespace(namespace);
    }
    return NamespaceRecord.find(warehouse.id, NamespaceKeys.key(namespace))
        .orElseThrow(() -> noSuchNamespace(namespace));
  }

  static NoSuchNamespaceException noSuchNamespace(Namespace namespace) {
    return new NoSuchNamespaceException("Namespace does not exist: %s", namespace);
  }

  private static void checkValid(Namespace namespace) {
    if (namespace.isEmpty()) {
      throw new IllegalArgumentException("Invalid namespace: the empty namespace cannot be created");
    }
    for (String level : List.of(namespace.levels())) {
      if (level.isEmpty() || level.contains(NamespaceKeys.UNIT_SEPARATOR)) {
        throw new IllegalArgumentException("Invalid namespace: " + namespace);
      }
    }
  }
}
