package io.ailake.bench.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.spark.sql.SparkSession;

/**
 * The rows benchmark's Spark phase: beside one NDJSON insert of 10-column rows over REST, a Spark 3.5
 * session that is already running (catalog {@code lake} = this service, its table cache off) (i) counts
 * the table until it sees the inserted rows, timed from the moment the insert is sent, and (ii) inserts
 * the same rows itself through the catalog ({@code INSERT INTO ... SELECT} from a DataFrame computed and
 * cached beforehand, so that only the write and its commit are timed). One warm-up round, then
 * {@code repeats} timed rounds; prints each figure's runs and median, one per line, like RowsBenchmark.
 */
public final class SparkInsertBenchmark {

  private static final String NAMESPACE = "bench";

  /** The columns of RowsBenchmark's insert table, in the table route's spelling. */
  private static final List<String> EVENT_COLUMNS = List.of(
      "id long not null", "ts timestamptz", "category string", "amount decimal(12, 2)", "note string",
      "quantity int", "ratio double", "flag boolean", "day date", "user_id long");

  /** Row i as Spark computes it: the values of {@link #ndjson}'s line i. */
  private static final String SPARK_ROWS = "SELECT id, timestamp_seconds(1700000000 + id) AS ts,"
      + " concat('c', id %% 20) AS category, CAST(id %% 10000 + (id %% 100) / 100.0 AS DECIMAL(12, 2)) AS amount,"
      + " concat('note ', id) AS note, CAST(id %% 1000 AS INT) AS quantity, id / 7.0D AS ratio,"
      + " id %% 2 = 0 AS flag, date_add(DATE '2024-01-01', CAST(id %% 365 AS INT)) AS day, id %% 5000 AS user_id"
      + " FROM range(%d)";

  private final String api;
  private final String token;
  private final int rows;
  private final int repeats;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final ObjectMapper json = new ObjectMapper();
  private final SparkSession spark;

  private SparkInsertBenchmark(Map<String, String> options) throws IOException {
    String uri = options.get("uri").replaceAll("/+$", "");
    this.token = options.get("token");
    this.api = uri + "/api/v1/ailake/database/instances/" + options.get("instance");
    this.rows = Integer.parseInt(options.get("insert-rows"));
    this.repeats = Integer.parseInt(options.get("repeats"));
    var scratch = Files.createTempDirectory("ailake-bench-spark-");
    this.spark = SparkSession.builder().master("local[2]").appName("ailake-rows-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.warehouse.dir", scratch.resolve("spark-warehouse").toUri().toString())
        .config("spark.local.dir", scratch.resolve("local").toString())
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
        .config("spark.sql.catalog.lake", "org.apache.iceberg.spark.SparkCatalog")
        .config("spark.sql.catalog.lake.type", "rest")
        .config("spark.sql.catalog.lake.uri", uri + "/iceberg")
        .config("spark.sql.catalog.lake.warehouse", options.get("warehouse"))
        .config("spark.sql.catalog.lake.token", token)
        // every count asks the catalog for the table's current snapshot
        .config("spark.sql.catalog.lake.cache-enabled", "false")
        .getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>(Map.of(
        "insert-rows", "100000", "repeats", "5", "instance", "lake", "warehouse", "lake"));
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    if (!options.containsKey("uri") || !options.containsKey("token")) {
      System.err.println("usage: SparkInsertBenchmark --uri http://HOST:PORT --token SECRET [--insert-rows 100000]"
          + " [--repeats 5] [--instance lake] [--warehouse lake]");
      System.exit(2);
    }
    SparkInsertBenchmark benchmark = new SparkInsertBenchmark(options);
    try {
      benchmark.run();
    } finally {
      benchmark.spark.stop();
    }
  }

