package io.ailake.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The service's SQL route (POST /api/v1/ailake/database/instances/{warehouse}/query, embedded DuckDB)
 * reads what Spark wrote exactly as Spark reads it: after inserts, updates, deletes and a merge in
 * copy-on-write and in merge-on-read mode, a renamed, an added and a dropped column, the count and a
 * checksum of every row agree, now and as of the first snapshot.
 *
 * <p>Takes the system properties of {@link SparkSqlThroughCatalogTest} (see {@link ServiceApi}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryRouteAgreesWithSparkTest {

  private final String namespace = "route_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private SparkSession spark;
  private Path scratch;

  @BeforeAll
  void startSpark() throws Exception {
    scratch = Files.createTempDirectory("ailake-spark-route-");
    spark = LakeSpark.start("ailake-query-route-test", scratch);
    spark.sql("CREATE NAMESPACE lake." + namespace);
  }

  @AfterAll
  void stopSpark() {
    if (spark != null) {
      spark.stop();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"copy-on-write", "merge-on-read"})
  void countAndChecksumAgreeAfterRowChangesAndSchemaEvolution(String mode) throws Exception {
    String name = namespace + ".t_" + mode.replace('-', '_');
    String table = "lake." + name;
    spark.sql("CREATE TABLE " + table + " (id BIGINT, name STRING, qty INT, day DATE) USING iceberg"
        + " PARTITIONED BY (day) TBLPROPERTIES ('format-version'='2', 'write.delete.mode'='" + mode + "',"
        + " 'write.update.mode'='" + mode + "', 'write.merge.mode'='" + mode + "')");
    spark.sql("INSERT INTO " + table + " SELECT id, concat('n', id), CAST(id % 7 AS INT),"
        + " date_add(DATE '2024-01-01', CAST(id % 3 AS INT)) FROM range(200)");
    long first = spark.sql("SELECT snapshot_id FROM " + table + ".snapshots").first().getLong(0);
    spark.sql("UPDATE " + table + " SET qty = qty + 100 WHERE id % 5 = 0");
    spark.sql("DELETE FROM " + table + " WHERE id % 11 = 0");
    spark.sql("MERGE INTO " + table + " t USING (SELECT id, concat('m', id) AS name, 1 AS qty, DATE '2024-02-01' AS day"
        + " FROM range(190, 220)) s ON t.id = s.id"
        + " WHEN MATCHED THEN UPDATE SET t.name = 'merged' WHEN NOT MATCHED THEN INSERT *");
    spark.sql("ALTER TABLE " + table + " RENAME COLUMN name TO label");
    spark.sql("ALTER TABLE " + table + " ADD COLUMN note STRING");
    spark.sql("INSERT INTO " + table + " SELECT id, concat('late', id), 2, DATE '2024-03-01', 'noted'"
        + " FROM range(300, 310)");
    spark.sql("ALTER TABLE " + table + " DROP COLUMN qty");
    spark.sql("DELETE FROM " + table + " WHERE label = 'merged' AND id % 2 = 0");

    String checksum = "SELECT count(*), sum(id * 31 + length(coalesce(label, '')) + coalesce(length(note), 0)"
        + " + dayofmonth(day)) FROM ";
    Row spark = this.spark.sql(checksum + table).first();
    JsonNode route = ServiceApi.query(checksum + name, null);
    assertThat(route.path("rows").get(0).get(0).asLong()).isEqualTo(spark.getLong(0));
    assertThat(route.path("rows").get(0).get(1).asLong()).isEqualTo(spark.getLong(1));

    String old = "SELECT count(*), sum(id * 31 + length(name) + qty) FROM ";
    Row sparkThen = this.spark.sql(old + table + " VERSION AS OF " + first).first();
    JsonNode routeThen = ServiceApi.query(old + name, Map.of("snapshotId", first));
    assertThat(routeThen.path("rows").get(0).get(0).asLong()).isEqualTo(sparkThen.getLong(0));
    assertThat(routeThen.path("rows").get(0).get(1).asLong()).isEqualTo(sparkThen.getLong(1));
    assertThat(routeThen.path("snapshots").path(name).asLong()).isEqualTo(first);
  }
}
