package io.ailake.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;

/**
 * The row and query routes against their baselines, in one run, talking only HTTP and JDBC to processes:
 * TPC-H Q1 over a generated lineitem-like table through {@code /query}, beside DuckDB reading the same
 * Parquet files directly and Trino reading them through this catalog; a point query's p50/p99 over REST;
 * one NDJSON insert of 10-column rows (rows/s, and the time until an Iceberg client and Trino see them,
 * beside Trino's own INSERT of the same rows); the service's peak RSS during the Q1 runs. Prints one
 * figure per line with its target.
 *
 * <p>The lineitem files are written by DuckDB (with the table's field ids) into the table's data
 * directory and appended by Iceberg's Java REST client: the warehouse must be on this machine's disk.
 */
public final class RowsBenchmark {

  private static final String NAMESPACE = "bench";
  /** Point queries sent before the measured ones, per client: the service's query path is compiled by then. */
  private static final int WARM_UP = 200;

  private static final Schema LINEITEM = new Schema(
      Types.NestedField.required(1, "l_orderkey", Types.LongType.get()),
      Types.NestedField.required(2, "l_partkey", Types.LongType.get()),
      Types.NestedField.required(3, "l_suppkey", Types.LongType.get()),
      Types.NestedField.required(4, "l_linenumber", Types.IntegerType.get()),
      Types.NestedField.required(5, "l_quantity", Types.DecimalType.of(15, 2)),
      Types.NestedField.required(6, "l_extendedprice", Types.DecimalType.of(15, 2)),
      Types.NestedField.required(7, "l_discount", Types.DecimalType.of(15, 2)),
      Types.NestedField.required(8, "l_tax", Types.DecimalType.of(15, 2)),
      Types.NestedField.required(9, "l_returnflag", Types.StringType.get()),
      Types.NestedField.required(10, "l_linestatus", Types.StringType.get()),
      Types.NestedField.required(11, "l_shipdate", Types.DateType.get()),
      Types.NestedField.required(12, "l_commitdate", Types.DateType.get()),
      Types.NestedField.required(13, "l_receiptdate", Types.DateType.get()),
      Types.NestedField.required(14, "l_shipinstruct", Types.StringType.get()),
      Types.NestedField.required(15, "l_shipmode", Types.StringType.get()));

  /** Row i of the lineitem-like table, from i alone; l_shipdate spans 1992-01-02 to 1998-12-01 as TPC-H's. */
  private static final String LINEITEM_ROWS = """
      WITH r AS (
        SELECT i, DATE '1992-01-02' + CAST(hash(i, 5) %% 2526 AS INTEGER) AS ship FROM range(%d, %d) t(i))
      SELECT
        i // 4 + 1 AS l_orderkey,
        CAST(hash(i, 1) %% 200000 + 1 AS BIGINT) AS l_partkey,
        CAST(hash(i, 2) %% 10000 + 1 AS BIGINT) AS l_suppkey,
        CAST(i %% 4 + 1 AS INTEGER) AS l_linenumber,
        CAST(hash(i, 3) %% 50 + 1 AS DECIMAL(15, 2)) AS l_quantity,
        CAST((hash(i, 4) %% 10000000) / 100.0 + 900 AS DECIMAL(15, 2)) AS l_extendedprice,
        CAST((hash(i, 6) %% 11) / 100.0 AS DECIMAL(15, 2)) AS l_discount,
        CAST((hash(i, 7) %% 9) / 100.0 AS DECIMAL(15, 2)) AS l_tax,
        CASE WHEN ship > DATE '1995-06-17' THEN 'N' WHEN hash(i, 8) %% 2 = 0 THEN 'R' ELSE 'A' END
          AS l_returnflag,
        CASE WHEN ship > DATE '1995-06-17' THEN 'O' ELSE 'F' END AS l_linestatus,
        ship AS l_shipdate,
        ship + CAST(hash(i, 9) %% 61 AS INTEGER) - 30 AS l_commitdate,
        ship + CAST(hash(i, 10) %% 30 AS INTEGER) + 1 AS l_receiptdate,
        ['DELIVER IN PERSON', 'COLLECT COD', 'NONE', 'TAKE BACK RETURN'][CAST(hash(i, 11) %% 4 + 1 AS BIGINT)] AS l_shipinstruct,
        ['REG AIR', 'AIR', 'RAIL', 'SHIP', 'TRUCK', 'MAIL', 'FOB'][CAST(hash(i, 12) %% 7 + 1 AS BIGINT)] AS l_shipmode
      FROM r""";

