package io.ailake.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What Spark commits through the catalog is announced in the event feed: the table's creation, and for each
 * of Spark's snapshots its data event (an INSERT, a merge-on-read UPDATE and DELETE) with Spark's own
 * snapshot id, each followed by {@code table.committed}.
 *
 * <p>Takes the system properties of {@link SparkSqlThroughCatalogTest} (see {@link ServiceApi}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkCommitEventsTest {

  private final String namespace = "events_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private SparkSession spark;

  @BeforeAll
  void startSpark() throws Exception {
    Path scratch = Files.createTempDirectory("ailake-spark-events-");
    spark = LakeSpark.start("ailake-events-test", scratch);
  }

  @AfterAll
  void stopSpark() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void sparksCommitsAreAnnouncedWithTheirSnapshots() throws Exception {
    String start = end();
    String table = "lake." + namespace + ".t";
    spark.sql("CREATE NAMESPACE lake." + namespace);
    spark.sql("CREATE TABLE " + table + " (id BIGINT, v STRING) USING iceberg TBLPROPERTIES ('format-version'='2',"
        + " 'write.update.mode'='merge-on-read', 'write.delete.mode'='merge-on-read')");
    spark.sql("INSERT INTO " + table + " VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    spark.sql("UPDATE " + table + " SET v = 'z' WHERE id = 1");
    spark.sql("DELETE FROM " + table + " WHERE id = 2");
    List<Long> snapshots = spark.sql("SELECT snapshot_id FROM " + table + ".snapshots ORDER BY committed_at")
        .collectAsList().stream().map(row -> row.getLong(0)).toList();
    assertThat(snapshots).hasSize(3);

    String resource = "databases/" + ServiceApi.databaseName() + "/tables/" + namespace + ".t";
    List<JsonNode> events = new ArrayList<>();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (events.size() < 7 && System.nanoTime() < deadline) {
      events.clear();
      events.addAll(after(start, resource));
      Thread.sleep(100);
    }
    assertThat(events).extracting(e -> e.get("type").asText()).containsExactly(
        "datalake.Table.created",
        "datalake.Data.inserted", "table.committed",
        "datalake.Data.updated", "table.committed",
        "datalake.Data.deleted", "table.committed");
    assertThat(events.get(1).at("/data/snapshotId").asLong()).isEqualTo(snapshots.get(0));
    assertThat(events.get(1).at("/data/rowsAdded").asLong()).isEqualTo(3);
    assertThat(events.get(2).at("/data/snapshotId").asLong()).isEqualTo(snapshots.get(0));
    assertThat(events.get(3).at("/data/snapshotId").asLong()).isEqualTo(snapshots.get(1));
    assertThat(events.get(5).at("/data/snapshotId").asLong()).isEqualTo(snapshots.get(2));
    assertThat(events.get(6).at("/data/snapshots/0/summary/operation").isMissingNode()).isTrue();
    assertThat(events.get(6).at("/data/snapshots/0/operation").asText()).isIn("delete", "overwrite");
  }

  /** The cursor after every event readable now. */
  private static String end() throws Exception {
    String cursor = null;
    while (true) {
      JsonNode page = ServiceApi.get("/api/v1/ailake/events?size=1000" + (cursor == null ? "" : "&after=" + cursor));
      cursor = page.get("next").asText();
      if (page.get("events").isEmpty()) {
        return cursor;
      }
    }
  }

  private static List<JsonNode> after(String cursor, String resource) throws Exception {
    List<JsonNode> found = new ArrayList<>();
    while (true) {
      JsonNode page = ServiceApi.get("/api/v1/ailake/events?size=1000&after=" + cursor);
      for (JsonNode event : page.get("events")) {
        if (event.get("resource").asText().equals(resource)) {
          found.add(event);
        }
      }
      if (page.get("events").isEmpty()) {
        return found;
      }
      cursor = page.get("next").asText();
    }
  }
}
