package io.ailake.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Webhooks against commits: commits per second of row inserts into one table (each insert one Iceberg commit,
 * from several clients at once) with 0, 10 and 100 webhooks subscribed to that table's events, and the delay
 * from each commit (its event's timestamp, written in the commit's transaction) to its arrival at a receiver
 * on this machine, at p50 and p99 over every delivery. Starts the service packaged from this checkout
 * (embedded PostgreSQL, a local-disk warehouse) with 127.0.0.1 allowed as a webhook address.
 */
public final class WebhookBenchmark {

  private final Map<String, String> options;
  private final Path work;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final ObjectMapper json = new ObjectMapper();
  private final ConcurrentLinkedQueue<Double> delaysMs = new ConcurrentLinkedQueue<>();
  private final AtomicInteger received = new AtomicInteger();
  /** Receiver path and webhook-id of every delivery: what came more than once was sent again (at least once). */
  private final java.util.Set<String> distinct = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private String base;
  private String token;

  private WebhookBenchmark(Map<String, String> options) throws IOException {
    this.options = options;
    this.work = Files.createTempDirectory("ailake-webhook-bench-");
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>(Map.of("commits", "200", "clients", "4", "repeats", "3",
        "subscriptions", "0,10,100", "heap", "1g"));
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    if (!options.containsKey("jar")) {
      System.err.println("usage: WebhookBenchmark --jar target/quarkus-app/quarkus-run.jar [--commits 200]"
          + " [--clients 4] [--repeats 3] [--subscriptions 0,10,100] [--heap 1g]");
      System.exit(2);
    }
    WebhookBenchmark benchmark = new WebhookBenchmark(options);
    try {
      benchmark.run();
    } finally {
      try (var paths = Files.walk(benchmark.work)) {
        for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      }
    }
  }

