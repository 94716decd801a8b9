package io.ailake.data.query;

import io.ailake.AilakeConfig;
import io.ailake.api.ApiException;
import io.ailake.data.DatabaseTables;
import io.ailake.iceberg.Warehouse;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** SQL over the tables of one of the caller's databases (docs/query.md). */
@ApplicationScoped
public class QueryService {

  private final DatabaseTables tables;
  private final QueryEngine engine;
  private final TrinoQueries trino;
  private final AilakeConfig.Query config;

  QueryService(DatabaseTables tables, QueryEngine engine, TrinoQueries trino, AilakeConfig config) {
    this.tables = tables;
    this.engine = engine;
    this.trino = trino;
    this.config = config.query();
  }

  public QueryResult query(String instanceId, QueryRequest request) {
    return query(database(instanceId), request);
  }

  /** The caller's database {@code instanceId} names: a 404 for another organization's, before its request is read. */
  public Warehouse database(String instanceId) {
    return tables.database(instanceId);
  }

  public QueryResult query(Warehouse database, QueryRequest request) {
    long started = System.nanoTime();
    AsOf asOf = AsOf.of(request.asOf());
    SelectStatement statement = engine.check(request.sql());
    for (String named : asOf.perTable().keySet()) {
      if (!statement.tables().containsKey(named)) {
        throw ApiException.badRequest("'asOf' names %s, which the query does not read", named);
      }
    }
    int maxRows = Math.min(request.maxRows() == null ? config.defaultMaxRows() : request.maxRows(), config.maxRows());
    Duration timeout = request.timeoutMs() == null ? config.defaultTimeout()
        : Duration.ofMillis(Math.min(request.timeoutMs(), config.maxTimeout().toMillis()));
    Map<String, Long> snapshots = new LinkedHashMap<>();
    Map<String, Integer> files = new LinkedHashMap<>();
    QueryEngine.Rows rows;
    if (trino.enabled() && asOf.equals(AsOf.CURRENT)) {
      // Trino plans and reads the files itself; the snapshots are those current when the query starts
      for (QueryTables.Name name : statement.tables().values()) {
        org.apache.iceberg.Table table = QueryTables.load(tables, database, name);
        snapshots.put(table.name().substring(table.name().indexOf('.') + 1),
            table.currentSnapshot() == null ? null : table.currentSnapshot().snapshotId());
      }
      rows = trino.run(database.name, statement.sql(), maxRows, timeout);
    } else {
      List<QueryTables.Planned> planned = new ArrayList<>();
      for (Map.Entry<String, QueryTables.Name> table : statement.tables().entrySet()) {
        QueryTables.Name name = table.getValue();
        planned.add(QueryTables.plan(name, QueryTables.load(tables, database, name), asOf.forTable(table.getKey()),
            statement.pushdown()));
      }
      rows = engine.run(database.id, statement.sql(), planned, maxRows, timeout);
      for (QueryTables.Planned table : planned) {
        snapshots.put(table.display(), table.snapshotId());
        files.put(table.display(), table.tasks().size());
      }
    }
    return new QueryResult(rows.columns(), rows.rows(), rows.rows().size(), rows.truncated(), snapshots, files,
        Duration.ofNanos(System.nanoTime() - started).toMillis());
  }
}