  /** TPC-H Q1 as the specification gives it, over {@code %s}; {@code %s} is the interval's literal. */
  private static final String Q1 = """
      SELECT l_returnflag, l_linestatus, sum(l_quantity) AS sum_qty, sum(l_extendedprice) AS sum_base_price,
        sum(l_extendedprice * (1 - l_discount)) AS sum_disc_price,
        sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS sum_charge,
        avg(l_quantity) AS avg_qty, avg(l_extendedprice) AS avg_price, avg(l_discount) AS avg_disc,
        count(*) AS count_order
      FROM %s
      WHERE l_shipdate <= DATE '1998-12-01' - INTERVAL %s DAY
      GROUP BY l_returnflag, l_linestatus
      ORDER BY l_returnflag, l_linestatus""";

  private static final List<String> EVENT_COLUMNS = List.of(
      "id long not null", "ts timestamptz", "category string", "amount decimal(12, 2)", "note string",
      "quantity int", "ratio double", "flag boolean", "day date", "user_id long");

  private final Map<String, String> options;
  private final String api;
  private final String token;
  private final RESTCatalog catalog;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final ObjectMapper json = new ObjectMapper();
  private final int repeats;
  private final String trinoUrl;
  /** How many checks the last {@link #untilTrue} made: 1 when the first read already saw the change. */
  private int attempts;

  private RowsBenchmark(Map<String, String> options) {
    this.options = options;
    String uri = options.get("uri").replaceAll("/+$", "");
    this.token = options.get("token");
    this.api = uri + "/api/v1/ailake/database/instances/" + options.get("instance");
    this.repeats = Integer.parseInt(options.get("repeats"));
    this.trinoUrl = options.get("trino");
    Map<String, String> props = new HashMap<>();
    props.put("uri", uri + "/iceberg");
    props.put("warehouse", options.get("warehouse"));
    props.put("header.Authorization", "Bearer " + token);
    props.put("io-impl", LocalDiskFileIO.class.getName());
    props.put("rest-metrics-reporting-enabled", "false");
    this.catalog = new RESTCatalog();
    catalog.initialize("bench", props);
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>(Map.of(
        "rows", "10000000", "rows-per-file", "1000000", "repeats", "5", "point-rows", "1000",
        "point-calls", "300", "insert-rows", "100000", "instance", "lake", "warehouse", "lake",
        "only", "q1,point,insert"));
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    if (!options.containsKey("uri") || !options.containsKey("token")) {
      System.err.println("usage: RowsBenchmark --uri http://HOST:PORT --token SECRET [--pid SERVICE_PID]"
          + " [--trino jdbc:trino://HOST:PORT/lake] [--rows 10000000] [--rows-per-file 1000000] [--repeats 5]"
          + " [--point-rows 1000] [--point-calls 300] [--insert-rows 100000] [--instance lake] [--warehouse lake]"
          + " [--only q1,point,insert]");
      System.exit(2);
    }
    new RowsBenchmark(options).run();
  }

  private void run() throws Exception {
    List<String> parts = List.of(options.get("only").split(","));
    figure("machine", Runtime.getRuntime().availableProcessors() + " cores seen by the benchmark's JVM (shared"
        + " by the service, DuckDB, Trino and this client)");
    if (parts.contains("q1")) {
      q1();
    }
    if (parts.contains("point")) {
      pointQueries();
    }
    if (parts.contains("insert")) {
      insert();
    }
  }

  private void q1() throws Exception {
    long rows = Long.parseLong(options.get("rows"));
    List<String> files = lineitem(rows);
    String sqlRows = String.format(Locale.ROOT, "%,d", rows);

    double direct = directQ1(files, sqlRows);
    RssSampler rss = options.containsKey("pid") ? new RssSampler(Long.parseLong(options.get("pid"))) : null;
    double viaQuery;
    try {
      viaQuery = restQ1(sqlRows, rss);
    } finally {
      if (rss != null) {
        rss.stop();
      }
    }
    figure("Q1 ratio /query : DuckDB direct", ratio(viaQuery, direct) + " (target <= 1.50x)");
    if (rss != null) {
      figure("service RSS during Q1 via /query (" + sqlRows + " rows)", String.format(Locale.ROOT,
          "max %d MiB, before %d MiB (%d samples every 20 ms; -Xmx as the service was started)",
          rss.max() / 1024, rss.first() / 1024, rss.samples()));
    }
    if (trinoUrl != null) {
      double trino = trinoQ1(sqlRows);
      figure("Q1 ratio /query : Trino", ratio(viaQuery, trino) + " (target <= 0.33x)");
    } else {
      figure("Q1 Trino", "not measured (no --trino)");
    }
  }

