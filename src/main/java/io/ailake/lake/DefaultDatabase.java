package io.ailake.lake;

import io.ailake.AilakeConfig;
import io.ailake.iceberg.Warehouse;
import io.ailake.iceberg.WarehouseService;
import io.ailake.organization.Organizations;
import io.ailake.storage.ObjectStorage;
import io.ailake.storage.ObjectStorageService;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

/**
 * At first start, the default warehouse ({@code AILAKE_WAREHOUSE} at {@code AILAKE_WAREHOUSE_LOCATION})
 * is registered as a database like any other: in the {@code default} object storage, with a data
 * source of its name. Later starts keep what is there, and link a warehouse created before storages
 * were registered. Its lookups are SQL, as the default object storage's and warehouse's are: a start
 * parses no HQL.
 */
@ApplicationScoped
public class DefaultDatabase {

  private static final Logger LOG = Logger.getLogger(DefaultDatabase.class);

  private final AilakeConfig config;
  private final WarehouseService warehouses;
  private final ObjectStorageService storages;
  private final EntityManager entityManager;

  DefaultDatabase(
      AilakeConfig config, WarehouseService warehouses, ObjectStorageService storages, EntityManager entityManager) {
    this.config = config;
    this.warehouses = warehouses;
    this.storages = storages;
    this.entityManager = entityManager;
  }

  @Transactional
  void register(@Observes StartupEvent event) {
    String name = config.warehouse().name();
    ObjectStorage storage = storages.ensureDefaultStorage(config.warehouse().location());
    Warehouse warehouse =
        Warehouse.findByName(Organizations.DEFAULT_ID, name)
            .orElseGet(() -> {
              Warehouse created = warehouses.create(Organizations.DEFAULT_ID, name, storage.root, storage.storage());
              LOG.infof("Registered the default warehouse '%s' at %s", name, created.location);
              return created;
            });
    boolean linked =
        !entityManager.createNativeQuery("SELECT 1 FROM warehouse_storage WHERE warehouse_id = ?1")
            .setParameter(1, warehouse.id)
            .getResultList()
            .isEmpty();
    if (!linked) {
      DatabaseInstances.linkStorage(entityManager, warehouse, storage.id, 0);
    }
    boolean hasSource =
        !entityManager.createNativeQuery("SELECT 1 FROM data_source WHERE warehouse_id = ?1"
                + " OR (organization_id = ?2 AND data_source_id = ?3)")
            .setParameter(1, warehouse.id)
            .setParameter(2, Organizations.DEFAULT_ID)
            .setParameter(3, name)
            .setMaxResults(1)
            .getResultList()
            .isEmpty();
    if (!hasSource) {
      DataSources.insert(warehouse, name, name);
    }
  }
}
