package io.ailake.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * File-upload syncs against their baselines, in one run: S3Proxy (file-system store) in this JVM, the
 * service packaged from this checkout as a child process with its warehouse on that S3. Measures
 * Parquet files uploaded into one INCREMENTAL sync and ended (upload to committed, MiB/s) against the raw
 * PUT rate of the same files into the same store; and a CSV of generated rows converted and committed
 * through a CSV sync against DuckDB's {@code COPY ... TO (FORMAT parquet)} of the same file. Medians of
 * several runs, the two sides alternating; one figure per line with its target.
 */
public final class UploadBenchmark {

  private static final String BUCKET = "warehouse";
  private static final String ACCESS_KEY = "bench-access-key";
  private static final String SECRET_KEY = "bench-secret-key";

  /** Row i of the Parquet files: an md5 per row keeps the files from compressing to nothing. */
  private static final String PARQUET_ROWS = "SELECT i AS id, hash(i) %% 100000 / 100.0 AS amount, md5(CAST(i AS"
      + " VARCHAR)) AS name, DATE '2024-01-01' + CAST(i %% 365 AS INTEGER) AS day FROM range(%d, %d) t(i)";

  /** Row i of the CSV: ten columns of the types a CSV sync converts. */
  private static final String CSV_ROWS = """
      SELECT i AS id, strftime(TIMESTAMP '2024-01-01' + to_seconds(i), '%%Y-%%m-%%dT%%H:%%M:%%SZ') AS ts,
        ['books', 'games', 'music', 'tools'][CAST(i %% 4 + 1 AS BIGINT)] AS category,
        CAST((hash(i) %% 1000000) / 100.0 AS DECIMAL(12, 2)) AS amount, 'note ' || CAST(i %% 1000 AS VARCHAR) AS note,
        CAST(i %% 50 AS INTEGER) AS quantity, (hash(i, 2) %% 1000) / 1000.0 AS ratio, i %% 2 = 0 AS flag,
        DATE '2024-01-01' + CAST(i %% 365 AS INTEGER) AS day, CAST(hash(i, 3) %% 100000 AS BIGINT) AS user_id
      FROM range(%d) t(i)""";

  private static final List<String> CSV_COLUMNS = List.of(
      "id long", "ts timestamptz", "category string", "amount decimal(12, 2)", "note string", "quantity int",
      "ratio double", "flag boolean", "day date", "user_id long");

  private final Map<String, String> options;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final ObjectMapper json = new ObjectMapper();
  private final Path work;
  private final int repeats;
  private String api;
  private String token;

  private UploadBenchmark(Map<String, String> options) throws IOException {
    this.options = options;
    this.work = Files.createTempDirectory("ailake-upload-bench-");
    this.repeats = Integer.parseInt(options.get("repeats"));
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>(Map.of("files", "8", "rows-per-file", "3200000", "csv-rows",
        "1000000", "repeats", "3", "heap", "1g", "instance", "lake"));
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    if (!options.containsKey("jar")) {
      System.err.println("usage: UploadBenchmark --jar target/quarkus-app/quarkus-run.jar [--files 8]"
          + " [--rows-per-file 3200000] [--csv-rows 1000000 (0: no CSV sync)] [--repeats 3] [--heap 1g]"
          + " [--jfr recording.jfr (a flight recording of the service)]");
      System.exit(2);
    }
    UploadBenchmark benchmark = new UploadBenchmark(options);
    try {
      benchmark.run();
    } finally {
      delete(benchmark.work);
    }
  }

  private void run() throws Exception {
    String endpoint = "http://127.0.0.1:" + freePort();
    S3Proxy proxy = startS3(endpoint);
    Process service = null;
    try (S3Client s3 = s3(endpoint)) {
      service = startService(endpoint);
      figure("machine", Runtime.getRuntime().availableProcessors() + " cores (shared by S3Proxy, the service and"
          + " this client); service -Xmx" + options.get("heap"));
      parquet(s3, service.pid());
      if (Long.parseLong(options.get("csv-rows")) > 0) {
        csv();
      }
    } finally {
      if (service != null) {
        service.destroy();
        service.waitFor();
      }
      proxy.stop();
    }
  }

  // ---- Parquet: upload to committed against raw PUTs -------------------------------------------

