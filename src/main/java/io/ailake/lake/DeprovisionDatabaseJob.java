package io.ailake.lake;

import io.ailake.iceberg.Locations;
import io.ailake.iceberg.PurgeTableJob;
import io.ailake.iceberg.Warehouse;
import io.ailake.operations.JobHandler;
import io.ailake.storage.FileIOs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.io.SupportsPrefixOperations;

/**
 * Deletes a database: the files of every table, the warehouse root itself (unless another warehouse
 * lives under it), then its catalog rows, data sources and record. Each step can run again, so a
 * worker that dies midway leaves a job the next worker finishes.
 */
@ApplicationScoped
public class DeprovisionDatabaseJob implements JobHandler {

  private final FileIOs fileIOs;
  private final PurgeTableJob purge;
  private final EntityManager entityManager;

  DeprovisionDatabaseJob(FileIOs fileIOs, PurgeTableJob purge, EntityManager entityManager) {
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
    List<String> tables = QuarkusTransaction.requiringNew().call(() -> tables(warehouse));
    for (String metadataLocation : tables) {
      purge.purge(warehouse, metadataLocation, true);
    }
    if (!Locations.inUseUnder(warehouse.location, warehouse.id)) {
      ((SupportsPrefixOperations) fileIOs.forStorage(warehouse.storage()))
          .deletePrefix(warehouse.location + "/");
    }
    QuarkusTransaction.requiringNew().run(() -> {
      for (String table : List.of("catalog_object", "namespace", "data_source", "warehouse_storage")) {
        entityManager.createNativeQuery("DELETE FROM " + table + " WHERE warehouse_id = ?1")
            .setParameter(1, warehouseId)
            .executeUpdate();
      }
      Warehouse.deleteById(warehouseId);
    });
    return null;
  }

  @SuppressWarnings("unchecked")
  private List<String> tables(Warehouse warehouse) {
    return entityManager
        .createNativeQuery(
            "SELECT metadata_location FROM catalog_object WHERE warehouse_id = ?1 AND kind = 'TABLE'",
            String.class)
        .setParameter(1, warehouse.id)
        .getResultList();
  }
}
