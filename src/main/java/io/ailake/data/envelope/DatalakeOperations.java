package io.ailake.data.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ailake.AilakeConfig;
import io.ailake.api.ApiException;
import io.ailake.api.Paging;
import io.ailake.auth.Role;
import io.ailake.data.query.QueryRequest;
import io.ailake.data.query.QueryService;
import io.ailake.data.rows.RowChanges;
import io.ailake.data.rows.RowInserts;
import io.ailake.data.rows.RowRequests;
import io.ailake.data.rows.RowsBody;
import io.ailake.data.tables.LakeTables;
import io.ailake.data.tables.SchemaChanges;
import io.ailake.data.tables.TableRequests;
import io.ailake.data.tables.TableViews;
import io.ailake.lake.DatabaseInstances;
import io.ailake.lake.LakeRequests;
import io.ailake.auth.Caller;
import io.ailake.operations.OperationService;
import io.ailake.operations.OperationsResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every operation of the seed's envelope: the role it needs and the service call it is, the same call the
 * REST route makes. An operation is one entry here.
 */
@ApplicationScoped
public class DatalakeOperations {

  /** What an operation answers: the REST route's status and body. */
  record Answer(int status, Object data) {}

  interface Call {
    Answer run(Parameters parameters, UriInfo uri);
  }

  record Operation(String name, Role role, Call call) {}

  private static final List<String> DATABASE = Parameters.DATABASE;
  private static final List<String> TABLE_ADDRESS =
      List.of("database", "instanceId", "databaseId", "namespace", "table", "name");

  /** A snapshot's {@code name} is its tag's (as the REST route's body says); its table is {@code table}. */
  private static final List<String> SNAPSHOT_ADDRESS =
      List.of("database", "instanceId", "databaseId", "namespace", "table");

  private final Map<String, Operation> operations = new LinkedHashMap<>();
  private final ObjectMapper json;
  private final long maxQueryBytes;
  private final io.quarkus.runtime.configuration.MemorySize maxRowsBytes;
  private final OperationService operationService;
  private final Caller caller;

  DatalakeOperations(DatabaseInstances databases, LakeTables tables, SchemaChanges schemas, RowInserts inserts,
      RowChanges changes, QueryService queries, OperationService operationService, Caller caller, ObjectMapper json,
      AilakeConfig config) {
    this.json = json;
    this.maxQueryBytes = config.query().maxRequestSize().asLongValue();
    this.maxRowsBytes = config.rows().maxBodyBytes();
    this.operationService = operationService;
    this.caller = caller;
    add("create", Role.MANAGE, (p, uri) -> accepted(databases.provision(
        p.as(LakeRequests.ProvisionDatabaseInstance.class, List.of("operationId"), "database", "name"),
        p.text("operationId"))));
    add("delete", Role.MANAGE, (p, uri) -> accepted(databases.deprovision(p.database(), p.text("operationId"))));
    add("createTable", Role.MANAGE, (p, uri) -> {
      TableRequests.CreateTable body = p.as(TableRequests.CreateTable.class, TABLE_ADDRESS);
      return new Answer(201, tables.create(p.database(), new TableRequests.CreateTable(p.namespace(), p.table(),
          body.columns(), body.partitionBy(), body.properties())));
    });
    add("dropTable", Role.MANAGE, (p, uri) -> {
      JsonNode purge = p.get("purge");
      tables.drop(p.database(), p.namespace(), p.table(), purge == null ? null : purge.asText());
      return new Answer(200, Map.of("namespace", p.namespace(), "name", p.table(), "dropped", true));
    });
    add("listTables", Role.READ, (p, uri) -> {
      JsonNode size = p.get("size");
      JsonNode page = p.get("page");
      Paging paging = Paging.of(page == null ? null : page.asText(), size == null ? null : size.asText(), null,
          List.of("page"));
      LakeTables.Page tablesPage = tables.list(p.database(), p.text("namespace"), paging);
      return new Answer(200, TableViews.ListTablesResponse.of(tablesPage.tables(), paging, tablesPage.total(), uri));
    });
    add("getSchema", Role.READ, (p, uri) -> new Answer(200, tables.describe(p.database(), p.namespace(), p.table())));
    add("snapshot", Role.MANAGE, (p, uri) -> new Answer(201, tables.tag(p.database(), p.namespace(), p.table(),
        p.as(TableRequests.CreateSnapshot.class, SNAPSHOT_ADDRESS, "tag", "name"))));
    add("evolveSchema", Role.MANAGE, (p, uri) -> new Answer(200, schemas.evolve(p.database(), p.namespace(),
        p.table(), p.as(TableRequests.EvolveSchema.class, TABLE_ADDRESS))));
    add("insert", Role.MANAGE, (p, uri) -> {
      try (RowsBody body = RowsBody.json(rows(p))) {
        return new Answer(201, inserts.insert(p.database(), p.namespace(), p.table(), body));
      }
    });
    add("update", Role.MANAGE, (p, uri) -> new Answer(200, changes.update(p.database(), p.namespace(), p.table(),
        p.as(RowRequests.UpdateRows.class, TABLE_ADDRESS))));
    add("deleteRecords", Role.MANAGE, (p, uri) -> new Answer(200, changes.delete(p.database(), p.namespace(),
        p.table(), p.as(RowRequests.DeleteRows.class, TABLE_ADDRESS))));
    add("query", Role.READ, (p, uri) -> new Answer(200, queries.query(p.database(), query(p, false))));
    add("timeTravel", Role.READ, (p, uri) -> new Answer(200, queries.query(p.database(), query(p, true))));
  }