  private void parquet(S3Client s3, long servicePid) throws Exception {
    List<Path> files = parquetFiles();
    long bytes = 0;
    for (Path file : files) {
      bytes += Files.size(file);
    }
    createTable("uploads", List.of("id long", "amount double", "name string", "day date"));
    double mib = bytes / 1048576.0;
    double[] raw = new double[repeats];
    double[] synced = new double[repeats];
    for (int run = 0; run < repeats; run++) {
      double[] cpu = {ownCpuSeconds(), cpuSeconds(servicePid)};
      long started = System.nanoTime();
      String prefix = "raw-put/" + UUID.randomUUID() + "/";
      List<String> puts = new ArrayList<>();
      for (Path file : files) {
        long put = System.nanoTime();
        s3.putObject(PutObjectRequest.builder().bucket(BUCKET).key(prefix + file.getFileName()).build(),
            RequestBody.fromFile(file));
        puts.add(String.format(Locale.ROOT, "%.2f", seconds(put)));
      }
      raw[run] = mib / seconds(started);
      double rawCpu = ownCpuSeconds() - cpu[0];
      cpu = new double[] {ownCpuSeconds(), cpuSeconds(servicePid)};

      started = System.nanoTime();
      String sync = startSync("parquet-" + run, "bench.uploads", "parquet");
      List<String> calls = new ArrayList<>();
      for (Path file : files) {
        long call = System.nanoTime();
        upload(sync, file, "application/vnd.apache.parquet");
        calls.add(String.format(Locale.ROOT, "%.2f", seconds(call)));
      }
      long end = System.nanoTime();
      JsonNode ended = json.readTree(post("/syncs/" + sync + "/end", "application/json", "{}", 200));
      double endSeconds = seconds(end);
      synced[run] = mib / seconds(started);
      double syncedCpu = ownCpuSeconds() - cpu[0];
      double serviceCpu = cpuSeconds(servicePid) - cpu[1];
      figure("run " + (run + 1), String.format(Locale.ROOT, "raw PUT %.1f MiB/s, upload to committed %.1f MiB/s"
          + " (PUTs %s s; sync %s: %s, upload calls %s s, end %.2f s)", raw[run], synced[run], String.join(" ", puts),
          sync, ended.path("status").asText(), String.join(" ", calls), endSeconds));
      figure("run " + (run + 1) + " CPU", String.format(Locale.ROOT, "raw PUT %.1f s (client and S3Proxy); upload to"
          + " committed %.1f s (client and S3Proxy) + %.1f s (service)", rawCpu, syncedCpu, serviceCpu));
    }
    double rawMedian = median(raw);
    double syncedMedian = median(synced);
    figure("Parquet: " + files.size() + " files, " + String.format(Locale.ROOT, "%.0f MiB", mib),
        String.format(Locale.ROOT, "raw PUT median %.1f MiB/s %s; upload to committed median %.1f MiB/s %s",
            rawMedian, Arrays.toString(raw), syncedMedian, Arrays.toString(synced)));
    figure("Parquet upload to committed : raw PUT", String.format(Locale.ROOT, "%.0f%% (target >= 70%%)",
        100 * syncedMedian / rawMedian));
  }

