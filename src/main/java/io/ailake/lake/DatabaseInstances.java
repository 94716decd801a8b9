package io.ailake.lake;

import io.ailake.api.ApiException;
import io.ailake.api.Names;
import io.ailake.iceberg.Warehouse;
import io.ailake.iceberg.WarehouseService;
import io.ailake.operations.OperationService;
import io.ailake.auth.Caller;
import io.ailake.storage.FileIOs;
import io.ailake.storage.LocalRoots;
import io.ailake.storage.ObjectStorage;
import io.ailake.storage.Storage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * AI Lake database instances. A database instance IS a warehouse of the Iceberg catalog: its name is
 * the {@code warehouse} a Spark client configures. Provisioning and deprovisioning are durable
 * operations; while one is pending the database shows its state and refuses conflicting ones.
 */
@ApplicationScoped
public class DatabaseInstances {

  static final String PROVISION = "provision-database";
  static final String DEPROVISION = "deprovision-database";

  private final WarehouseService warehouses;
  private final LocalRoots localRoots;
  private final OperationService operations;
  private final EntityManager entityManager;
  private final Caller caller;
  private final FileIOs fileIOs;
  private final io.ailake.logs.LogAnswers logAnswers;
  private final io.ailake.postgres.RequestPathSql sql;

  DatabaseInstances(WarehouseService warehouses, OperationService operations, EntityManager entityManager,
      Caller caller, FileIOs fileIOs, LocalRoots localRoots, io.ailake.logs.LogAnswers logAnswers,
      io.ailake.postgres.RequestPathSql sql) {
    this.logAnswers = logAnswers;
    this.sql = sql;
    this.localRoots = localRoots;
    this.warehouses = warehouses;
    this.operations = operations;
    this.entityManager = entityManager;
    this.caller = caller;
    this.fileIOs = fileIOs;
  }

  public record Page(List<DatabaseInstance> databases, long totalCount) {}

  @Transactional
  public Page list(int size, int offset) {
    UUID org = caller.organizationId();
    List<Warehouse> page =
        Warehouse.<Warehouse>find("organizationId = ?1 order by name", org).range(offset, offset + size - 1).list();
    return new Page(page.stream().map(this::view).toList(), Warehouse.count("organizationId", org));
  }

  @Transactional
  public DatabaseInstance get(String idOrName) {
    return view(require(caller.organizationId(), idOrName));
  }

  @Transactional
  public OperationService.Submitted provision(
      LakeRequests.ProvisionDatabaseInstance request, String operationId) {
    if (request == null) {
      throw ApiException.badRequest("The request body must be a JSON object with 'name' and 'storageIds'");
    }
    UUID org = caller.organizationId();
    String fingerprint = "POST database/instances " + request;
    Optional<OperationService.Submitted> repeated = operations.repeated(org, PROVISION, operationId, fingerprint);
    if (repeated.isPresent()) {
      return repeated.get();
    }
    String name = request.name();
    if (!Names.isValid(name)) {
      throw ApiException.badRequest("Invalid database name '%s': %s", name, Names.RULE);
    }
    if (request.storageIds() == null || request.storageIds().isEmpty()) {
      throw ApiException.badRequest("storageIds must name at least one object storage");
    }
    if (request.storageIds().stream().anyMatch(java.util.Objects::isNull)) { // List.of's contains(null) throws
      throw ApiException.badRequest("storageIds must hold storage ids or names, not null");
    }
    List<ObjectStorage> storages = new ArrayList<>();
    for (String storageId : new LinkedHashSet<>(request.storageIds())) {
      storages.add(
          ObjectStorage.findByIdOrName(org, storageId)
              .orElseThrow(() -> ApiException.notFound("Object storage %s does not exist", storageId)));
    }
    if (Warehouse.findByName(org, name).isPresent()) {
      throw ApiException.conflict("A database named %s already exists", name);
    }
    String dataSourceId = Names.checkLabel("dataSourceId", blankToNull(request.dataSourceId(), name));
    String dataSourceName = Names.checkLabel("dataSourceName", blankToNull(request.dataSourceName(), name));
    if (DataSource.find(org, dataSourceId).isPresent()) {
      throw ApiException.conflict("Data source id %s is already used in this organization", dataSourceId);
    }

    ObjectStorage primary = storages.get(0);
    if (primary.overlapsAnotherOrganization()) {
      // registered before roots were compared as places: a database there would write into another's files
      throw ApiException.conflict(
          "Object storage %s overlaps the storage of another organization; it cannot hold a database", primary.name);
    }
    localRoots.requireAllowed(primary, "hold a database");
    Storage storage = primary.storage();
    String root = primary.root + "/" + name;
    if (!request.adopts()) {
      // checked now, for a 409 on the request; the job checks again before it writes its marker
      Optional<String> foreign;
      try {
        foreign = DatabaseRoot.firstForeignEntry(fileIOs.forStorage(storage), root, null);
      } catch (RuntimeException storageFault) {
        throw ApiException.unavailable("Cannot read the root %s of database %s in object storage %s: %s",
            root, name, primary.name, storageFault.getMessage());
      }
      if (foreign.isPresent()) {
        throw occupied(name, root, foreign.get());
      }
    }
    Warehouse warehouse = warehouses.create(org, name, root, storage);
    if (Warehouse.count("location = ?1 and id <> ?2", warehouse.location, warehouse.id) > 0) {
      throw ApiException.conflict(
          "The location %s of database %s is already the root of another database; choose another name",
          warehouse.location, name);
    }
    warehouse.state = Warehouse.PROVISIONING;
    for (int i = 0; i < storages.size(); i++) {
      linkStorage(entityManager, warehouse, storages.get(i).id, i);
    }
    DataSources.insert(warehouse, dataSourceId, dataSourceName);
    return operations.submit(org, PROVISION,
        Map.of(ProvisionDatabaseJob.WAREHOUSE_ID, warehouse.id.toString(),
            ProvisionDatabaseJob.ADOPT_EXISTING_FILES, Boolean.toString(request.adopts())),
        operationId, fingerprint);
  }

