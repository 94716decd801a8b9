package io.ailake.ingest;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.ailake.api.ApiException;
import io.ailake.iceberg.IcebergNames;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The bodies of the seed's sync routes (docs/ingest.md, "The seed's paths"), and the table a path names. */
public final class SeedSyncRequests {

  private SeedSyncRequests() {}

  @Schema(name = "SeedSyncStartRequest", requiredProperties = {"name", "path", "sync_type"},
      description = "The seed's start of a sync: the table is created from the first file when it is missing",
      example = """
      {"name": "transactions incremental sync 06/12/21", "path": "/data/db/transactions",
      "api_key": "cccccccc-14a1-4eb1-8964-000000000000", "sync_type": "IncrementalSync"}""")
  public record Start(
      @Schema(description = "What the sync is called in its list") String name,
      @Schema(description = "The table: /<database>/<namespace>/<table>, more middle segments for nested"
          + " namespace levels") String path,
      @Schema(description = "An API token's secret of the organization, standing for the Authorization header"
          + " (which wins when both are sent)") @JsonProperty("api_key") String apiKey,
      @Schema(description = "FullSync replaces the table's rows at the end; IncrementalSync appends",
          enumeration = {"FullSync", "IncrementalSync"}) @JsonProperty("sync_type") String syncType,
      @Schema(description = "The files' format", enumeration = {"parquet", "csv", "ndjson"},
          defaultValue = "parquet") String format) {

    /** The same start in the words of the syncs of a database; the table's database is the path's first segment. */
    SyncRequests.StartSync translated(TablePath table) {
      return new SyncRequests.StartSync(name, table.tableName(), ourSyncType(syncType), format, true, null, null);
    }

    @Override
    public String toString() {
      return "Start[name=" + name + ", path=" + path + ", sync_type=" + syncType + "]"; // never the api_key
    }
  }

  @Schema(name = "SeedSyncEndRequest", requiredProperties = {"sync_id"}, description = "The seed's end of a sync",
      example = "{\"sync_id\": 8, \"api_key\": \"cccccccc-14a1-4eb1-8964-000000000000\"}")
  public record End(
      @Schema(description = "The sync's id, from its start") @JsonProperty("sync_id") Long syncId,
      @Schema(description = "An API token's secret of the organization, standing for the Authorization header"
          + " (which wins when both are sent)") @JsonProperty("api_key") String apiKey) {

    @Override
    public String toString() {
      return "End[sync_id=" + syncId + "]"; // never the api_key
    }
  }

  /** FullSync or IncrementalSync (the seed's document also writes them with a space), in our words. */
  static String ourSyncType(String seedType) {
    String type = seedType == null ? "" : seedType.replace(" ", "").toLowerCase(Locale.ROOT);
    return switch (type) {
      case "fullsync" -> "FULL";
      case "incrementalsync" -> "INCREMENTAL";
      default -> throw ApiException.badRequest("sync_type is FullSync or IncrementalSync, got %s",
          seedType == null ? "nothing" : "'" + IcebergNames.shown(seedType) + "'");
    };
  }

  /** The table a seed path names: {@code /<database>/<namespace levels>/<table>}. */
  record TablePath(String database, List<String> namespace, String table) {

    static TablePath parse(String path) {
      if (path == null || !path.startsWith("/")) {
        throw refused(path);
      }
      List<String> segments = Arrays.asList(path.substring(1).split("/", -1));
      if (segments.size() < 3 || segments.stream().anyMatch(s -> s.isBlank() || s.contains("."))) {
        throw refused(path);
      }
      return new TablePath(segments.get(0), segments.subList(1, segments.size() - 1),
          segments.get(segments.size() - 1));
    }

    /** The path of a sync's table: its database's name, its namespace (levels separated by dots), its name. */
    static String of(String database, String namespace, String table) {
      return "/" + database + "/" + namespace.replace('.', '/') + "/" + table;
    }

    /** namespace.table, as the syncs of a database name it. */
    String tableName() {
      return String.join(".", namespace) + "." + table;
    }

    String path() {
      return "/" + database + "/" + String.join("/", namespace) + "/" + table;
    }

    private static ApiException refused(String path) {
      return ApiException.badRequest("path is /<database>/<namespace>/<table> (more middle segments for nested"
          + " namespaces; no segment empty or with a dot), got %s",
          path == null ? "nothing" : "'" + IcebergNames.shown(path) + "'");
    }
  }
}
