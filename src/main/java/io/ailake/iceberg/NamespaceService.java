package io.ailake.iceberg;

import io.ailake.api.RequestIds;
import io.ailake.auth.CallRecords;
import io.ailake.postgres.NamedSql;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NamespaceNotEmptyException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.UnprocessableEntityException;
import org.apache.iceberg.rest.requests.CreateNamespaceRequest;
import org.apache.iceberg.rest.requests.UpdateNamespacePropertiesRequest;
import org.apache.iceberg.rest.responses.CreateNamespaceResponse;
import org.apache.iceberg.rest.responses.GetNamespaceResponse;
import org.apache.iceberg.rest.responses.ListNamespacesResponse;
import org.apache.iceberg.rest.responses.UpdateNamespacePropertiesResponse;

/** Namespace routes: list, create, load, drop and property updates. */
@ApplicationScoped
public class NamespaceService {

  static final String LOCATION = "location";

  /**
   * The change of a create (see {@link CallRecords}), answered with one of the bodies {@code :created},
   * {@code :no_parent}, {@code :exists}.
   */
  private static final NamedSql CREATE = NamedSql.of(WarehouseService.READY_WAREHOUSE
      + " parent AS (SELECT CAST(:parent AS text) = '' OR EXISTS (SELECT 1 FROM namespace"
      + " WHERE warehouse_id = (SELECT id FROM w) AND name = :parent) AS found),"
      + " created AS (INSERT INTO namespace (warehouse_id, name, organization_id, parent, properties)"
      + " SELECT w.id, :namespace, w.organization_id, :parent, CAST(:properties AS jsonb) FROM w"
      + " WHERE (SELECT found FROM parent) AND NOT EXISTS (SELECT 1 FROM earlier) ON CONFLICT DO NOTHING RETURNING name),"
      + " answer AS (SELECT CASE WHEN EXISTS (SELECT 1 FROM created) THEN 200 WHEN NOT EXISTS (SELECT 1 FROM w) THEN NULL"
      + " WHEN NOT (SELECT found FROM parent) THEN 404 ELSE 409 END AS status,"
      + " CASE WHEN EXISTS (SELECT 1 FROM created) THEN :created WHEN NOT (SELECT found FROM parent) THEN :no_parent"
      + " ELSE :exists END AS body)");

  /**
   * The change of a drop: only an empty namespace goes (no table, view or nested namespace); refused with
   * the body {@code :not_empty} or {@code :missing}.
   */
  private static final NamedSql DROP = NamedSql.of(WarehouseService.READY_WAREHOUSE
      + " busy AS (SELECT EXISTS (SELECT 1 FROM catalog_object WHERE warehouse_id = (SELECT id FROM w)"
      + " AND namespace = :namespace)"
      + " OR EXISTS (SELECT 1 FROM namespace WHERE warehouse_id = (SELECT id FROM w) AND parent = :namespace) AS contents),"
      + " dropped AS (DELETE FROM namespace WHERE warehouse_id = (SELECT id FROM w) AND name = :namespace"
      + " AND NOT (SELECT contents FROM busy) AND NOT EXISTS (SELECT 1 FROM earlier) RETURNING name),"
      + " answer AS (SELECT CASE WHEN EXISTS (SELECT 1 FROM dropped) THEN 204 WHEN NOT EXISTS (SELECT 1 FROM w) THEN NULL"
      + " WHEN (SELECT contents FROM busy) THEN 409 ELSE 404 END AS status,"
      + " CASE WHEN EXISTS (SELECT 1 FROM dropped) THEN NULL WHEN (SELECT contents FROM busy) THEN :not_empty"
      + " ELSE :missing END AS body)");

  private final WarehouseService warehouses;
  private final CallRecords calls;

  NamespaceService(WarehouseService warehouses, CallRecords calls) {
    this.warehouses = warehouses;
    this.calls = calls;
  }

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

  /**
   * Creates a namespace of {@code warehouse} in one statement that also keeps the call's idempotency key
   * and audit record; answers the response's JSON.
   */
  public byte[] create(Warehouse warehouse, CreateNamespaceRequest request) {
    validate(request);
    return createValid(warehouse.organizationId, warehouse, request);
  }

  /** {@link #create(Warehouse, CreateNamespaceRequest)} of a request's body, in the caller's named warehouse. */
  public byte[] create(UUID organizationId, String name, String body) {
    CreateNamespaceRequest request;
    try {
      request = IcebergJson.read(body, CreateNamespaceRequest.class);
      validate(request);
    } catch (RuntimeException invalid) {
      warehouses.resolve(name); // a warehouse the caller cannot see is not found, whatever the request says
      throw invalid;
    }
    return createValid(organizationId, warehouses.resolve(name), request);
  }

  private byte[] createValid(UUID organizationId, Warehouse warehouse, CreateNamespaceRequest request) {
    Namespace namespace = request.namespace();
    requireConfined(warehouse, request.properties());
    String wanted = warehouse.name;
    String key = NamespaceKeys.key(namespace);
    String parentKey = NamespaceKeys.parentKey(namespace);
    byte[] created = IcebergJson.write(CreateNamespaceResponse.builder().withNamespace(namespace)
        .setProperties(withLocation(warehouse, namespace, request.properties())).build());
    Namespace parent = NamespaceKeys.fromKey(parentKey);
    String requestId = RequestIds.current();
    OptionalInt status = calls.run(CREATE, NamedSql.parameters()
        .set("organization", organizationId).set("warehouse", wanted)
        .set("namespace", key).set("parent", parentKey)
        .set("properties", new String(IcebergJson.write(request.properties()), StandardCharsets.UTF_8))
        .set("created", new String(created, StandardCharsets.UTF_8))
        .set("no_parent", IcebergErrors.body(NoSuchNamespaceException.class, missing(parent), requestId))
        .set("exists", IcebergErrors.body(AlreadyExistsException.class, alreadyExists(namespace), requestId)));
    refuseUnless(200, status, wanted,
        () -> noSuchNamespace(parent), () -> new AlreadyExistsException("%s", alreadyExists(namespace)));
    return created;
  }

