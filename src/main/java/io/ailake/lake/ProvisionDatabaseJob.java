package io.ailake.lake;

import io.ailake.api.ApiException;
import io.ailake.iceberg.Warehouse;
import io.ailake.logs.LogSubject;
import io.ailake.logs.ResourceLogs;
import io.ailake.operations.JobHandler;
import io.ailake.storage.FileIOs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.iceberg.io.FileIO;

/**
 * Creates a database's warehouse root in its storage (a marker object proves the service can write
 * there), then makes the database ready: usable at once as a catalog warehouse. Idempotent. The request
 * found the root empty (or was told to adopt it); files that appeared there since make the operation
 * fail, unless adopting: a database never settles on files it did not write without being asked to.
 */
@ApplicationScoped
public class ProvisionDatabaseJob implements JobHandler {

  /** The payload's keys. */
  static final String WAREHOUSE_ID = "warehouseId";
  static final String ADOPT_EXISTING_FILES = "adoptExistingFiles";

  private final FileIOs fileIOs;
  private final ResourceLogs logs;

  ProvisionDatabaseJob(FileIOs fileIOs, ResourceLogs logs) {
    this.fileIOs = fileIOs;
    this.logs = logs;
  }

  @Override
  public String kind() {
    return DatabaseInstances.PROVISION;
  }

  @Override
  public Map<String, Object> run(Map<String, String> payload) throws IOException {
    UUID warehouseId = UUID.fromString(payload.get(WAREHOUSE_ID));
    Warehouse warehouse =
        QuarkusTransaction.requiringNew().call(() -> Warehouse.<Warehouse>findById(warehouseId));
    if (warehouse == null) {
      throw new IllegalStateException("Database " + warehouseId + " disappeared while being provisioned");
    }
    if (Warehouse.PROVISIONING.equals(warehouse.state)) {
      LogSubject log = LogSubject.database(warehouse.organizationId, warehouse.id);
      logs.info(log, "Provisioning", "name", warehouse.name, "location", warehouse.location);
      FileIO io = fileIOs.forStorage(warehouse.storage());
      if (!Boolean.parseBoolean(payload.get(ADOPT_EXISTING_FILES))) {
        Optional<String> foreign = DatabaseRoot.firstForeignEntry(io, warehouse.location, warehouse.id);
        if (foreign.isPresent()) {
          throw DatabaseInstances.occupied(warehouse.name, warehouse.location, foreign.get());
        }
        logs.info(log, "Storage checked: the root holds no files the catalog did not write");
      } else {
        logs.info(log, "Storage checked: the files already under the root are adopted, and never deleted");
      }
      try (OutputStream marker =
          io.newOutputFile(DatabaseRoot.marker(warehouse.location)).createOrOverwrite()) {
        marker.write(DatabaseRoot.markerContent(warehouse.id, warehouse.name));
      }
      QuarkusTransaction.requiringNew().run(() ->
          Warehouse.update("state = ?1, stateDetail = null where id = ?2 and state = ?3",
              Warehouse.READY, warehouseId, Warehouse.PROVISIONING));
      logs.info(log, "Database created: its marker is written, it is ready");
    }
    return Map.of("databaseId", warehouse.id.toString(), "name", warehouse.name);
  }

  /** A database whose provisioning failed for good says why, and can be deprovisioned. */
  @Override
  public void failed(Map<String, String> payload, String detail) {
    UUID warehouseId = UUID.fromString(payload.get(WAREHOUSE_ID));
    Warehouse warehouse =
        QuarkusTransaction.requiringNew().call(() -> Warehouse.<Warehouse>findById(warehouseId));
    QuarkusTransaction.requiringNew().run(() ->
        Warehouse.update("state = ?1, stateDetail = ?2 where id = ?3 and state = ?4",
            Warehouse.FAILED, detail, warehouseId, Warehouse.PROVISIONING));
    if (warehouse != null) {
      logs.error(LogSubject.database(warehouse.organizationId, warehouseId), "Provisioning failed", "error", detail);
    }
  }
}
