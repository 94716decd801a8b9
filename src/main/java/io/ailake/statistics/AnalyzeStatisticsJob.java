package io.ailake.statistics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ailake.api.ApiException;
import io.ailake.iceberg.CatalogObject;
import io.ailake.iceberg.OrganizationLocations;
import io.ailake.iceberg.ServerTables;
import io.ailake.iceberg.Warehouse;
import io.ailake.lake.DatabaseInstances;
import io.ailake.operations.JobHandler;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.iceberg.GenericBlobMetadata;
import org.apache.iceberg.GenericStatisticsFile;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StatisticsFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.puffin.Puffin;
import org.apache.iceberg.puffin.PuffinWriter;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * Analyzes tables: reads every live row of a table's current snapshot, writes one Puffin file with a theta
 * sketch per column next to the table's metadata, and attaches it to the snapshot as its statistics file
 * (replacing, then deleting, the snapshot's previous one).
 *
 * <p>Idempotent: the file a job writes for a table and snapshot has a name derived from the job's run id,
 * so an attempt that dies after writing or after committing is finished by the next attempt, which ends
 * with the same file attached and the replaced one deleted.
 */
@ApplicationScoped
public class AnalyzeStatisticsJob implements JobHandler {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CREATED_BY = "ailake";

  private final ServerTables serverTables;

  AnalyzeStatisticsJob(ServerTables serverTables) {
    this.serverTables = serverTables;
  }

  @Override
  public String kind() {
    return StatisticsService.KIND;
  }

  /** What the job needs: the database, a run id for its file names, and the tables (none = all). */
  static Map<String, String> payload(Warehouse warehouse, List<TableIdentifier> tables) {
    Map<String, String> payload = new HashMap<>();
    payload.put("warehouseId", warehouse.id.toString());
    payload.put("runId", UUID.randomUUID().toString());
    if (!tables.isEmpty()) {
      payload.put("tables", names(tables));
    }
    return payload;
  }

  static String names(List<TableIdentifier> tables) {
    try {
      return JSON.writeValueAsString(tables.stream().map(TableNames::format).toList());
    } catch (JsonProcessingException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  @Override
  public Map<String, Object> run(Map<String, String> payload) throws IOException {
    UUID warehouseId = UUID.fromString(payload.get("warehouseId"));
    Warehouse warehouse =
        QuarkusTransaction.requiringNew().call(() -> Warehouse.<Warehouse>findById(warehouseId));
    if (warehouse == null) {
      throw ApiException.notFound("Database %s was deleted before its tables were analyzed", warehouseId);
    }
    DatabaseInstances.requireReady(warehouse);
    List<TableIdentifier> identifiers =
        payload.containsKey("tables")
            ? JSON.readValue(payload.get("tables"), new TypeReference<List<String>>() {}).stream()
                .map(TableNames::parse)
                .toList()
            : QuarkusTransaction.requiringNew().call(() -> CatalogObject.tables(warehouseId));
    List<Map<String, Object>> tables = new ArrayList<>();
    for (TableIdentifier identifier : identifiers) {
      tables.add(analyze(warehouse, identifier, payload.get("runId")));
    }
    return Map.of("tables", tables);
  }

  private Map<String, Object> analyze(Warehouse warehouse, TableIdentifier identifier, String runId)
      throws IOException {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("name", TableNames.format(identifier));
    Table table;
    try {
      table = serverTables.load(warehouse, identifier);
    } catch (NoSuchTableException dropped) {
      result.put("skipped", "the table was dropped before it was analyzed");
      return result;
    }
    Snapshot snapshot = table.currentSnapshot();
    if (snapshot == null) {
      result.put("skipped", "the table has no snapshot: nothing was written to it yet");
      return result;
    }
    long snapshotId = snapshot.snapshotId();
    Schema schema = SnapshotUtil.schemaFor(table, snapshotId);
    List<ColumnSketch> columns = ColumnSketch.of(schema);
    long rowCount = 0;
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(table).useSnapshot(snapshotId).project(schema).build()) {
      for (Record row : rows) {
        rowCount++;
        for (ColumnSketch column : columns) {
          column.add(row.get(column.position()));
        }
      }
    } catch (OrganizationLocations.LocationOutsideStoragesException foreign) {
      // a client's manifests may name any file; the table's reads stop at its organization's storages
      result.put("skipped", foreign.getMessage());
      return result;
    }

    TableOperations ops = ((HasTableOperations) table).operations();
    String fileName = snapshotId + "-"
        + UUID.nameUUIDFromBytes((runId + "/" + identifier).getBytes(StandardCharsets.UTF_8)) + ".stats";
    String path = ops.metadataFileLocation(fileName);
    Optional<String> previous = statisticsPath(ops.current(), snapshotId);
    if (previous.isPresent() && previous.get().equals(path)) {
      // an earlier attempt of this job committed: finish what it may have left, the replaced file
      replacedBy(ops, snapshotId, path).ifPresent(replaced -> deleteUnlessAttached(table, replaced));
    } else {
      table.updateStatistics().setStatistics(write(table, snapshot, columns, path)).commit();
      previous.ifPresent(replaced -> deleteUnlessAttached(table, replaced));
    }

    result.put("snapshotId", snapshotId);
    result.put("rowCount", rowCount);
    result.put("statisticsFile", path);
    List<Map<String, Object>> columnResults = new ArrayList<>();
    for (ColumnSketch column : columns) {
      Map<String, Object> columnResult = new LinkedHashMap<>();
      columnResult.put("name", column.name());
      columnResult.put("nullCount", column.nullCount());
      columnResult.put("distinctCount", column.sketched() ? column.distinctCount() : null);
      columnResults.add(columnResult);
    }
    result.put("columns", columnResults);
    return result;
  }

  private static StatisticsFile write(Table table, Snapshot snapshot, List<ColumnSketch> columns, String path)
      throws IOException {
    FileIO io = table.io();
    if (io.newInputFile(path).exists()) {
      io.deleteFile(path); // left by an attempt that died before its commit
    }
    try (PuffinWriter writer = Puffin.write(io.newOutputFile(path)).createdBy(CREATED_BY).build()) {
      for (ColumnSketch column : columns) {
        if (column.sketched()) {
          writer.add(column.blob(snapshot));
        }
      }
      writer.finish();
      return new GenericStatisticsFile(
          snapshot.snapshotId(),
          path,
          writer.fileSize(),
          writer.footerSize(),
          GenericBlobMetadata.from(writer.writtenBlobsMetadata()));
    }
  }

  private static Optional<String> statisticsPath(TableMetadata metadata, long snapshotId) {
    return metadata.statisticsFiles().stream()
        .filter(file -> file.snapshotId() == snapshotId)
        .map(StatisticsFile::path)
        .findFirst();
  }

  /**
   * The statistics file that the commit attaching {@code path} replaced, found in the table's metadata log:
   * the snapshot's file in the newest version before the one that attached {@code path}.
   */
  private static Optional<String> replacedBy(TableOperations ops, long snapshotId, String path) {
    List<TableMetadata.MetadataLogEntry> log = ops.current().previousFiles();
    for (int i = log.size() - 1; i >= 0; i--) {
      TableMetadata version;
      try {
        version = TableMetadataParser.read(ops.io(), log.get(i).file());
      } catch (NotFoundException | UncheckedIOException gone) {
        return Optional.empty(); // the log's older files were cleaned up: nothing left to learn
      } catch (OrganizationLocations.LocationOutsideStoragesException foreign) {
        return Optional.empty(); // a registered table's log may name files the service must not read
      }
      Optional<String> attached = statisticsPath(version, snapshotId);
      if (attached.isEmpty() || !attached.get().equals(path)) {
        return attached;
      }
    }
    return Optional.empty();
  }

  /** Deletes a replaced statistics file, unless a concurrent analysis attached it again meanwhile. */
  private static void deleteUnlessAttached(Table table, String replaced) {
    table.refresh();
    if (table.statisticsFiles().stream().noneMatch(file -> file.path().equals(replaced))) {
      table.io().deleteFile(replaced);
    }
  }
}