  private void run() throws Exception {
    createTable("events_rest_spark");
    createTable("events_spark");
    String body = ndjson();
    spark.sql(String.format(Locale.ROOT, SPARK_ROWS, rows)).cache().createOrReplaceTempView("prepared");
    long prepared = spark.sql("SELECT count(*) FROM prepared").first().getLong(0);
    // the session has planned and run a query of the table once before it is timed
    spark.sql("SELECT count(*) FROM lake." + NAMESPACE + ".events_rest_spark").first();

    double[] insertSeconds = new double[repeats];
    double[] seenMs = new double[repeats];
    double[] seenAfterAnswerMs = new double[repeats];
    int[] counts = new int[repeats];
    double[] sparkSeconds = new double[repeats];
    for (int round = -1; round < repeats; round++) {
      long expected = (long) (round + 2) * rows;
      long started = System.nanoTime();
      post("/tables/" + NAMESPACE + "/events_rest_spark/rows", "application/x-ndjson", body, 201);
      long answered = System.nanoTime();
      int queries = 0;
      long seen;
      while (true) {
        queries++;
        long counted = spark.sql("SELECT count(*) FROM lake." + NAMESPACE + ".events_rest_spark").first().getLong(0);
        seen = System.nanoTime();
        if (counted == expected) {
          break;
        }
        if (seen - started > Duration.ofMinutes(2).toNanos()) {
          throw new IllegalStateException("Spark counted " + counted + ", not " + expected + ", for 2 minutes");
        }
        Thread.sleep(5);
      }

      long before = System.nanoTime();
      spark.sql("INSERT INTO lake." + NAMESPACE + ".events_spark SELECT * FROM prepared");
      long inserted = System.nanoTime();
      if (round >= 0) {
        insertSeconds[round] = (answered - started) / 1e9;
        seenMs[round] = (seen - started) / 1e6;
        seenAfterAnswerMs[round] = (seen - answered) / 1e6;
        counts[round] = queries;
        sparkSeconds[round] = (inserted - before) / 1e9;
      }
    }
    long sparkCount = spark.sql("SELECT count(*) FROM lake." + NAMESPACE + ".events_spark").first().getLong(0);
    if (prepared != rows || sparkCount != (long) (repeats + 1) * rows) {
      throw new IllegalStateException("Spark's table holds " + sparkCount + " rows after " + (repeats + 1)
          + " inserts of " + prepared);
    }

    String what = String.format(Locale.ROOT, "%,d rows x 10 columns, %.1f MiB", rows,
        body.getBytes(StandardCharsets.UTF_8).length / 1048576.0);
    figure("Spark phase: NDJSON insert, one call (" + what + ")", String.format(Locale.ROOT,
        "median %.2f s, %,.0f rows/s (runs: %s s; 1 warm-up before)", median(insertSeconds),
        rows / median(insertSeconds), each(insertSeconds, "%.2f")));
    figure("insert: time from sending it until a running Spark session's count(*) sees the rows",
        String.format(Locale.ROOT, "median %.0f ms (runs: %s ms; of which after the 201: median %.0f ms,"
            + " count queries per run: %s)", median(seenMs), each(seenMs, "%.0f"), median(seenAfterAnswerMs),
            Arrays.toString(counts)));
    figure("Spark's own INSERT of the same " + rows + " rows through the catalog (running session, rows"
        + " cached beforehand)", String.format(Locale.ROOT, "median %.2f s, %,.0f rows/s (runs: %s s)",
        median(sparkSeconds), rows / median(sparkSeconds), each(sparkSeconds, "%.2f")));
    figure("ratio REST insert rows/s : Spark INSERT rows/s", String.format(Locale.ROOT, "%.2fx",
        median(sparkSeconds) / median(insertSeconds)));
  }

  /** The NDJSON lines RowsBenchmark sends: row i's values computed from i alone. */
  private String ndjson() {
    StringBuilder ndjson = new StringBuilder(rows * 200);
    for (int i = 0; i < rows; i++) {
      ndjson.append(String.format(Locale.ROOT,
          "{\"id\":%d,\"ts\":\"%s\",\"category\":\"c%d\",\"amount\":%d.%02d,\"note\":\"note %d\","
              + "\"quantity\":%d,\"ratio\":%s,\"flag\":%b,\"day\":\"%s\",\"user_id\":%d}\n",
          i, Instant.ofEpochSecond(1_700_000_000L + i), i % 20, i % 10000, i % 100, i, i % 1000, i / 7.0,
          i % 2 == 0, LocalDate.of(2024, 1, 1).plusDays(i % 365), i % 5000));
    }
    return ndjson.toString();
  }

  private void createTable(String name) throws Exception {
    StringJoiner list = new StringJoiner(", ", "[", "]");
    for (String column : EVENT_COLUMNS) {
      String[] parts = column.split(" ", 2);
      boolean required = parts[1].endsWith(" not null");
      list.add(String.format(Locale.ROOT, "{\"name\":\"%s\",\"type\":\"%s\"%s}", parts[0],
          parts[1].replace(" not null", ""), required ? ",\"nullable\":false" : ""));
    }
    spark.sql("DROP TABLE IF EXISTS lake." + NAMESPACE + "." + name);
    post("/tables", "application/json",
        "{\"namespace\":\"" + NAMESPACE + "\",\"name\":\"" + name + "\",\"columns\":" + list + "}", 201);
  }

  private JsonNode post(String path, String contentType, String body, int expected) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(api + path))
        .timeout(Duration.ofMinutes(10))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", contentType)
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != expected) {
        throw new IllegalStateException("POST " + path + " answered " + response.statusCode() + ": " + response.body());
      }
      return json.readTree(response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static String each(double[] values, String format) {
    StringJoiner joined = new StringJoiner(", ");
    for (double value : values) {
      joined.add(String.format(Locale.ROOT, format, value));
    }
    return joined.toString();
  }

  private static void figure(String name, String value) {
    System.out.println(name + ": " + value);
    System.out.flush();
  }
}