  /** The database's log; a follower's stream ends when the database is gone. */
  @Transactional
  public jakarta.ws.rs.core.Response logs(String idOrName, io.ailake.logs.LogParameters parameters) {
    Warehouse warehouse = require(caller.organizationId(), idOrName);
    UUID id = warehouse.id;
    return logAnswers.answer(io.ailake.logs.LogSubject.database(warehouse.organizationId, id), parameters,
        () -> sql.first("SELECT 1 FROM warehouse WHERE id = ?", row -> row.getInt(1), id).isEmpty());
  }

  /** The 409 of a database whose root already holds files that the catalog did not write. */
  static ApiException occupied(String name, String root, String found) {
    return ApiException.conflict(
        "The root of database %s, %s, already holds files the catalog did not write (%s). Choose another name,"
            + " move those files away, or provision with \"adoptExistingFiles\": true to put the database there"
            + " anyway: its deprovisioning deletes only the files the catalog wrote, never those found there.",
        name, root, found);
  }

  @Transactional
  public OperationService.Submitted deprovision(String idOrName, String operationId) {
    UUID org = caller.organizationId();
    Warehouse warehouse = require(org, idOrName);
    String fingerprint = "DELETE database/instances/" + warehouse.id;
    Optional<OperationService.Submitted> repeated =
        operations.repeated(org, DEPROVISION, operationId, fingerprint);
    if (repeated.isPresent()) {
      return repeated.get();
    }
    if (warehouse.state.equals(Warehouse.PROVISIONING) || warehouse.state.equals(Warehouse.DELETING)) {
      throw ApiException.conflict(
          "Database %s has a pending operation (%s); wait for it to finish", warehouse.name, warehouse.state);
    }
    warehouse.state = Warehouse.DELETING;
    warehouse.stateDetail = null;
    return operations.submit(
        org, DEPROVISION, Map.of("warehouseId", warehouse.id.toString()), operationId, fingerprint);
  }

  /** Records that {@code warehouse} uses a storage; position 0 is the one holding its files. */
  static void linkStorage(EntityManager entityManager, Warehouse warehouse, UUID storageId, int position) {
    entityManager
        .createNativeQuery(
            "INSERT INTO warehouse_storage (warehouse_id, storage_id, position, organization_id)"
                + " VALUES (?1, ?2, ?3, ?4)")
        .setParameter(1, warehouse.id)
        .setParameter(2, storageId)
        .setParameter(3, position)
        .setParameter(4, warehouse.organizationId)
        .executeUpdate();
  }

  /** The database an {@code instanceId} names (by name or id), or the 404 that says it does not exist. */
  public static Warehouse require(UUID organizationId, String idOrName) {
    return Warehouse.findByIdOrName(organizationId, idOrName)
        .orElseThrow(() -> ApiException.notFound("Database instance %s does not exist", idOrName));
  }

  /** A 409 unless {@code warehouse} is ready: work on a database waits for its pending operation. */
  public static void requireReady(Warehouse warehouse) {
    if (!Warehouse.READY.equals(warehouse.state)) {
      throw ApiException.conflict("Database %s is %s; wait until it is ready", warehouse.name, warehouse.state);
    }
  }

  private DatabaseInstance view(Warehouse warehouse) {
    @SuppressWarnings("unchecked")
    List<UUID> storageIds =
        entityManager
            .createNativeQuery(
                "SELECT storage_id FROM warehouse_storage WHERE warehouse_id = ?1 ORDER BY position", UUID.class)
            .setParameter(1, warehouse.id)
            .getResultList();
    return new DatabaseInstance(
        warehouse.id.toString(),
        warehouse.name,
        storageIds.stream().map(UUID::toString).toList(),
        DataSource.of(warehouse.id).stream().map(DataSource.Info::of).toList(),
        warehouse.state,
        warehouse.stateDetail);
  }

  private static String blankToNull(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }
}
