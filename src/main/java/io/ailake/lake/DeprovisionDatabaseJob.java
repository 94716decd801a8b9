package io.ailake.lake;

import io.ailake.iceberg.DeletionReport;
import io.ailake.iceberg.PurgeTableJob;
import io.ailake.iceberg.Warehouse;
import io.ailake.logs.LogSubject;
import io.ailake.logs.ResourceLogs;
import io.ailake.operations.JobHandler;
import io.ailake.storage.FileIOs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Deletes a database: the files its tables' metadata reaches, its views' metadata files and its own
 * marker, then the directories that are empty after that; then its catalog rows, data sources and
 * record. Nothing else under its root is deleted: a file the catalog did not write stays, and the
 * operation's result lists it with why ({@link DeletionReport}). Each step can run again, so a worker
 * that dies midway leaves a job the next worker finishes.
 */
@ApplicationScoped
public class DeprovisionDatabaseJob implements JobHandler {

  private final FileIOs fileIOs;
  private final PurgeTableJob purge;
  private final EntityManager entityManager;
  private final ResourceLogs logs;

  DeprovisionDatabaseJob(FileIOs fileIOs, PurgeTableJob purge, EntityManager entityManager, ResourceLogs logs) {
    this.logs = logs;
    this.fileIOs = fileIOs;
    this.purge = purge;
    this.entityManager = entityManager;
  }

  @Override
  public String kind() {
    return DatabaseInstances.DEPROVISION;
  }

  @Override
  public Map<String, Object> run(Map<String, String> payload) {
    UUID warehouseId = UUID.fromString(payload.get("warehouseId"));
    Warehouse warehouse =
        QuarkusTransaction.requiringNew().call(() -> Warehouse.<Warehouse>findById(warehouseId));
    if (warehouse == null) {
      return null; // an earlier attempt finished
    }
    List<String> tables = QuarkusTransaction.requiringNew().call(() -> metadataLocations(warehouse, "TABLE"));
    List<String> views = QuarkusTransaction.requiringNew().call(() -> metadataLocations(warehouse, "VIEW"));
    LogSubject log = LogSubject.database(warehouse.organizationId, warehouseId);
    logs.info(log, "Deprovisioning: purging the files of its tables and views", "tables", tables.size(),
        "views", views.size());
    String marker = DatabaseRoot.marker(warehouse.location);
    boolean ownMarker =
        DatabaseRoot.isOwnMarker(fileIOs.forStorage(warehouse.storage()), warehouse.location, marker, warehouse.id);
    DeletionReport report = purge.purgeWarehouse(warehouse, tables, views, ownMarker ? List.of(marker) : List.of());
    Map<String, Object> purged = report.result();
    logs.info(log, "Files purged", "deletedFiles", purged.get("deletedFiles"), "retainedCount", purged.get("retainedCount"));
    QuarkusTransaction.requiringNew().run(() -> {
      for (String table : List.of("catalog_object", "namespace", "data_source", "warehouse_storage")) {
        entityManager.createNativeQuery("DELETE FROM " + table + " WHERE warehouse_id = ?1")
            .setParameter(1, warehouseId)
            .executeUpdate();
      }
      Warehouse.deleteById(warehouseId);
    });
    logs.info(log, "Database deleted");
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("databaseId", warehouse.id.toString());
    result.put("name", warehouse.name);
    result.putAll(report.result());
    return result;
  }

  @SuppressWarnings("unchecked")
  private List<String> metadataLocations(Warehouse warehouse, String kind) {
    return entityManager
        .createNativeQuery(
            "SELECT metadata_location FROM catalog_object WHERE warehouse_id = ?1 AND kind = ?2", String.class)
        .setParameter(1, warehouse.id)
        .setParameter(2, kind)
        .getResultList();
  }
}
