package io.ailake.pipe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ailake.api.ApiException;
import io.ailake.iceberg.NamespaceService;
import io.ailake.iceberg.ServerTables;
import io.ailake.iceberg.TableService;
import io.ailake.operations.JobHandler;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.rest.requests.CreateNamespaceRequest;
import org.apache.iceberg.rest.requests.CreateTableRequest;
import org.apache.parquet.schema.MessageType;

/** The durable operations on pipe tables: create (with its first load), delete, refresh a partition. */
final class PipeTableJobs {

  static final String CREATE = "create-pipe-table";
  static final String DELETE = "delete-pipe-table";
  static final String REFRESH = "refresh-partition";
  /** Marks the Iceberg table a pipe created, so a retried create recognizes its own table. */
  static final String PIPE_PROPERTY = "ailake.pipe-table-id";

  private static final ObjectMapper JSON = new ObjectMapper();

  private PipeTableJobs() {}

  static String encode(Map<String, String> partition) {
    try {
      return JSON.writeValueAsString(partition);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static Map<String, String> decode(String partition) {
    try {
      return JSON.readValue(partition, new TypeReference<LinkedHashMap<String, String>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /**
   * Infers the table from the files there are, creates it, and loads them. Idempotent: a rerun finds
   * its own table (by {@link #PIPE_PROPERTY}) and loads only what is not loaded yet.
   */
  @ApplicationScoped
  static class Create implements JobHandler {
    private final PipeLoader loader;
    private final TableService tables;
    private final NamespaceService namespaces;
    private final ServerTables serverTables;

    Create(PipeLoader loader, TableService tables, NamespaceService namespaces, ServerTables serverTables) {
      this.loader = loader;
      this.tables = tables;
      this.namespaces = namespaces;
      this.serverTables = serverTables;
    }

    @Override
    public String kind() {
      return CREATE;
    }

    @Override
    public Map<String, Object> run(Map<String, String> payload) {
      UUID pipeId = UUID.fromString(payload.get("pipeTableId"));
      PipeLoader.Context context = loader.context(pipeId);
      if (context == null) {
        throw ApiException.conflict("The pipe table was deleted before it was created");
      }
      PipeTable pipe = context.pipe();
      return loader.withLease(pipeId, pipe.tableName, () -> {
        if (PipeTable.CREATING.equals(pipe.state)) {
          createTable(context);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("pipeTableId", pipe.id.toString());
        result.put("tableName", pipe.tableName);
        result.putAll(loader.loadNew(pipeId).asResult());
        return result;
      });
    }

    private void createTable(PipeLoader.Context context) {
      PipeTable pipe = context.pipe();
      List<PipeSource.SourceFile> files = PipeSource.list(context.source(), context.root(), null);
      if (files.isEmpty()) {
        throw ApiException.badRequest(
            "No parquet files under '%s' of storage %s: a pipe table infers its columns from them; add files first",
            pipe.pathPrefix, pipe.definition.sourceStorageName());
      }
      Map<String, MessageType> footers = new LinkedHashMap<>();
      Map<String, Map<String, String>> hive = new LinkedHashMap<>();
      for (PipeSource.SourceFile file : files) {
        try {
          footers.put(file.path(), PipeSource.footer(context.source().newInputFile(file.location(), file.size())));
        } catch (UncheckedIOException e) {
          throw ApiException.badRequest("%s is not a readable parquet file: %s", file.path(),
              e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
        }
        hive.put(file.path(), file.hive());
      }
      PipeDefinition definition = PipeDefinition.infer(pipe.definition, footers, hive);
      Namespace namespace = Namespace.of(pipe.namespace);
      if (!namespaces.exists(context.warehouse(), namespace)) {
        try {
          namespaces.create(context.warehouse(), CreateNamespaceRequest.builder().withNamespace(namespace).build());
        } catch (AlreadyExistsException raced) {
          // another create made it meanwhile
        }
      }
      if (tables.exists(context.warehouse(), context.identifier())) {
        String owner = serverTables.load(context.warehouse(), context.identifier()).properties().get(PIPE_PROPERTY);
        if (!pipe.id.toString().equals(owner)) {
          throw ApiException.conflict("A table named %s already exists in namespace %s of database %s",
              pipe.tableName, pipe.namespace, context.warehouse().name);
        }
      } else {
        Map<String, String> properties = new HashMap<>(definition.properties());
        properties.put(PIPE_PROPERTY, pipe.id.toString());
        tables.create(context.warehouse(), namespace, CreateTableRequest.builder()
            .withName(pipe.tableName)
            .withSchema(definition.schema())
            .withPartitionSpec(definition.spec())
            .setProperties(properties)
            .build());
      }
      loader.logs().info(context.log(), "Table created", "table", context.identifier().toString(),
          "columns", definition.schema().columns().size(), "sourceFiles", files.size());
      QuarkusTransaction.requiringNew().run(() -> {
        PipeTable row = PipeTable.findById(pipe.id);
        row.columns = PipeDefinition.columnInfo(pipe.definition, definition.schema());
        row.partitionColumns = definition.hiveColumns();
        row.state = PipeTable.ACTIVE;
        row.updatedAt = Instant.now();
      });
    }

    @Override
    public void failed(Map<String, String> payload, String detail) {
      QuarkusTransaction.requiringNew().run(() -> PipeTable.update(
          "state = ?1, stateDetail = ?2 where id = ?3 and state = ?4",
          PipeTable.FAILED, detail, UUID.fromString(payload.get("pipeTableId")), PipeTable.CREATING));
    }
  }

  /** Drops the pipe's table with its files (the source files stay) and removes the pipe. */
  @ApplicationScoped
  static class Delete implements JobHandler {
    private final PipeLoader loader;
    private final TableService tables;
    private final ServerTables serverTables;

    Delete(PipeLoader loader, TableService tables, ServerTables serverTables) {
      this.loader = loader;
      this.tables = tables;
      this.serverTables = serverTables;
    }

    @Override
    public String kind() {
      return DELETE;
    }

    @Override
    public Map<String, Object> run(Map<String, String> payload) {
      UUID pipeId = UUID.fromString(payload.get("pipeTableId"));
      PipeLoader.Context context = loader.context(pipeId);
      if (context == null) {
        return null; // an earlier attempt finished
      }
      return loader.withLease(pipeId, context.pipe().tableName, () -> {
        if (tables.exists(context.warehouse(), context.identifier())) {
          String owner = serverTables.load(context.warehouse(), context.identifier()).properties().get(PIPE_PROPERTY);
          if (pipeId.toString().equals(owner)) {
            tables.drop(context.warehouse().organizationId, context.warehouse().name, context.identifier(), true);
          }
        }
        loader.logs().info(context.log(), "Pipe table deleted: its table was dropped, the source files stay");
        QuarkusTransaction.requiringNew().run(() -> PipeTable.deleteById(pipeId));
        return Map.of("tableName", context.pipe().tableName);
      });
    }
  }

  /** Replaces one Hive partition's rows with what its files hold now. */
  @ApplicationScoped
  static class Refresh implements JobHandler {
    private final PipeLoader loader;

    Refresh(PipeLoader loader) {
      this.loader = loader;
    }

    @Override
    public String kind() {
      return REFRESH;
    }

    @Override
    public Map<String, Object> run(Map<String, String> payload) {
      UUID pipeId = UUID.fromString(payload.get("pipeTableId"));
      Map<String, String> partition = decode(payload.get("partitionSpec"));
      PipeLoader.Context context = loader.context(pipeId);
      if (context == null || !PipeTable.ACTIVE.equals(context.pipe().state)) {
        throw ApiException.conflict("The pipe table is no longer active");
      }
      return loader.withLease(pipeId, context.pipe().tableName, () -> {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("partitionSpec", partition);
        result.putAll(loader.refresh(pipeId, partition).asResult());
        return result;
      });
    }
  }
}