  private List<Path> parquetFiles() throws Exception {
    int count = Integer.parseInt(options.get("files"));
    long perFile = Long.parseLong(options.get("rows-per-file"));
    List<Path> files = new ArrayList<>();
    long started = System.nanoTime();
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = duck.createStatement()) {
      for (int i = 0; i < count; i++) {
        Path file = work.resolve("part-" + i + ".parquet");
        sql.execute("COPY (" + String.format(Locale.ROOT, PARQUET_ROWS, i * perFile, (i + 1) * perFile) + ") TO '"
            + file + "' (FORMAT parquet)");
        files.add(file);
      }
    }
    figure("Parquet generated", String.format(Locale.ROOT, "%d files of %,d rows by DuckDB in %.1f s", count,
        perFile, seconds(started)));
    return files;
  }

  // ---- CSV: converted and committed against DuckDB's COPY ---------------------------------------

  private void csv() throws Exception {
    long rows = Long.parseLong(options.get("csv-rows"));
    Path csv = work.resolve("rows.csv");
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = duck.createStatement()) {
      sql.execute("COPY (" + String.format(Locale.ROOT, CSV_ROWS, rows) + ") TO '" + csv + "' (HEADER, DELIMITER ',')");
    }
    figure("CSV generated", String.format(Locale.ROOT, "%,d rows, %.0f MiB", rows, Files.size(csv) / 1048576.0));
    createTable("csv_rows", CSV_COLUMNS);
    double[] duck = new double[repeats];
    double[] synced = new double[repeats];
    for (int run = 0; run < repeats; run++) {
      Path out = work.resolve("copy-" + run + ".parquet");
      try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
          Statement sql = connection.createStatement()) {
        long started = System.nanoTime();
        sql.execute("COPY (SELECT * FROM read_csv('" + csv + "', header = true)) TO '" + out + "' (FORMAT parquet)");
        duck[run] = rows / seconds(started);
      }
      Files.delete(out);

      long started = System.nanoTime();
      String sync = startSync("csv-" + run, "bench.csv_rows", "csv");
      upload(sync, csv, "text/csv");
      JsonNode ended = json.readTree(post("/syncs/" + sync + "/end", "application/json", "{}", 200));
      synced[run] = rows / seconds(started);
      figure("run " + (run + 1), String.format(Locale.ROOT, "DuckDB COPY %,.0f rows/s, CSV sync %,.0f rows/s"
          + " (sync %s: %s)", duck[run], synced[run], sync, ended.path("status").asText()));
    }
    figure("CSV: " + String.format(Locale.ROOT, "%,d rows", rows), String.format(Locale.ROOT,
        "converted and committed median %,.0f rows/s; DuckDB COPY TO parquet median %,.0f rows/s (%.2fx)",
        median(synced), median(duck), median(synced) / median(duck)));
  }

  // ---- the service's routes --------------------------------------------------------------------

  private String startSync(String name, String table, String format) throws IOException {
    String body = json.writeValueAsString(Map.of("name", name + "-" + UUID.randomUUID().toString().substring(0, 8),
        "table", table, "syncType", "INCREMENTAL", "format", format));
    return json.readTree(post("/syncs", "application/json", body, 201)).path("syncId").asText();
  }

  /** One multipart call with one {@code file} part, streamed from disk. */
  private void upload(String sync, Path file, String contentType) throws IOException {
    String boundary = "ailake-bench-" + UUID.randomUUID();
    byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
        + file.getFileName() + "\"\r\nContent-Type: " + contentType + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
        HttpRequest.BodyPublishers.ofFile(file), HttpRequest.BodyPublishers.ofByteArray(tail));
    send("/syncs/" + sync + "/files", "multipart/form-data; boundary=" + boundary, body, 200);
  }

  private void createTable(String name, List<String> columns) throws IOException {
    List<Map<String, Object>> list = new ArrayList<>();
    for (String column : columns) {
      String[] parts = column.split(" ", 2);
      list.add(Map.of("name", parts[0], "type", parts[1]));
    }
    post("/tables", "application/json", json.writeValueAsString(Map.of("namespace", "bench", "name", name,
        "columns", list)), 201);
  }

  private String post(String path, String contentType, String body, int expected) throws IOException {
    return send(path, contentType, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8), expected);
  }

  private String send(String path, String contentType, HttpRequest.BodyPublisher body, int expected)
      throws IOException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(api + path))
        .timeout(Duration.ofMinutes(30))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", contentType)
        .header("Accept", "application/json")
        .POST(body)
        .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      // a 2xx other than the expected one is still success (an upload may answer 200 or 201)
      if (response.statusCode() != expected && response.statusCode() / 100 != 2) {
        throw new IllegalStateException("POST " + path + " answered " + response.statusCode() + ": " + response.body());
      }
      return response.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  // ---- the processes ---------------------------------------------------------------------------

  private S3Proxy startS3(String endpoint) throws Exception {
    Path store = Files.createDirectories(work.resolve("s3"));
    Files.createDirectories(store.resolve(BUCKET));
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", store.toString());
    BlobStoreContext context = ContextBuilder.newBuilder("filesystem").credentials("identity", "credential")
        .overrides(properties).build(BlobStoreContext.class);
    S3Proxy proxy = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(URI.create(endpoint))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).ignoreUnknownHeaders(true).build();
    proxy.start();
    while (!proxy.getState().equals("STARTED")) {
      Thread.sleep(10);
    }
    return proxy;
  }

  private static S3Client s3(String endpoint) {
    return S3Client.builder()
        .endpointOverride(URI.create(endpoint))
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  private Process startService(String endpoint) throws Exception {
    int port = freePort();
    token = "bench-" + UUID.randomUUID().toString().replace("-", "");
    api = "http://127.0.0.1:" + port + "/api/v1/ailake/database/instances/" + options.get("instance");
    List<String> command = new ArrayList<>(List.of("java", "-Xmx" + options.get("heap"), "-Dquarkus.http.port=" + port,
        "-Dailake.rate-limit.enabled=false"));
    if (options.containsKey("jfr")) {
      command.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + Path.of(options.get("jfr")).toAbsolutePath());
    }
    command.addAll(List.of("-jar", options.get("jar")));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(work.resolve("service.log").toFile());
    Map<String, String> env = builder.environment();
    env.put("AILAKE_DATA_DIR", work.resolve("data").toString());
    env.put("AILAKE_BOOTSTRAP_TOKEN", token);
    env.put("AILAKE_WAREHOUSE_LOCATION", "s3://" + BUCKET + "/lake");
    env.put("AILAKE_S3_ENDPOINT", endpoint);
    env.put("AILAKE_S3_ACCESS_KEY_ID", ACCESS_KEY);
    env.put("AILAKE_S3_SECRET_ACCESS_KEY", SECRET_KEY);
    env.put("AILAKE_S3_PATH_STYLE_ACCESS", "true");
    Process service = builder.start();
    URI ready = URI.create("http://127.0.0.1:" + port + "/q/health/ready");
    Instant deadline = Instant.now().plusSeconds(240);
    while (true) {
      try {
        if (http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          break;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (!service.isAlive() || Instant.now().isAfter(deadline)) {
        System.err.println(Files.readString(work.resolve("service.log")));
        throw new IllegalStateException("the service did not start");
      }
      Thread.sleep(500);
    }
    figure("service", "pid " + service.pid() + ", port " + port + ", warehouse s3://" + BUCKET + "/lake on S3Proxy "
        + endpoint);
    return service;
  }

  // ---- plumbing --------------------------------------------------------------------------------

  /** This JVM's CPU time (the client and S3Proxy): on a shared machine a steadier figure than wall time. */
  private static double ownCpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
  }

  /** A child process's CPU time (user and system) from /proc, or NaN where there is none. */
  private static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0; // utime, stime in clock ticks
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void figure(String name, String value) {
    System.out.println(name + ": " + value);
    System.out.flush();
  }

  private static void delete(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
