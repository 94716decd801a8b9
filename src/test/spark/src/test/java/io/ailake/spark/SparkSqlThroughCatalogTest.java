package io.ailake.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Spark 3.5 SQL through an Iceberg REST catalog, end to end: namespace, partitioned table, writes,
 * row-level changes, schema evolution, time travel, metadata tables, purge.
 *
 * <p>System properties:
 *
 * <ul>
 *   <li>{@code catalog.uri} (required): the REST catalog base URI, e.g. {@code http://127.0.0.1:8080/catalog}
 *   <li>{@code catalog.warehouse} (optional): the warehouse the client asks the catalog for
 *   <li>{@code catalog.prop.<name>=<value>} (optional, any number): extra catalog properties, passed
 *       as {@code spark.sql.catalog.lake.<name>}, e.g. {@code catalog.prop.s3.endpoint=http://...}
 *   <li>{@code catalog.read-credential} (optional): {@code <token id>:<secret>} of a read token, for the
 *       test of a read-only catalog
 * </ul>
 *
 * <p>The tests run in order and build on each other (one table whose history they extend). Each run
 * uses a fresh namespace, so reruns against the same catalog do not collide.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkSqlThroughCatalogTest {

  static final String CATALOG = "lake";
  static final String PROP_PREFIX = "catalog.prop.";

  private final String namespace =
      "spark_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private final String nsName = CATALOG + "." + namespace;
  private final String table = nsName + ".events";

  private Path scratch;
  private SparkSession spark;
  /** The snapshot written by the first INSERT, for time travel. */
  private Long firstInsertSnapshotId;

  @BeforeAll
  void startSpark() throws IOException {
    String uri = System.getProperty("catalog.uri");
    if (uri == null || uri.isBlank()) {
      throw new IllegalStateException("system property catalog.uri (the REST catalog URI) is required");
    }
    scratch = Files.createTempDirectory("ailake-spark-");

    Map<String, String> conf = new TreeMap<>();
    conf.put("spark.ui.enabled", "false");
    conf.put("spark.ui.showConsoleProgress", "false");
    conf.put("spark.sql.shuffle.partitions", "2");
    conf.put("spark.default.parallelism", "2");
    conf.put("spark.driver.host", "127.0.0.1");
    conf.put("spark.driver.bindAddress", "127.0.0.1");
    conf.put("spark.sql.warehouse.dir", scratch.resolve("spark-warehouse").toUri().toString());
    conf.put("spark.local.dir", scratch.resolve("local").toString());
    conf.put("spark.sql.session.timeZone", "UTC");
    // TIMESTAMP -> java.time.Instant, DATE -> java.time.LocalDate: independent of the JVM's zone
    conf.put("spark.sql.datetime.java8API.enabled", "true");
    conf.put(
        "spark.sql.extensions",
        "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions");

    String prefix = "spark.sql.catalog." + CATALOG;
    conf.put(prefix, "org.apache.iceberg.spark.SparkCatalog");
    conf.put(prefix + ".type", "rest");
    conf.put(prefix + ".uri", uri);
    String warehouse = System.getProperty("catalog.warehouse");
    if (warehouse != null && !warehouse.isBlank()) {
      conf.put(prefix + ".warehouse", warehouse);
    }
    // every statement goes to the catalog, never to a client-side table cache
    conf.put(prefix + ".cache-enabled", "false");
    for (String name : System.getProperties().stringPropertyNames()) {
      if (name.startsWith(PROP_PREFIX) && name.length() > PROP_PREFIX.length()) {
        conf.put(prefix + "." + name.substring(PROP_PREFIX.length()), System.getProperty(name));
      }
    }

    SparkSession.Builder builder =
        SparkSession.builder().master("local[2]").appName("ailake-spark-sql-test");
    conf.forEach(builder::config);
    spark = builder.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
  }

  @AfterAll
  void stopSpark() throws IOException {
    if (spark != null) {
      // best effort: leave nothing behind if a test stopped half-way
      quietly("DROP TABLE IF EXISTS " + table + " PURGE");
      quietly("DROP NAMESPACE IF EXISTS " + nsName);
      spark.stop();
    }
    if (scratch != null) {
      try (Stream<Path> paths = Files.walk(scratch)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  @Order(1)
  void createNamespaceMakesItListed() {
    assertThat(namespaces()).doesNotContain(namespace);

    sql("CREATE NAMESPACE " + nsName);

    assertThat(namespaces()).contains(namespace);
    assertThat(tables()).isEmpty();
  }

  @Test
  @Order(2)
  void createPartitionedTableKeepsSchemaAndPartitioning() {
    sql(
        "CREATE TABLE " + table + " (id INT, category STRING, ts TIMESTAMP, qty INT) USING iceberg"
            + " PARTITIONED BY (category, days(ts))"
            + " TBLPROPERTIES ('format-version'='2', 'write.delete.mode'='merge-on-read',"
            + " 'write.update.mode'='merge-on-read', 'write.merge.mode'='merge-on-read')");

    assertThat(tables()).containsExactly("events");
    assertThat(spark.table(table).columns()).containsExactly("id", "category", "ts", "qty");
    // DESCRIBE TABLE lists the partition fields as rows "Part 0", "Part 1", ...
    List<String> partitioning =
        spark.sql("DESCRIBE TABLE " + table).collectAsList().stream()
            .filter(r -> r.getString(0).startsWith("Part "))
            .map(r -> r.getString(1))
            .collect(Collectors.toList());
    assertThat(partitioning).containsExactly("category", "days(ts)");
    assertThat(rows("SELECT * FROM " + table)).isEmpty();
    assertThat(rows("SELECT * FROM " + table + ".snapshots")).isEmpty();
  }

  @Test
  @Order(3)
  void insertedRowsReadBackExactly() {
    sql(
        "INSERT INTO " + table + " VALUES"
            + " (1, 'a', TIMESTAMP '2024-01-01 10:00:00', 5),"
            + " (2, 'a', TIMESTAMP '2024-01-01 11:00:00', 7),"
            + " (3, 'b', TIMESTAMP '2024-01-02 09:30:00', 3),"
            + " (4, 'c', TIMESTAMP '2024-01-02 12:00:00', 1)");

    assertThat(rows("SELECT * FROM " + table + " ORDER BY id"))
        .containsExactly(
            row(1, "a", ts("2024-01-01T10:00:00Z"), 5),
            row(2, "a", ts("2024-01-01T11:00:00Z"), 7),
            row(3, "b", ts("2024-01-02T09:30:00Z"), 3),
            row(4, "c", ts("2024-01-02T12:00:00Z"), 1));
    // the rows landed in the partitions the spec derives from them
    assertThat(
            rows(
                "SELECT partition.category, partition.ts_day, record_count FROM "
                    + table
                    + ".partitions ORDER BY partition.category"))
        .containsExactly(
            row("a", LocalDate.parse("2024-01-01"), 2L),
            row("b", LocalDate.parse("2024-01-02"), 1L),
            row("c", LocalDate.parse("2024-01-02"), 1L));
    // a filter on the partition source column still returns exactly the matching rows
    assertThat(rows("SELECT id FROM " + table + " WHERE ts >= TIMESTAMP '2024-01-02 00:00:00' ORDER BY id"))
        .containsExactly(row(3), row(4));

    List<List<Object>> snapshots = rows("SELECT snapshot_id, operation FROM " + table + ".snapshots");
    assertThat(snapshots).hasSize(1);
    assertThat(snapshots.get(0).get(1)).isEqualTo("append");
    firstInsertSnapshotId = (Long) snapshots.get(0).get(0);
  }

  @Test
  @Order(4)
  void updateAndDeleteChangeExactlyTheMatchingRows() {
    sql("UPDATE " + table + " SET qty = qty * 10 WHERE category = 'a'");

    assertThat(rows("SELECT id, qty FROM " + table + " ORDER BY id"))
        .containsExactly(row(1, 50), row(2, 70), row(3, 3), row(4, 1));

    sql("DELETE FROM " + table + " WHERE id = 2");

    assertThat(rows("SELECT * FROM " + table + " ORDER BY id"))
        .containsExactly(
            row(1, "a", ts("2024-01-01T10:00:00Z"), 50),
            row(3, "b", ts("2024-01-02T09:30:00Z"), 3),
            row(4, "c", ts("2024-01-02T12:00:00Z"), 1));
    assertThat(rows("SELECT count(*) FROM " + table + " WHERE category = 'a'")).containsExactly(row(1L));
  }

  @Test
  @Order(5)
  void addedAndRenamedColumnsAreReadable() {
    sql("ALTER TABLE " + table + " ADD COLUMN note STRING");
    sql("INSERT INTO " + table + " VALUES (5, 'b', TIMESTAMP '2024-01-03 08:00:00', 2, 'late')");
    sql("ALTER TABLE " + table + " RENAME COLUMN qty TO quantity");

    assertThat(spark.table(table).columns())
        .containsExactly("id", "category", "ts", "quantity", "note");
    assertThat(rows("SELECT id, quantity, note FROM " + table + " ORDER BY id"))
        .containsExactly(row(1, 50, null), row(3, 3, null), row(4, 1, null), row(5, 2, "late"));
    assertThat(rows("SELECT id FROM " + table + " WHERE note = 'late'")).containsExactly(row(5));
    assertThatThrownBy(() -> spark.sql("SELECT qty FROM " + table).collectAsList())
        .isInstanceOf(AnalysisException.class);
  }

  @Test
  @Order(6)
  void versionAsOfReturnsTheOlderContents() {
    assertThat(firstInsertSnapshotId).as("snapshot id recorded by the INSERT test").isNotNull();

    String older = "SELECT * FROM " + table + " VERSION AS OF " + firstInsertSnapshotId;
    // the older snapshot is read with its own schema: no note column, qty not yet renamed
    assertThat(spark.sql(older).columns()).containsExactly("id", "category", "ts", "qty");
    assertThat(rows(older + " ORDER BY id"))
        .containsExactly(
            row(1, "a", ts("2024-01-01T10:00:00Z"), 5),
            row(2, "a", ts("2024-01-01T11:00:00Z"), 7),
            row(3, "b", ts("2024-01-02T09:30:00Z"), 3),
            row(4, "c", ts("2024-01-02T12:00:00Z"), 1));
    // while the current version still has the later changes
    assertThat(rows("SELECT id FROM " + table + " ORDER BY id"))
        .containsExactly(row(1), row(3), row(4), row(5));
  }

  @Test
  @Order(7)
  void snapshotsTableListsEveryCommitInOrder() {
    List<List<Object>> snapshots =
        rows("SELECT snapshot_id, parent_id, operation FROM " + table + ".snapshots");
    // INSERT, UPDATE, DELETE, INSERT; schema changes do not add snapshots
    assertThat(snapshots).hasSize(4);

    // follow the parent links from the root: one linear history
    Map<Object, List<Object>> byParent = new HashMap<>();
    for (List<Object> s : snapshots) {
      assertThat(byParent.put(s.get(1), s)).as("two snapshots with parent %s", s.get(1)).isNull();
    }
    List<Long> ids = new ArrayList<>();
    List<String> operations = new ArrayList<>();
    List<Object> next = byParent.get(null);
    while (next != null) {
      ids.add((Long) next.get(0));
      operations.add((String) next.get(2));
      next = byParent.get(next.get(0));
    }
    assertThat(ids).hasSize(4);
    assertThat(ids.get(0)).isEqualTo(firstInsertSnapshotId);
    // merge-on-read: the UPDATE adds data + delete files (overwrite), the DELETE only delete files
    assertThat(operations).containsExactly("append", "overwrite", "delete", "append");

    // the table's current snapshot is the newest one
    List<List<Object>> main =
        rows("SELECT snapshot_id FROM " + table + ".refs WHERE name = 'main'");
    assertThat(main).containsExactly(row(ids.get(3)));
    assertThat(rows("SELECT snapshot_id FROM " + table + ".history")).hasSize(4);
  }

  /**
   * CREATE TABLE AS SELECT and REPLACE TABLE AS SELECT are staged creates (the table is created with
   * stage-create, written, then committed with assert-create): the paths that read the namespace's
   * location and that Trino's CREATE TABLE takes too.
   */
  @Test
  @Order(8)
  void stagedCreateAndReplaceAsSelectCommitOnce() {
    String copy = nsName + ".events_copy";
    try {
      assertThat(rows("DESCRIBE NAMESPACE EXTENDED " + nsName).stream()
              .map(r -> r.get(0) + "=" + r.get(1)).collect(Collectors.toList()))
          .as("the namespace's location, which Spark and Trino place staged tables under")
          .anySatisfy(line -> assertThat(line).startsWith("Location=").contains(namespace));

      sql("CREATE TABLE " + copy + " USING iceberg PARTITIONED BY (category) AS SELECT * FROM " + table);
      assertThat(rows("SELECT * FROM " + copy + " ORDER BY id"))
          .isEqualTo(rows("SELECT * FROM " + table + " ORDER BY id"));
      assertThat(rows("SELECT count(*) FROM " + copy + ".snapshots")).containsExactly(row(1L));
      String location = (String) rows("SELECT file_path FROM " + copy + ".files").get(0).get(0);
      assertThat(location).as("the copy's data lies under its namespace's location").contains("/" + namespace + "/");

      sql("REPLACE TABLE " + copy + " USING iceberg AS SELECT id, category FROM " + table + " WHERE id < 4");
      assertThat(spark.table(copy).columns()).containsExactly("id", "category");
      assertThat(rows("SELECT id FROM " + copy + " ORDER BY id"))
          .isEqualTo(rows("SELECT id FROM " + table + " WHERE id < 4 ORDER BY id"));
      // one table with two snapshots: the replace is a new snapshot of the same table
      assertThat(rows("SELECT count(*) FROM " + copy + ".snapshots")).containsExactly(row(2L));
      assertThat(tables()).contains("events_copy");
    } finally {
      quietly("DROP TABLE IF EXISTS " + copy + " PURGE");
    }
    assertThat(tables()).doesNotContain("events_copy");
  }

  @Test
  @Order(9)
  void dropTablePurgeRemovesTheTable() {
    sql("DROP TABLE " + table + " PURGE");

    assertThat(tables()).doesNotContain("events");
    assertThatThrownBy(() -> spark.sql("SELECT * FROM " + table).collectAsList())
        .isInstanceOf(AnalysisException.class)
        .hasMessageContaining("TABLE_OR_VIEW_NOT_FOUND");
  }

  @Test
  @Order(10)
  void dropNamespaceRemovesIt() {
    sql("DROP NAMESPACE " + nsName);

    assertThat(namespaces()).doesNotContain(namespace);
  }

  /**
   * With {@code catalog.read-credential=<token id>:<secret>} (a token of the read role), a second catalog
   * configured with it reads what the first one wrote, and an INSERT through it fails with the
   * catalog's refusal.
   */
  @Test
  @Order(11)
  void aCatalogWithAReadTokenSelectsButCannotInsert() {
    String credential = System.getProperty("catalog.read-credential");
    org.junit.jupiter.api.Assumptions.assumeTrue(credential != null && !credential.isBlank(),
        "catalog.read-credential not given");
    String readNamespace = namespace + "_read";
    sql("CREATE NAMESPACE " + CATALOG + "." + readNamespace);
    sql("CREATE TABLE " + CATALOG + "." + readNamespace + ".seen (id BIGINT) USING iceberg");
    sql("INSERT INTO " + CATALOG + "." + readNamespace + ".seen VALUES (1), (2)");
    try {
      String prefix = "spark.sql.catalog.reader";
      spark.conf().set(prefix, "org.apache.iceberg.spark.SparkCatalog");
      spark.conf().set(prefix + ".type", "rest");
      spark.conf().set(prefix + ".uri", System.getProperty("catalog.uri"));
      String warehouse = System.getProperty("catalog.warehouse");
      if (warehouse != null && !warehouse.isBlank()) {
        spark.conf().set(prefix + ".warehouse", warehouse);
      }
      spark.conf().set(prefix + ".cache-enabled", "false");
      spark.conf().set(prefix + ".credential", credential);
      for (String name : System.getProperties().stringPropertyNames()) {
        if (name.startsWith(PROP_PREFIX) && !name.equals(PROP_PREFIX + "token")) {
          spark.conf().set(prefix + "." + name.substring(PROP_PREFIX.length()), System.getProperty(name));
        }
      }

      assertThat(rows("SELECT count(*) FROM reader." + readNamespace + ".seen"))
          .containsExactly(List.of(2L));
      assertThatThrownBy(() -> sql("INSERT INTO reader." + readNamespace + ".seen VALUES (3)"))
          .hasStackTraceContaining("ForbiddenException")
          .hasStackTraceContaining("read token may not POST");
      assertThat(rows("SELECT count(*) FROM " + CATALOG + "." + readNamespace + ".seen"))
          .containsExactly(List.of(2L));
    } finally {
      quietly("DROP TABLE IF EXISTS " + CATALOG + "." + readNamespace + ".seen PURGE");
      quietly("DROP NAMESPACE IF EXISTS " + CATALOG + "." + readNamespace);
    }
  }

  // ---------------------------------------------------------------------------------------------

  private void sql(String statement) {
    spark.sql(statement).collectAsList();
  }

  private void quietly(String statement) {
    try {
      sql(statement);
    } catch (RuntimeException e) {
      System.err.println("cleanup failed: " + statement + ": " + e);
    }
  }

  /** The result of a query as plain Java values (Instant for TIMESTAMP, LocalDate for DATE). */
  private List<List<Object>> rows(String query) {
    List<List<Object>> result = new ArrayList<>();
    for (Row r : spark.sql(query).collectAsList()) {
      List<Object> values = new ArrayList<>(r.length());
      for (int i = 0; i < r.length(); i++) {
        values.add(r.get(i));
      }
      result.add(values);
    }
    return result;
  }

  private List<String> namespaces() {
    return spark.sql("SHOW NAMESPACES IN " + CATALOG).collectAsList().stream()
        .map(r -> r.getString(0))
        .collect(Collectors.toList());
  }

  private List<String> tables() {
    return spark.sql("SHOW TABLES IN " + nsName).collectAsList().stream()
        .map(r -> r.getAs("tableName").toString().toLowerCase(Locale.ROOT))
        .collect(Collectors.toList());
  }

  private static List<Object> row(Object... values) {
    return Arrays.asList(values);
  }

  private static Instant ts(String iso) {
    return Instant.parse(iso);
  }
}
