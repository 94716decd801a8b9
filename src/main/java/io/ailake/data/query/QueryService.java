package io.ailake.data.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ailake.AilakeConfig;
import io.ailake.api.ApiException;
import io.ailake.auth.AuditLog;
import io.ailake.data.DatabaseTables;
import io.ailake.events.EventTypes;
import io.ailake.iceberg.Warehouse;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
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
  private final CurrentVertxRequest request;
  private final ObjectMapper json;

  QueryService(DatabaseTables tables, QueryEngine engine, TrinoQueries trino, AilakeConfig config,
      CurrentVertxRequest request, ObjectMapper json) {
    this.request = request;
    this.json = json;
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
    QueryResult result = new QueryResult(rows.columns(), rows.rows(), rows.rows().size(), rows.truncated(),
        snapshots, files, Duration.ofNanos(System.nanoTime() - started).toMillis());
    announce(database, asOf, result);
    return result;
  }

  /** The call's event, written with its audit record once it is answered: a query, or one into the past. */
  private void announce(Warehouse database, AsOf asOf, QueryResult result) {
    ObjectNode data = json.createObjectNode().put("database", database.name);
    data.putArray("tables").addAll(result.snapshots().keySet().stream().map(json.getNodeFactory()::textNode).toList());
    ObjectNode read = data.putObject("snapshots");
    result.snapshots().forEach(read::put);
    data.put("rowCount", result.rowCount()).put("truncated", result.truncated()).put("elapsedMs", result.elapsedMs());
    String type = asOf.equals(AsOf.CURRENT) ? EventTypes.QUERIED : EventTypes.TIME_TRAVELED;
    AuditLog.announce(request.getCurrent(), new AuditLog.Announcement(type, "databases/" + database.name,
        data.toString()));
  }
}