  // ---- lineitem ----------------------------------------------------------------------------------

  /** Creates bench.lineitem, has DuckDB write its files into the table's data directory, appends them. */
  private List<String> lineitem(long rows) throws Exception {
    Namespace namespace = Namespace.of(NAMESPACE);
    if (!catalog.namespaceExists(namespace)) {
      catalog.createNamespace(namespace);
    }
    TableIdentifier id = TableIdentifier.of(namespace, "lineitem");
    if (catalog.tableExists(id)) {
      catalog.dropTable(id, false);
    }
    Table table = catalog.createTable(id, LINEITEM, PartitionSpec.unpartitioned());
    StringJoiner fieldIds = new StringJoiner(", ", "{", "}");
    for (Types.NestedField field : table.schema().columns()) {
      fieldIds.add(field.name() + ": " + field.fieldId());
    }
    long perFile = Long.parseLong(options.get("rows-per-file"));
    List<String> locations = new ArrayList<>();
    List<Path> paths = new ArrayList<>();
    long started = System.nanoTime();
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duck.createStatement()) {
      for (long from = 0, part = 0; from < rows; from += perFile, part++) {
        long to = Math.min(rows, from + perFile);
        String location = table.location() + "/data/lineitem-" + part + ".parquet";
        Path path = LocalDiskFileIO.path(location);
        Files.createDirectories(path.getParent());
        statement.execute("COPY (" + String.format(Locale.ROOT, LINEITEM_ROWS, from, to) + ") TO '" + path
            + "' (FORMAT parquet, FIELD_IDS " + fieldIds + ")");
        locations.add(location);
        paths.add(path);
      }
    }
    double generated = seconds(started);
    started = System.nanoTime();
    AppendFiles append = table.newAppend();
    long bytes = 0;
    for (int i = 0; i < locations.size(); i++) {
      long size = Files.size(paths.get(i));
      bytes += size;
      long count = Math.min(perFile, rows - i * perFile);
      append.appendFile(DataFiles.builder(table.spec()).withPath(locations.get(i)).withFormat(FileFormat.PARQUET)
          .withFileSizeInBytes(size).withRecordCount(count).build());
    }
    append.commit();
    figure("lineitem generated", String.format(Locale.ROOT, "%,d rows, %d Parquet files, %.0f MiB: written by"
        + " DuckDB in %.1f s, appended in one Iceberg commit in %.2f s", rows, locations.size(),
        bytes / 1048576.0, generated, seconds(started)));
    List<String> files = new ArrayList<>();
    for (Path path : paths) {
      files.add(path.toString());
    }
    return files;
  }

  private double directQ1(List<String> files, String rows) throws SQLException {
    StringJoiner list = new StringJoiner("', '", "read_parquet(['", "'])");
    files.forEach(list::add);
    String sql = String.format(Locale.ROOT, Q1, list, "90");
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duck.createStatement()) {
      // the service gives each query ailake.query.threads (2) and memory-limit (512M): the same here
      statement.execute("SET threads = " + options.getOrDefault("duckdb-threads", "2"));
      statement.execute("SET memory_limit = '512MB'");
      long[] count = new long[1];
      double median = timed("Q1 DuckDB direct on the Parquet files (" + rows + " rows)", () -> {
        try (ResultSet result = statement.executeQuery(sql)) {
          count[0] = countOrders(result);
        }
      });
      figure("Q1 DuckDB direct count_order total", Long.toString(count[0]));
      return median;
    }
  }

  private double restQ1(String rows, RssSampler rss) throws Exception {
    String body = json.writeValueAsString(Map.of("sql", String.format(Locale.ROOT, Q1, NAMESPACE + ".lineitem", "90"),
        "timeoutMs", 300_000));
    long[] count = new long[1];
    List<Long> serverMs = new ArrayList<>();
    double median = timed("Q1 via POST /query (" + rows + " rows)", () -> {
      if (rss != null) {
        rss.start();
      }
      JsonNode answer = json.readTree(post("/query", "application/json", body, 200));
      serverMs.add(answer.path("elapsedMs").asLong());
      long total = 0;
      for (JsonNode row : answer.get("rows")) {
        total += row.get(row.size() - 1).asLong();
      }
      count[0] = total;
    });
    figure("Q1 via /query count_order total", Long.toString(count[0]));
    figure("Q1 via /query server elapsedMs", serverMs.toString());
    return median;
  }

  private double trinoQ1(String rows) throws SQLException {
    String sql = String.format(Locale.ROOT, Q1, NAMESPACE + ".lineitem", "'90'");
    Properties properties = new Properties();
    properties.setProperty("user", "bench");
    try (Connection trino = DriverManager.getConnection(trinoUrl, properties)) {
      long[] count = new long[1];
      double median = timed("Q1 Trino 476 through this catalog (" + rows + " rows)", () -> {
        try (Statement statement = trino.createStatement(); ResultSet result = executeTrino(statement, sql)) {
          count[0] = countOrders(result);
        }
      });
      figure("Q1 Trino count_order total", Long.toString(count[0]));
      return median;
    }
  }

  /** A freshly started Trino may refuse queries until its node knows its catalogs: retried for a minute. */
  private static ResultSet executeTrino(Statement statement, String sql) throws SQLException {
    Instant deadline = Instant.now().plusSeconds(60);
    while (true) {
      try {
        return statement.executeQuery(sql);
      } catch (SQLException e) {
        if (Instant.now().isAfter(deadline) || !String.valueOf(e.getMessage()).contains("No nodes available")) {
          throw e;
        }
        sleep(500);
      }
    }
  }

  private static long countOrders(ResultSet result) throws SQLException {
    long total = 0;
    while (result.next()) {
      total += result.getLong("count_order");
    }
    return total;
  }

  // ---- point queries -----------------------------------------------------------------------------

  private void pointQueries() throws Exception {
    int rows = Integer.parseInt(options.get("point-rows"));
    createTable("points", List.of("id long not null", "name string", "amount double", "day date"));
    StringBuilder ndjson = new StringBuilder();
    for (int i = 0; i < rows; i++) {
      ndjson.append(String.format(Locale.ROOT, "{\"id\":%d,\"name\":\"n%d\",\"amount\":%d.5,\"day\":\"%s\"}\n",
          i, i, i, LocalDate.of(2024, 1, 1).plusDays(i % 365)));
    }
    post("/tables/" + NAMESPACE + "/points/rows", "application/x-ndjson", ndjson.toString(), 201);
    // HTTP/1.1 with keep-alive, as curl, Python's and most generated clients talk; then HTTP/2 (h2c), as
    // Java's HttpClient does by default
    pointQueries(rows, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build(), "HTTP/1.1 keep-alive");
    pointQueries(rows, http, "HTTP/2 (h2c)");
  }

  private void pointQueries(int rows, HttpClient client, String protocol) throws Exception {
    Random random = new Random(42);
    int calls = Integer.parseInt(options.get("point-calls"));
    long[] nanos = new long[calls];
    long[] serverMs = new long[calls];
    for (int i = -WARM_UP; i < calls; i++) {
      long id = random.nextInt(rows);
      String body = "{\"sql\":\"SELECT * FROM " + NAMESPACE + ".points WHERE id = " + id + "\"}";
      long started = System.nanoTime();
      JsonNode answer = json.readTree(post(client, "/query", "application/json", body, 200));
      long took = System.nanoTime() - started;
      if (answer.path("rowCount").asInt() != 1) {
        throw new IllegalStateException("point query for id " + id + " answered " + answer);
      }
      if (i >= 0) {
        nanos[i] = took;
        serverMs[i] = answer.path("elapsedMs").asLong();
      }
    }
    Arrays.sort(nanos);
    figure("point query over REST, " + protocol + " (" + rows + "-row table, " + calls + " calls after " + WARM_UP + " warm-up)",
        String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms, max %.1f ms (target p50 <= 20 ms)",
            nanos[calls / 2] / 1e6, nanos[(int) Math.ceil(calls * 0.99) - 1] / 1e6, nanos[calls - 1] / 1e6));
    Arrays.sort(serverMs);
    figure("point query, " + protocol + ": the server's elapsedMs", String.format(Locale.ROOT, "p50 %d ms, p99 %d ms",
        serverMs[calls / 2], serverMs[(int) Math.ceil(calls * 0.99) - 1]));
  }

  // ---- insert ------------------------------------------------------------------------------------

  private void insert() throws Exception {
    int rows = Integer.parseInt(options.get("insert-rows"));
    createTable("events", EVENT_COLUMNS);
    StringBuilder ndjson = new StringBuilder(rows * 200);
    for (int i = 0; i < rows; i++) {
      ndjson.append(String.format(Locale.ROOT,
          "{\"id\":%d,\"ts\":\"%s\",\"category\":\"c%d\",\"amount\":%d.%02d,\"note\":\"note %d\","
              + "\"quantity\":%d,\"ratio\":%s,\"flag\":%b,\"day\":\"%s\",\"user_id\":%d}\n",
          i, Instant.ofEpochSecond(1_700_000_000L + i), i % 20, i % 10000, i % 100, i, i % 1000, i / 7.0,
          i % 2 == 0, LocalDate.of(2024, 1, 1).plusDays(i % 365), i % 5000));
    }
    String body = ndjson.toString();
    long started = System.nanoTime();
    JsonNode answer = json.readTree(post("/tables/" + NAMESPACE + "/events/rows", "application/x-ndjson", body, 201));
    long answered = System.nanoTime();
    long snapshotId = answer.get("snapshotId").asLong();
    figure("NDJSON insert, one call (" + rows + " rows x 10 columns, "
        + String.format(Locale.ROOT, "%.1f MiB", body.length() / 1048576.0) + ")", String.format(Locale.ROOT,
        "%.2f s, %,.0f rows/s", (answered - started) / 1e9, rows / ((answered - started) / 1e9)));
    TableIdentifier events = TableIdentifier.of(NAMESPACE, "events");
    long seen = untilTrue(() -> {
      Snapshot current = catalog.loadTable(events).currentSnapshot();
      return current != null && current.snapshotId() == snapshotId;
    });
    figure("insert: time until Iceberg's Java REST client sees the snapshot", String.format(Locale.ROOT,
        "%.1f ms after the 201 (%.2f s from the call's start; loadTable calls: %d)", (seen - answered) / 1e6,
        (seen - started) / 1e9, attempts));
    if (trinoUrl == null) {
      return;
    }
    Properties properties = new Properties();
    properties.setProperty("user", "bench");
    try (Connection trino = DriverManager.getConnection(trinoUrl, properties);
        Statement statement = trino.createStatement()) {
      long counted = System.nanoTime();
      long trinoSeen = untilTrue(() -> {
        try (ResultSet result = executeTrino(statement, "SELECT count(*) FROM " + NAMESPACE + ".events")) {
          return result.next() && result.getLong(1) == rows;
        }
      });
      figure("insert: time until Trino (a session already running) counts the rows", String.format(Locale.ROOT,
          "%.0f ms from the 201 (count queries: %d, %.0f ms from the first's start)", (trinoSeen - answered) / 1e6,
          attempts, (trinoSeen - counted) / 1e6));
      createTable("events_trino", EVENT_COLUMNS);
      // the same values as the NDJSON rows, computed by Trino from the row number (a sequence holds at
      // most 10,000 entries, hence two)
      String insert = "INSERT INTO " + NAMESPACE + ".events_trino SELECT i, from_unixtime(1700000000 + i),"
          + " 'c' || CAST(i % 20 AS varchar), CAST(i % 10000 + (i % 100) / DECIMAL '100' AS decimal(12, 2)),"
          + " 'note ' || CAST(i AS varchar), CAST(i % 1000 AS integer), i / 7.0e0, i % 2 = 0,"
          + " DATE '2024-01-01' + i % 365 * INTERVAL '1' DAY, i % 5000"
          + " FROM (SELECT high * 10000 + low AS i FROM UNNEST(sequence(0, 9999)) AS l(low)"
          + " CROSS JOIN UNNEST(sequence(0, " + ((rows - 1) / 10000) + ")) AS h(high))"
          + " WHERE i < " + rows;
      long before = System.nanoTime();
      statement.executeUpdate(insert);
      double took = (System.nanoTime() - before) / 1e9;
      figure("Trino's own INSERT of the same " + rows + " rows through the catalog (running session)",
          String.format(Locale.ROOT, "%.2f s, %,.0f rows/s", took, rows / took));
    }
  }

  private void createTable(String name, List<String> columns) throws Exception {
    StringJoiner list = new StringJoiner(", ", "[", "]");
    for (String column : columns) {
      String[] parts = column.split(" ", 2);
      boolean required = parts[1].endsWith(" not null");
      list.add(String.format(Locale.ROOT, "{\"name\":\"%s\",\"type\":\"%s\"%s}", parts[0],
          parts[1].replace(" not null", ""), required ? ",\"nullable\":false" : ""));
    }
    TableIdentifier id = TableIdentifier.of(NAMESPACE, name);
    if (catalog.tableExists(id)) {
      catalog.dropTable(id, false);
    }
    post("/tables", "application/json",
        "{\"namespace\":\"" + NAMESPACE + "\",\"name\":\"" + name + "\",\"columns\":" + list + "}", 201);
  }

  // ---- plumbing ----------------------------------------------------------------------------------

  private String post(String path, String contentType, String body, int expected) throws IOException {
    return post(http, path, contentType, body, expected);
  }

  private String post(HttpClient client, String path, String contentType, String body, int expected)
      throws IOException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(api + path))
        .timeout(Duration.ofMinutes(10))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", contentType)
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .build();
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != expected) {
        throw new IllegalStateException("POST " + path + " answered " + response.statusCode() + ": " + response.body());
      }
      return response.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private interface Run {
    void run() throws Exception;
  }

  private interface Check {
    boolean holds() throws Exception;
  }

  /** One warm-up, then {@code repeats} timed runs: prints each and the median, answers the median in ms. */
  private double timed(String name, Run run) {
    try {
      run.run();
      double[] ms = new double[repeats];
      for (int i = 0; i < repeats; i++) {
        long started = System.nanoTime();
        run.run();
        ms[i] = (System.nanoTime() - started) / 1e6;
      }
      double[] sorted = ms.clone();
      Arrays.sort(sorted);
      double median = sorted[repeats / 2];
      StringJoiner each = new StringJoiner(", ");
      for (double m : ms) {
        each.add(String.format(Locale.ROOT, "%.0f", m));
      }
      figure(name, String.format(Locale.ROOT, "median %.0f ms (runs: %s ms; 1 warm-up before)", median, each));
      return median;
    } catch (Exception e) {
      throw new IllegalStateException(name + " failed", e);
    }
  }

  /** Checks until {@code check} holds (every 5 ms, at most 2 minutes); answers when, in nanoTime. */
  private long untilTrue(Check check) throws Exception {
    Instant deadline = Instant.now().plusSeconds(120);
    attempts = 1;
    while (!check.holds()) {
      attempts++;
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("not seen within 120 s");
      }
      sleep(5);
    }
    return System.nanoTime();
  }

  private static String ratio(double ours, double theirs) {
    return String.format(Locale.ROOT, "%.2fx (%.0f ms / %.0f ms)", ours / theirs, ours, theirs);
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  private static void figure(String name, String value) {
    System.out.println(name + ": " + value);
    System.out.flush();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Samples a process's VmRSS from /proc every 20 ms while started; keeps the first and the largest. */
  private static final class RssSampler {
    private final Path status;
    private final AtomicLong max = new AtomicLong();
    private final AtomicLong samples = new AtomicLong();
    private final long first;
    private Thread thread;

    RssSampler(long pid) {
      this.status = Path.of("/proc", Long.toString(pid), "status");
      this.first = read();
    }

    void start() {
      if (thread != null) {
        return;
      }
      thread = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          max.accumulateAndGet(read(), Math::max);
          samples.incrementAndGet();
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "rss-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      if (thread != null) {
        thread.interrupt();
        thread.join();
      }
    }

    long first() {
      return first;
    }

    long max() {
      return max.get();
    }

    long samples() {
      return samples.get();
    }

    /** VmRSS in KiB. */
    private long read() {
      try {
        for (String line : Files.readAllLines(status)) {
          if (line.startsWith("VmRSS:")) {
            return Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        }
        return 0;
      } catch (IOException e) {
        return 0;
      }
    }
  }
}