  /**
   * Creates {@code namespace}, and the levels above it, where missing: for a route of the AI Lake API
   * that puts a table into the namespace it names. A plain change of the request's own unit of work
   * (its idempotency key and audit record are the route's), not an Iceberg create call's answer.
   */
  @Transactional
  public void createMissing(Warehouse warehouse, Namespace namespace) {
    checkValid(namespace);
    String[] levels = namespace.levels();
    for (int depth = 1; depth <= levels.length; depth++) {
      Namespace level = Namespace.of(java.util.Arrays.copyOf(levels, depth));
      String key = NamespaceKeys.key(level);
      if (!NamespaceRecord.exists(warehouse.id, key)) {
        NamespaceRecord.getEntityManager().createNativeQuery(
                "INSERT INTO namespace (warehouse_id, name, organization_id, parent, properties)"
                    + " VALUES (?1, ?2, ?3, ?4, CAST('{}' AS jsonb)) ON CONFLICT DO NOTHING")
            .setParameter(1, warehouse.id)
            .setParameter(2, key)
            .setParameter(3, warehouse.organizationId)
            .setParameter(4, NamespaceKeys.parentKey(level))
            .executeUpdate();
      }
    }
  }

  private static void validate(CreateNamespaceRequest request) {
    request.validate();
    checkValid(request.namespace());
  }

  @Transactional
  public GetNamespaceResponse load(Warehouse warehouse, Namespace namespace) {
    NamespaceRecord record = require(warehouse, namespace);
    return GetNamespaceResponse.builder()
        .withNamespace(namespace)
        .setProperties(withLocation(warehouse, namespace, record.properties))
        .build();
  }

  /**
   * Where the namespace's tables go by default: the {@code location} its client set, else {@code
   * <warehouse>/<levels>}. Answered on load and create because Trino stages a create only under a
   * namespace location it read; without one it writes the table itself and then refuses its own file.
   */
  static String location(Warehouse warehouse, Namespace namespace, Map<String, String> properties) {
    String set = properties == null ? null : properties.get(LOCATION);
    return set != null && !set.isBlank()
        ? MetadataFiles.stripSlash(set)
        : warehouse.location + "/" + String.join("/", namespace.levels());
  }

  /** The properties with {@code location} (derived at read time when the client set none, never stored). */
  private static Map<String, String> withLocation(
      Warehouse warehouse, Namespace namespace, Map<String, String> properties) {
    Map<String, String> answered = new HashMap<>(properties == null ? Map.of() : properties);
    String set = answered.get(LOCATION);
    if (set == null || set.isBlank()) {
      answered.put(LOCATION, location(warehouse, namespace, properties));
    }
    return answered;
  }

  /** A namespace location its client sets is where tables will be written: it must be the organization's. */
  private static void requireConfined(Warehouse warehouse, Map<String, String> properties) {
    String set = properties == null ? null : properties.get(LOCATION);
    if (set != null && !set.isBlank()) {
      OrganizationLocations.require(warehouse, set);
    }
  }

  @Transactional
  public boolean exists(Warehouse warehouse, Namespace namespace) {
    return !namespace.isEmpty() && NamespaceRecord.exists(warehouse.id, NamespaceKeys.key(namespace));
  }

  /**
   * Removes an empty namespace of the named warehouse (the default one without a name), in one statement
   * that also keeps the call's idempotency key and audit record, as a drop of a table does.
   */
  public void drop(UUID organizationId, String name, Namespace namespace) {
    if (namespace.isEmpty()) {
      throw noSuchNamespace(namespace);
    }
    String wanted = warehouses.named(name);
    String key = NamespaceKeys.key(namespace);
    String requestId = RequestIds.current();
    OptionalInt status = calls.run(DROP, NamedSql.parameters()
        .set("organization", organizationId).set("warehouse", wanted).set("namespace", key)
        .set("not_empty", IcebergErrors.body(NamespaceNotEmptyException.class, notEmpty(namespace), requestId))
        .set("missing", IcebergErrors.body(NoSuchNamespaceException.class, missing(namespace), requestId)));
    refuseUnless(204, status, wanted,
        () -> noSuchNamespace(namespace), () -> new NamespaceNotEmptyException("%s", notEmpty(namespace)));
  }

  /** Throws the refusal a one-statement change answered: its 404 or 409, or the warehouse's absence. */
  private void refuseUnless(int done, OptionalInt status, String warehouse,
      Supplier<RuntimeException> notFound, Supplier<RuntimeException> conflict) {
    if (status.isEmpty()) {
      throw warehouses.notReady(warehouse);
    }
    if (status.getAsInt() != done) {
      throw status.getAsInt() == 404 ? notFound.get() : conflict.get();
    }
  }

  private static String alreadyExists(Namespace namespace) {
    return "Namespace already exists: " + namespace;
  }

  private static String notEmpty(Namespace namespace) {
    return "Namespace " + namespace + " is not empty: it contains tables, views or nested namespaces";
  }

  private static String missing(Namespace namespace) {
    return "Namespace does not exist: " + namespace;
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
    requireConfined(warehouse, updates);
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
    return new NoSuchNamespaceException("%s", missing(namespace));
  }

  private static void checkValid(Namespace namespace) {
    IcebergNames.checkNamespace(namespace);
  }
}