  private void run() throws Exception {
    HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 200);
    receiver.createContext("/", exchange -> {
      long arrived = System.currentTimeMillis();
      byte[] body = exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
      Instant committed = Instant.parse(json.readTree(body).path("timestamp").asText());
      delaysMs.add(arrived - committed.toEpochMilli() - committed.getNano() % 1_000_000 / 1e6);
      distinct.add(exchange.getRequestURI().getPath() + " " + exchange.getRequestHeaders().getFirst("webhook-id"));
      received.incrementAndGet();
    });
    ExecutorService receiving = Executors.newFixedThreadPool(16);
    receiver.setExecutor(receiving);
    receiver.start();
    Process service = startService();
    try {
      figure("machine", Runtime.getRuntime().availableProcessors() + " cores (shared by the service, its PostgreSQL,"
          + " the receiver and the clients); service -Xmx" + options.get("heap") + "; " + options.get("clients")
          + " clients, " + options.get("commits") + " commits per run");
      post("/api/v1/ailake/database/instances/lake/tables", Map.of("namespace", "bench", "name", "warmup",
          "columns", List.of(Map.of("name", "id", "type", "long"))), 201);
      commits("warmup", Integer.parseInt(options.get("commits")));
      for (String count : options.get("subscriptions").split(",")) {
        phase(Integer.parseInt(count.strip()), "http://127.0.0.1:" + receiver.getAddress().getPort());
      }
    } finally {
      service.destroy();
      service.waitFor();
      receiver.stop(0);
      receiving.shutdownNow();
    }
  }

  /** Runs of commits with this many webhooks subscribed to the table. */
  private void phase(int subscriptions, String receiverUrl) throws Exception {
    String table = "t" + subscriptions;
    post("/api/v1/ailake/database/instances/lake/tables", Map.of("namespace", "bench", "name", table,
        "columns", List.of(Map.of("name", "id", "type", "long"))), 201);
    List<String> webhooks = new ArrayList<>();
    for (int i = 0; i < subscriptions; i++) {
      JsonNode created = json.readTree(post("/api/v1/ailake/webhooks", Map.of("url", receiverUrl + "/s" + i,
          "events", List.of("datalake.Data.inserted"), "resources", List.of("databases/lake/tables/bench." + table)),
          201));
      webhooks.add(created.path("id").asText());
    }
    int repeats = Integer.parseInt(options.get("repeats"));
    int commits = Integer.parseInt(options.get("commits"));
    double[] rates = new double[repeats];
    delaysMs.clear();
    received.set(0);
    distinct.clear();
    for (int r = 0; r < repeats; r++) {
      rates[r] = commits(table, commits);
    }
    long expected = (long) subscriptions * commits * repeats;
    Instant deadline = Instant.now().plusSeconds(300);
    while (distinct.size() < expected && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
    }
    String line = String.format(Locale.ROOT, "%.1f commits/s (median of %d runs: %s)", median(rates), repeats,
        Arrays.toString(Arrays.stream(rates).map(v -> Math.round(v * 10) / 10.0).toArray()));
    if (subscriptions > 0) {
      double[] delays = delaysMs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      line += String.format(Locale.ROOT, "; %d deliveries (%d distinct) of %d expected, commit to delivery p50 %.0f ms,"
          + " p99 %.0f ms, max %.0f ms", received.get(), distinct.size(), expected, percentile(delays, 0.50),
          percentile(delays, 0.99),
          delays.length == 0 ? 0 : delays[delays.length - 1]);
    }
    figure(subscriptions + " webhooks", line);
    for (String id : webhooks) {
      send(HttpRequest.newBuilder(URI.create(base + "/api/v1/ailake/webhooks/" + id)).DELETE(), 204);
    }
  }

  /** {@code commits} one-row inserts into bench.{table} from the clients at once; commits per second. */
  private double commits(String table, int commits) throws Exception {
    int clients = Integer.parseInt(options.get("clients"));
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long start = System.nanoTime();
    List<Future<?>> running = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      running.add(pool.submit(() -> {
        int i;
        while ((i = next.getAndIncrement()) < commits) {
          post("/api/v1/ailake/database/instances/lake/tables/bench/" + table + "/rows",
              List.of(Map.of("id", i)), 201);
        }
        return null;
      }));
    }
    for (Future<?> client : running) {
      client.get();
    }
    pool.shutdown();
    return commits / ((System.nanoTime() - start) / 1e9);
  }

  private String post(String path, Object body, int expected) throws IOException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body), StandardCharsets.UTF_8)), expected);
  }

  private String send(HttpRequest.Builder request, int expected) throws IOException {
    try {
      HttpResponse<String> response = http.send(request.header("Authorization", "Bearer " + token)
          .timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != expected) {
        throw new IllegalStateException(request.build().uri() + " answered " + response.statusCode() + ": "
            + response.body());
      }
      return response.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private Process startService() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    token = "bench-" + UUID.randomUUID().toString().replace("-", "");
    base = "http://127.0.0.1:" + port;
    ProcessBuilder builder = new ProcessBuilder("java", "-Xmx" + options.get("heap"), "-Dquarkus.http.port=" + port,
        "-Dailake.rate-limit.enabled=false", "-jar",
        options.get("jar"))
        .redirectErrorStream(true)
        .redirectOutput(work.resolve("service.log").toFile());
    builder.environment().put("AILAKE_DATA_DIR", work.resolve("data").toString());
    builder.environment().put("AILAKE_BOOTSTRAP_TOKEN", token);
    // a variable, not a system property: a build without webhooks ignores it (its 0-webhook run is the baseline)
    builder.environment().put("AILAKE_WEBHOOKS_ALLOWED_NETWORKS", "127.0.0.1/32");
    Process service = builder.start();
    URI ready = URI.create(base + "/q/health/ready");
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
    figure("service", "pid " + service.pid() + ", port " + port);
    return service;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static double percentile(double[] sorted, double p) {
    return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  private static void figure(String name, String value) {
    System.out.println(name + ": " + value);
    System.out.flush();
  }
}
