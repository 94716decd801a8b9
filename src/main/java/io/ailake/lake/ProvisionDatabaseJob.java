package io.ailake.lake;

import io.ailake.iceberg.Warehouse;
import io.ailake.operations.JobHandler;
import io.ailake.storage.FileIOs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.io.FileIO;

/**
 * Creates a database's warehouse root in its storage (a marker object proves the service can write
 * there), then makes the database ready: usable at once as a catalog warehouse. Idempotent.
 */
@ApplicationScoped
public class ProvisionDatabaseJob implements JobHandler {

  private final FileIOs fileIOs;

  ProvisionDatabaseJob(FileIOs fileIOs) {
    this.fileIOs = fileIOs;
  }

  @Override
  public String kind() {
    return DatabaseInstances.PROVISION;
  }

  @Override
  public Map<String, Object> run(Map<String, String> payload) throws IOException {
    UUID warehouseId = UUID.fromString(payload.get("warehouseId"));
    Warehouse warehouse =
        QuarkusTransaction.requiringNew().call(() -> Warehouse.<Warehouse>findById(warehouseId));
    if (warehouse == null) {
      throw new IllegalStateException("Database " + warehouseId + " disappeared while being provisioned");
    }
    if (Warehouse.PROVISIONING.equals(warehouse.state)) {
      FileIO io = fileIOs.forStorage(warehouse.storage());
      try (OutputStream marker = io.newOutputFile(warehouse.location + "/.ailake-database").createOrOverwrite()) {
        marker.write(("{\"id\":\"" + warehouse.id + "\",\"name\":\"" + warehouse.name + "\"}")
            .getBytes(StandardCharsets.UTF_8));
      }
      QuarkusTransaction.requiringNew().run(() ->
          Warehouse.update("state = ?1, stateDetail = null where id = ?2 and state = ?3",
              Warehouse.READY, warehouseId, Warehouse.PROVISIONING));
    }
    return Map.of("databaseId", warehouse.id.toString(), "name", warehouse.name);
  }
}
