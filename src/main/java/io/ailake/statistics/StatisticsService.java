package io.ailake.statistics;

import io.ailake.api.ApiException;
import io.ailake.iceberg.CatalogObject;
import io.ailake.iceberg.Warehouse;
import io.ailake.lake.DatabaseInstances;
import io.ailake.operations.OperationService;
import io.ailake.auth.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Accepts analyzeStatistics requests: everything a user can get wrong (the database, its state, the table
 * names) is answered at once; the reading and writing is an {@link AnalyzeStatisticsJob}.
 */
@ApplicationScoped
public class StatisticsService {

  static final String KIND = "analyze-statistics";

  private final OperationService operations;

  private final Caller caller;

  StatisticsService(OperationService operations, Caller caller) {
    this.operations = operations;
    this.caller = caller;
  }

  @Transactional
  public OperationService.Submitted analyze(
      String instanceId, AnalyzeStatisticsRequest request, String operationId) {
    Warehouse warehouse = DatabaseInstances.require(caller.organizationId(), instanceId);
    List<TableIdentifier> tables = requested(request);
    String fingerprint =
        "POST database/instances/" + warehouse.id + "/analyzeStatistics " + AnalyzeStatisticsJob.names(tables);
    Optional<OperationService.Submitted> repeated = operations.repeated(warehouse.organizationId, KIND, operationId, fingerprint);
    if (repeated.isPresent()) {
      return repeated.get();
    }
    DatabaseInstances.requireReady(warehouse);
    for (TableIdentifier table : tables) {
      if (!CatalogObject.isTable(warehouse.id, table)) {
        throw ApiException.notFound(
            "Table %s does not exist in database %s", TableNames.format(table), warehouse.name);
      }
    }
    return operations.submit(
        warehouse.organizationId, KIND, AnalyzeStatisticsJob.payload(warehouse, tables), operationId, fingerprint);
  }

  /** The tables named, without repeats; none for "every table". */
  private static List<TableIdentifier> requested(AnalyzeStatisticsRequest request) {
    if (request == null || request.tableNames() == null) {
      return List.of();
    }
    return new ArrayList<>(
        new LinkedHashSet<>(request.tableNames().stream().map(TableNames::parse).toList()));
  }
}
