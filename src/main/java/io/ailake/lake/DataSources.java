package io.ailake.lake;

import io.ailake.auth.Caller;
import io.ailake.api.ApiException;
import io.ailake.api.Names;
import io.ailake.iceberg.Warehouse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.UUID;

/** The data sources of a database: add, rename, list, remove (never the last one). */
@ApplicationScoped
public class DataSources {

  private final Caller caller;

  DataSources(Caller caller) {
    this.caller = caller;
  }

  @Transactional
  public List<DataSource.Info> list(String instanceId) {
    return DataSource.of(DatabaseInstances.require(caller.organizationId(), instanceId).id).stream().map(DataSource.Info::of).toList();
  }

  @Transactional
  public DataSource.Info add(String instanceId, LakeRequests.AddDatabaseDataSource request) {
    Warehouse warehouse = DatabaseInstances.require(caller.organizationId(), instanceId);
    String id = requireId(request == null ? null : request.dataSourceId(), "dataSourceId");
    checkFree(warehouse.organizationId, id);
    String name = nameOr(request.dataSourceName(), id);
    return DataSource.Info.of(insert(warehouse, id, name));
  }

  /** Replaces the recorded id (and name) of one of the database's data sources. */
  @Transactional
  public DataSource.Info update(String instanceId, LakeRequests.UpdateDatabaseDataSource request) {
    Warehouse warehouse = DatabaseInstances.require(caller.organizationId(), instanceId);
    String oldId = requireId(request == null ? null : request.oldDataSourceId(), "oldDataSourceId");
    String newId = requireId(request.dataSourceId(), "dataSourceId");
    DataSource source = ofDatabase(warehouse, oldId);
    if (!newId.equals(oldId)) {
      checkFree(warehouse.organizationId, newId);
    }
    source.dataSourceId = newId;
    source.dataSourceName = nameOr(request.dataSourceName(), newId);
    return DataSource.Info.of(source);
  }

  @Transactional
  public String remove(String instanceId, String dataSourceId) {
    Warehouse warehouse = DatabaseInstances.require(caller.organizationId(), instanceId);
    DataSource source = ofDatabase(warehouse, dataSourceId);
    if (DataSource.count("warehouseId", warehouse.id) <= 1) {
      throw ApiException.conflict(
          "Data source %s is the last one of database %s; a database keeps at least one", dataSourceId, warehouse.name);
    }
    source.delete();
    return dataSourceId;
  }

  static DataSource insert(Warehouse warehouse, String dataSourceId, String dataSourceName) {
    DataSource source = new DataSource();
    source.id = UUID.randomUUID();
    source.organizationId = warehouse.organizationId;
    source.warehouseId = warehouse.id;
    source.dataSourceId = dataSourceId;
    source.dataSourceName = dataSourceName;
    source.persist();
    return source;
  }

  private static DataSource ofDatabase(Warehouse warehouse, String dataSourceId) {
    return DataSource.find(warehouse.organizationId, dataSourceId)
        .filter(s -> s.warehouseId.equals(warehouse.id))
        .orElseThrow(() -> ApiException.notFound(
            "Data source %s does not belong to database %s", dataSourceId, warehouse.name));
  }

  private static void checkFree(UUID organizationId, String dataSourceId) {
    if (DataSource.find(organizationId, dataSourceId).isPresent()) {
      throw ApiException.conflict("Data source id %s is already used in this organization", dataSourceId);
    }
  }

  private static String requireId(String value, String field) {
    return Names.checkLabel(field, value);
  }

  /** The name given, else the id. */
  private static String nameOr(String name, String id) {
    return name == null || name.isBlank() ? id : Names.checkLabel("dataSourceName", name);
  }
}