  private void add(String name, Role role, Call call) {
    operations.put(name, new Operation(name, role, call));
  }

  /** The operation of that name, or the 400 that lists them. */
  Operation operation(String name) {
    if (name == null || name.isBlank()) {
      throw ApiException.badRequest("'operation' is required: one of %s", String.join(", ", operations.keySet()));
    }
    Operation operation = operations.get(name);
    if (operation == null) {
      throw ApiException.badRequest("Unknown operation '%s': one of %s", name.length() > 64 ? name.substring(0, 64) + "..." : name,
          String.join(", ", operations.keySet()));
    }
    return operation;
  }

  /** The insert's rows as the REST route's JSON body: {@code rows} (or the seed's {@code data} or {@code records}). */
  private byte[] rows(Parameters p) {
    JsonNode rows = p.get("rows");
    for (String alias : List.of("data", "records")) {
      rows = rows == null ? p.get(alias) : rows;
    }
    if (rows == null) {
      throw ApiException.badRequest("Parameter 'rows' is required: an array of row objects");
    }
    if (!rows.isArray()) {
      rows = json.createArrayNode().add(rows);
    }
    byte[] body;
    try {
      body = json.writeValueAsBytes(rows);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw ApiException.badRequest("Invalid rows: %s", e.getOriginalMessage());
    }
    long cap = maxRowsBytes.asLongValue();
    if (body.length > cap) {
      // the same cap as the insert route's body, whichever door the rows come through
      throw new ApiException(413, "Content Too Large",
          String.format("The rows take %d bytes; an insert takes at most %d (ailake.rows.max-body-bytes)", body.length, cap));
    }
    return body;
  }

  /** A provisioning or deprovisioning: 202 with the operation as GET /api/v1/ailake/operations/{id} answers it. */
  private Answer accepted(OperationService.Submitted submitted) {
    OperationsResource.OperationView view = QuarkusTransaction.joiningExisting().call(() ->
        OperationsResource.OperationView.of(operationService.find(caller.organizationId(), submitted.operationId())
            .orElseThrow(() -> new IllegalStateException("Operation " + submitted.operationId() + " vanished"))));
    return new Answer(202, view);
  }

  /**
   * The query route's request: {@code sql}, {@code asOf}, {@code maxRows}, {@code timeoutMs} (the smaller of it
   * and {@code options.timeout}). A time travel needs {@code asOf}, or the seed's {@code timestamp}, {@code
   * snapshotId} or {@code tag} beside {@code sql}, as one selector for every table.
   */
  private QueryRequest query(Parameters p, boolean timeTravel) {
    com.fasterxml.jackson.databind.node.ObjectNode body = p.as(com.fasterxml.jackson.databind.node.ObjectNode.class,
        DATABASE);
    if (timeTravel && p.get("asOf") == null) {
      com.fasterxml.jackson.databind.node.ObjectNode asOf = json.createObjectNode();
      for (String selector : List.of("timestamp", "snapshotId", "tag")) {
        JsonNode value = body.remove(selector);
        if (value != null && !value.isNull()) {
          asOf.set(selector, value);
        }
      }
      if (asOf.size() != 1) {
        throw ApiException.badRequest("timeTravel takes one of 'timestamp', 'snapshotId', 'tag' (or 'asOf') with 'sql'");
      }
      body.set("asOf", asOf);
    } else if (timeTravel && !p.get("asOf").isObject()) {
      throw ApiException.badRequest("'asOf' must be an object");
    }
    Long timeout = p.timeout();
    JsonNode given = body.get("timeoutMs");
    if (timeout != null && (given == null || given.isNull() || given.isIntegralNumber() && given.asLong() > timeout)) {
      body.put("timeoutMs", timeout); // a timeoutMs that is no number stays, for the query's own refusal
    }
    if (body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > maxQueryBytes) {
      throw new ApiException(413, "Payload Too Large",
          String.format("The query request is larger than the %d bytes a query may have", maxQueryBytes));
    }
    return QueryRequest.of(body);
  }
}
