package io.ailake.operations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ailake.postgres.EmbeddedPostgresLauncher;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged service ({@code target/quarkus-app/quarkus-run.jar}) as its own OS process, stopped by real
 * signals: SIGTERM while requests and a job are running, and SIGKILL in the middle of a job followed by a
 * restart of the same replica. Its PostgreSQL is this test's, so a killed service leaves no server behind.
 * Requests and the job are made slow by a real concurrent transaction of the test that holds the rows they
 * write, as another client's transaction would: the service itself runs unchanged. A file-upload sync
 * outlives SIGKILL between its uploads and its end, and in the middle of its end; an event committed before
 * SIGKILL is delivered to its webhook after the restart, with its webhook-id.
 */
class ServiceProcessIT {

  private static final Path WORK = Path.of("target", "service-process-it");
  private static final String TOKEN = "it-process-bootstrap-token-5Rb8nQ2wK7";
  private static final String REPLICA = "it-replica";
  private static final Duration SHUTDOWN_DELAY = Duration.ofSeconds(2);
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration JOB_GRACE = Duration.ofSeconds(1);
  private static final Duration LEASE = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static EmbeddedPostgresLauncher postgres;
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private final List<Process> started = new ArrayList<>();
  private final List<Connection> lockHolders = new ArrayList<>();

  @BeforeAll
  static void startPostgres() throws IOException {
    Path data = WORK.resolve("data");
    if (Files.exists(data)) {
      try (var files = Files.walk(data)) {
        for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
    }
    postgres = EmbeddedPostgresLauncher.startClean(WORK.resolve("postgres"));
  }

  @AfterAll
  static void stopPostgres() {
    if (postgres != null) {
      postgres.close();
    }
  }

  /** Whatever a test left running, even when it failed: no service outlives it. */
  @AfterEach
  void killServices() throws Exception {
    for (Process process : started) {
      if (process.isAlive()) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
    for (Connection connection : lockHolders) {
      connection.close();
    }
  }

  @Test
  void sigtermTakesReadinessDownFinishesTheRequestsInFlightAndReleasesTheRunningJob() throws Exception {
    Service service = start("sigterm");
    List<String> namespaces = new ArrayList<>();
    String marker = UUID.randomUUID().toString();
    for (int i = 0; i < 4; i++) {
      String namespace = "sigterm_" + i;
      HttpResponse<String> created = service.send("POST", "/iceberg/v1/lake/namespaces",
          "{\"namespace\":[\"" + namespace + "\"],\"properties\":{\"it-marker\":\"" + marker + "\"}}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
      namespaces.add(namespace);
    }
    String database = "sigterm_db";
    service.awaitSucceeded(service.provision(database));

    // the test's transactions hold the rows that the updates and the deprovisioning write
    lockRows("SELECT 1 FROM namespace WHERE properties->>'it-marker' = ? FOR UPDATE", marker);
    Connection jobLock = lockRows(
        "SELECT 1 FROM warehouse_storage WHERE warehouse_id = (SELECT id FROM warehouse WHERE name = ?) FOR UPDATE",
        database);
    String deprovision = service.deprovision(database);
    Claim claim = awaitClaim(deprovision);
    assertThat(claim.owner()).startsWith(REPLICA + "/" + service.process.pid() + "/");

    List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
    for (String namespace : namespaces) {
      inFlight.add(service.sendAsync("POST", "/iceberg/v1/lake/namespaces/" + namespace + "/properties",
          "{\"removals\":[],\"updates\":{\"during\":\"sigterm\"}}"));
    }
    await(Duration.ofSeconds(30), "the updates and the job waiting for the test's locks",
        () -> waitingForLocks() >= namespaces.size() + 1);

    // quick requests all along, each with the instant it was sent: served until the delay ends, then refused
    AtomicBoolean loading = new AtomicBoolean(true);
    ConcurrentLinkedQueue<QuickRequest> quick = new ConcurrentLinkedQueue<>();
    Thread load = new Thread(() -> {
      while (loading.get()) {
        long sent = System.nanoTime();
        try {
          quick.add(new QuickRequest(sent, String.valueOf(
              service.send("GET", "/iceberg/v1/lake/namespaces", null).statusCode())));
          pause(10); // well within the token's rate limit
        } catch (java.net.ConnectException e) {
          quick.add(new QuickRequest(sent, "refused"));
          pause(20);
        } catch (IOException e) {
          quick.add(new QuickRequest(sent, "io " + e.getClass().getSimpleName()));
          pause(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "quick-requests");
    load.start();
    Thread.sleep(300);

    long signalled = System.nanoTime();
    service.process.destroy(); // SIGTERM
    HttpResponse<String> ready = service.awaitStatus("/q/health/ready", 503, Duration.ofSeconds(10));
    long readinessDown = System.nanoTime();
    assertThat(ready.body()).contains("DOWN");
    assertThat(inFlight).as("readiness went down while the requests were in flight").noneMatch(CompletableFuture::isDone);

    // past the delay the service serves no new request, and still has the ones in flight
    Thread.sleep(SHUTDOWN_DELAY.plusMillis(1000).toMillis());
    assertThat(service.process.isAlive()).isTrue();
    assertThat(inFlight).noneMatch(CompletableFuture::isDone);
    lockHolders.remove(0).close(); // the namespace rows: the updates go on
    for (CompletableFuture<HttpResponse<String>> request : inFlight) {
      HttpResponse<String> response = request.get(30, TimeUnit.SECONDS);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.body()).contains("\"during\"");
    }

    assertThat(service.process.waitFor(SHUTDOWN_TIMEOUT.plusSeconds(30).toSeconds(), TimeUnit.SECONDS)).isTrue();
    long exited = System.nanoTime();
    loading.set(false);
    load.join(10_000);
    int exitCode = service.process.exitValue();
    long delayEnds = signalled + SHUTDOWN_DELAY.toNanos();
    System.out.printf("SIGTERM: readiness 503 after %d ms, exit code %d after %d ms; quick requests before the"
            + " signal %s, during the delay %s, after it %s%n",
        (readinessDown - signalled) / 1_000_000, exitCode, (exited - signalled) / 1_000_000,
        outcomes(quick, Long.MIN_VALUE, signalled), outcomes(quick, signalled, delayEnds),
        outcomes(quick, delayEnds, Long.MAX_VALUE));
    // 128 + 15: how a JVM ends that a SIGTERM stopped, after its shutdown hooks ran
    assertThat(exitCode).isEqualTo(143);
    assertThat(Duration.ofNanos(exited - signalled))
        .isLessThan(SHUTDOWN_DELAY.plus(SHUTDOWN_TIMEOUT).plus(JOB_GRACE).plusSeconds(10));
    // what a load balancer relies on: every request sent before the delay is nearly over was served
    Map<String, Long> served = outcomes(quick, Long.MIN_VALUE, delayEnds - Duration.ofMillis(300).toNanos());
    assertThat(served).containsOnlyKeys("200");
    assertThat(outcomes(quick, signalled, delayEnds - Duration.ofMillis(300).toNanos())).containsKey("200");
    assertThat(outcomes(quick, Long.MIN_VALUE, Long.MAX_VALUE).keySet())
        .as("after the delay a new request is refused, never failed with another 5xx")
        .allMatch(o -> o.equals("200") || o.equals("503") || o.equals("refused") || o.startsWith("io "));

    Claim released = claim(deprovision);
    assertThat(released.owner()).as("the running job's claim was released at exit").isNull();
    assertThat(released.until()).isNull();
    assertThat(released.state()).isEqualTo("PENDING");
    jobLock.close();
    lockHolders.remove(jobLock);
  }

  @Test
  void aReplicaRestartedAfterKill9ResumesTheJobItsDeadProcessHadClaimedAtOnce() throws Exception {
    Service first = start("kill9-first");
    String database = "kill9_db";
    first.awaitSucceeded(first.provision(database));
    Connection jobLock = lockRows(
        "SELECT 1 FROM warehouse_storage WHERE warehouse_id = (SELECT id FROM warehouse WHERE name = ?) FOR UPDATE",
        database);
    String deprovision = first.deprovision(database);
    Claim claimed = awaitClaim(deprovision);
    assertThat(claimed.owner()).startsWith(REPLICA + "/" + first.process.pid() + "/");
    await(Duration.ofSeconds(30), "the job waiting for the test's lock", () -> waitingForLocks() >= 1);

    first.process.destroyForcibly(); // SIGKILL: nothing of the service runs any more
    assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    jobLock.close();
    lockHolders.remove(jobLock);
    Claim orphaned = claim(deprovision);
    assertThat(orphaned.owner()).as("the dead process's claim is still there").isEqualTo(claimed.owner());
    assertThat(orphaned.until()).isAfter(Instant.now().plusSeconds(30));

    long restarted = System.nanoTime();
    Service second = start("kill9-second");
    long ready = System.nanoTime();
    second.awaitSucceeded(deprovision);
    long succeeded = System.nanoTime();
    Instant succeededAt = Instant.now();
    System.out.printf(
        "kill -9: restart ready after %d ms, job succeeded %d ms after the restart began (%d ms after ready);"
            + " the dead claim's lease would have ended %d ms later%n",
        (ready - restarted) / 1_000_000, (succeeded - restarted) / 1_000_000, (succeeded - ready) / 1_000_000,
        Duration.between(succeededAt, orphaned.until()).toMillis());
    // the job is taken over as soon as the new replica runs, not when the dead claim's lease ends; how long
    // the start itself takes depends on the machine's load, so it is left out of the measure
    assertThat(Duration.ofNanos(succeeded - ready)).isLessThan(LEASE.dividedBy(2));
    assertThat(succeededAt).as("the job succeeded before the dead claim's lease ended").isBefore(orphaned.until());
    second.process.destroy();
    assertThat(second.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aSyncOutlivesKill9BetweenUploadAndEndAndInTheMiddleOfItsEndAndCommitsItsFilesOnce() throws Exception {
    Service first = start("sync-first");
    String syncs = "/api/v1/ailake/database/instances/lake/syncs";
    HttpResponse<String> table = first.send("POST", "/api/v1/ailake/database/instances/lake/tables",
        "{\"namespace\":\"k9\",\"name\":\"t\",\"columns\":[{\"name\":\"id\",\"type\":\"long\"},"
            + "{\"name\":\"name\",\"type\":\"string\"}]}");
    assertThat(table.statusCode()).as(table.body()).isEqualTo(201);
    long ended = first.startSync("ended");
    first.upload(ended, "a.ndjson", "{\"id\":1,\"name\":\"a\"}\n{\"id\":2,\"name\":\"b\"}\n{\"id\":3,\"name\":\"c\"}\n");
    first.upload(ended, "b.ndjson", "{\"id\":4,\"name\":\"d\"}\n{\"id\":5,\"name\":\"e\"}\n");
    long aborted = first.startSync("aborted");
    first.upload(aborted, "c.ndjson", "{\"id\":6,\"name\":\"f\"}\n");
    String abortedFile = queryText("SELECT data_files -> 0 ->> 'file-path' FROM ingest_file WHERE sync_id = " + aborted);
    assertThat(stored(abortedFile)).as("the upload's rows are stored under the table").isTrue();

    // a third upload still streaming (its row, which the test's transaction holds): the end's commit, having
    // swapped the table's pointer in its transaction, waits to mark that file unfinished; kill -9 then
    execute("INSERT INTO ingest_file (sync_id, file_name, status) VALUES (" + ended + ", 'streaming.ndjson', 'SYNCING')");
    Connection uploadLock = lockRows("SELECT 1 FROM ingest_file WHERE file_name = ? FOR UPDATE", "streaming.ndjson");
    CompletableFuture<HttpResponse<String>> ending = first.sendAsync("POST", syncs + "/" + ended + "/end", "{}");
    await(Duration.ofSeconds(60), "the end's commit waiting for the upload's row", () -> waitingForLocks() >= 1);
    first.process.destroyForcibly();
    assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(ending).failsWithin(Duration.ofSeconds(30));
    uploadLock.close();
    lockHolders.remove(uploadLock);

    Service second = start("sync-second");
    JsonNode open = JSON.readTree(second.send("GET", syncs + "/" + ended, null).body());
    assertThat(open.path("status").asText()).as("its end never committed").isEqualTo("SYNCING");
    HttpResponse<String> end = second.send("POST", syncs + "/" + ended + "/end", "{}");
    assertThat(end.statusCode()).as(end.body()).isEqualTo(200);
    JsonNode finished = JSON.readTree(end.body());
    assertThat(finished.path("status").asText()).isEqualTo("FINISHED");
    assertThat(finished.path("rows").asLong()).isEqualTo(5);
    assertThat(queryText("SELECT status FROM ingest_file WHERE file_name = 'streaming.ndjson'"))
        .as("the upload unfinished at the end is not part of it").isEqualTo("FAILED");
    JsonNode again = JSON.readTree(second.send("POST", syncs + "/" + ended + "/end", "{}").body());
    assertThat(again.path("snapshotId").asLong()).as("ending again commits nothing").isEqualTo(finished.path("snapshotId").asLong());
    HttpResponse<String> count = second.send("POST", "/api/v1/ailake/database/instances/lake/query",
        "{\"sql\":\"SELECT count(*), sum(id) FROM k9.t\"}");
    assertThat(count.statusCode()).as(count.body()).isEqualTo(200);
    assertThat(JSON.readTree(count.body()).path("rows").get(0).toString()).isEqualTo("[5,15]");
    JsonNode snapshots = JSON.readTree(second.send("GET", "/api/v1/ailake/database/instances/lake/tables/k9/t/snapshots",
        null).body());
    assertThat(snapshots.findValues("ailake.sync-id")).as("one commit of the sync").hasSize(1);

    HttpResponse<String> abort = second.send("POST", syncs + "/" + aborted + "/abort", "{}");
    assertThat(abort.statusCode()).as(abort.body()).isEqualTo(200);
    assertThat(JSON.readTree(abort.body()).path("status").asText()).isEqualTo("ABORTED");
    assertThat(stored(abortedFile)).as("an aborted sync leaves no file").isFalse();
    second.process.destroy();
    assertThat(second.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
  }

  /** Whether a file the service stored on the local-disk warehouse is there. */
  private static boolean stored(String location) {
    assertThat(location).isNotBlank();
    return Files.exists(location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location));
  }

  // ---- the service process ----------------------------------------------------------------------

  @Test
  void anEventCommittedBeforeKill9IsDeliveredByTheRestartedReplicaWithItsWebhookId() throws Exception {
    // the receiver refuses every delivery until the first replica is killed, then takes them
    AtomicBoolean accepting = new AtomicBoolean(false);
    ConcurrentLinkedQueue<String> refused = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> accepted = new ConcurrentLinkedQueue<>();
    com.sun.net.httpserver.HttpServer receiver =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/hook", exchange -> {
      exchange.getRequestBody().readAllBytes();
      String id = exchange.getRequestHeaders().getFirst("webhook-id");
      (accepting.get() ? accepted : refused).add(id);
      exchange.sendResponseHeaders(accepting.get() ? 204 : 503, -1);
      exchange.close();
    });
    receiver.start();
    try {
      Map<String, String> hooks = Map.of("AILAKE_WEBHOOKS_ALLOWED_NETWORKS", "127.0.0.1/32",
          "AILAKE_WEBHOOKS_FIRST_RETRY", "1s", "AILAKE_WEBHOOKS_MAX_RETRY_INTERVAL", "2s");
      Service first = start("hook-first", hooks);
      HttpResponse<String> created = first.send("POST", "/api/v1/ailake/webhooks", "{\"url\":\"http://127.0.0.1:"
          + receiver.getAddress().getPort() + "/hook\",\"events\":[\"datalake.Table.created\"]}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      HttpResponse<String> table = first.send("POST", "/api/v1/ailake/database/instances/lake/tables",
          "{\"namespace\":\"hk\",\"name\":\"t\",\"columns\":[{\"name\":\"id\",\"type\":\"long\"}]}");
      assertThat(table.statusCode()).as(table.body()).isEqualTo(201);
      await(Duration.ofSeconds(30), "a first, refused delivery", () -> !refused.isEmpty());
      String webhookId = refused.peek();

      first.process.destroyForcibly(); // SIGKILL between the commit and a delivery that succeeds
      assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      accepting.set(true);
      start("hook-second", hooks);
      await(Duration.ofSeconds(60), "the delivery by the restarted replica", () -> !accepted.isEmpty());
      assertThat(accepted.peek()).as("the same webhook-id after the restart").isEqualTo(webhookId);
      assertThat(queryText("SELECT 'evt_' || id FROM event WHERE type = 'datalake.Table.created'"
          + " AND resource LIKE '%/tables/hk.t'")).isEqualTo(webhookId);
      pause(3000);
      assertThat(accepted).as("delivered once after the restart").containsExactly(webhookId);
      assertThat(refused).allMatch(webhookId::equals);
    } finally {
      receiver.stop(0);
    }
  }

  private Service start(String name) throws Exception {
    return start(name, Map.of());
  }

  private Service start(String name, Map<String, String> settings) throws Exception {
    Path jar = Path.of(System.getProperty("service.jar", "target/quarkus-app/quarkus-run.jar"));
    assertThat(jar).as("the packaged service (mvn package)").exists();
    int port = freePort();
    Path log = WORK.resolve(name + ".log");
    Files.createDirectories(WORK);
    ProcessBuilder builder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString());
    Map<String, String> env = builder.environment();
    env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
    env.put("QUARKUS_DATASOURCE_JDBC_URL", postgres.jdbcUrl());
    env.put("QUARKUS_DATASOURCE_USERNAME", EmbeddedPostgresLauncher.USER);
    env.put("AILAKE_DATA_DIR", WORK.resolve("data").toAbsolutePath().toString());
    env.put("AILAKE_BOOTSTRAP_TOKEN", TOKEN);
    env.put("AILAKE_REPLICA_ID", REPLICA);
    env.put("AILAKE_SHUTDOWN_DELAY", SHUTDOWN_DELAY.toSeconds() + "s");
    env.put("AILAKE_SHUTDOWN_TIMEOUT", SHUTDOWN_TIMEOUT.toSeconds() + "s");
    env.put("AILAKE_JOBS_SHUTDOWN_GRACE", JOB_GRACE.toSeconds() + "s");
    env.putAll(settings);
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = builder.start();
    started.add(process);
    Service service = new Service(process, port, log);
    service.awaitStatus("/q/health/ready", 200, Duration.ofSeconds(90));
    return service;
  }

  private final class Service {
    final Process process;
    final int port;
    final Path log;

    Service(Process process, int port, Path log) {
      this.process = process;
      this.port = port;
      this.log = log;
    }

    HttpRequest request(String method, String path, String body) {
      HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
          .timeout(Duration.ofSeconds(60))
          .header("Authorization", "Bearer " + TOKEN);
      if (body == null) {
        return builder.method(method, HttpRequest.BodyPublishers.noBody()).build();
      }
      return builder.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
    }

    HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
      return http.send(request(method, path, body), HttpResponse.BodyHandlers.ofString());
    }

    CompletableFuture<HttpResponse<String>> sendAsync(String method, String path, String body) {
      return http.sendAsync(request(method, path, body), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> awaitStatus(String path, int status, Duration within) throws Exception {
      long deadline = System.nanoTime() + within.toNanos();
      HttpResponse<String> last = null;
      while (System.nanoTime() < deadline) {
        assertThat(process.isAlive()).as("the service runs (log: %s)", log).isTrue();
        try {
          last = send("GET", path, null);
          if (last.statusCode() == status) {
            return last;
          }
        } catch (IOException notListening) {
          // starting
        }
        Thread.sleep(50);
      }
      throw new AssertionError(path + " did not answer " + status + " within " + within + "; last: "
          + (last == null ? "no answer" : last.statusCode() + " " + last.body()) + " (log: " + log + ")");
    }

    long startSync(String name) throws Exception {
      HttpResponse<String> response = send("POST", "/api/v1/ailake/database/instances/lake/syncs",
          "{\"name\":\"" + name + "\",\"table\":\"k9.t\",\"syncType\":\"INCREMENTAL\",\"format\":\"ndjson\"}");
      assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
      return JSON.readTree(response.body()).path("syncId").asLong();
    }

    /** One multipart call with one file part; the file must be FINISHED. */
    void upload(long sync, String fileName, String content) throws Exception {
      String boundary = "it-" + UUID.randomUUID();
      String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
          + "\"\r\nContent-Type: application/x-ndjson\r\n\r\n" + content + "\r\n--" + boundary + "--\r\n";
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port
              + "/api/v1/ailake/database/instances/lake/syncs/" + sync + "/files"))
          .timeout(Duration.ofSeconds(60))
          .header("Authorization", "Bearer " + TOKEN)
          .header("Content-Type", "multipart/form-data; boundary=" + boundary)
          .POST(HttpRequest.BodyPublishers.ofString(body))
          .build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(JSON.readTree(response.body()).path("files").get(0).path("status").asText()).isEqualTo("FINISHED");
    }

    String provision(String database) throws Exception {
      JsonNode storages = JSON.readTree(send("GET", "/api/v1/ailake/objectStorages", null).body());
      String storageId = null;
      for (JsonNode storage : storages.get("storages")) {
        if (storage.get("name").asText().equals("default")) {
          storageId = storage.get("storageId").asText();
        }
      }
      HttpResponse<String> response = send("POST", "/api/v1/ailake/database/instances",
          "{\"name\":\"" + database + "\",\"storageIds\":[\"" + storageId + "\"]}");
      assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
      return response.headers().firstValue("operation-id").orElseThrow();
    }

    String deprovision(String database) throws Exception {
      HttpResponse<String> response = send("DELETE", "/api/v1/ailake/database/instances/" + database, null);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
      return response.headers().firstValue("operation-id").orElseThrow();
    }

    void awaitSucceeded(String operation) throws Exception {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (true) {
        JsonNode status = JSON.readTree(send("GET", "/api/v1/ailake/operations/" + operation, null).body());
        if (status.path("status").asText().equals("succeeded")) {
          return;
        }
        assertThat(status.path("status").asText()).as(status.toString()).isNotEqualTo("failed");
        assertThat(System.nanoTime()).as("operation %s succeeding (log: %s)", operation, log).isLessThan(deadline);
        Thread.sleep(100);
      }
    }
  }

  // ---- PostgreSQL, as the test sees it ------------------------------------------------------------

  private record Claim(String owner, Instant until, String state) {}

  private Connection lockRows(String select, String parameter) throws SQLException {
    Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), EmbeddedPostgresLauncher.USER, "");
    lockHolders.add(connection);
    connection.setAutoCommit(false);
    try (PreparedStatement ps = connection.prepareStatement(select)) {
      ps.setString(1, parameter);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("rows to hold: %s", select).isTrue();
      }
    }
    return connection;
  }

  private int waitingForLocks() {
    return queryInt("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'");
  }

  private Claim awaitClaim(String operation) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      Claim claim = claim(operation);
      if (claim != null && claim.owner() != null) {
        return claim;
      }
      assertThat(System.nanoTime()).as("operation %s claimed", operation).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private Claim claim(String operation) throws SQLException {
    try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), EmbeddedPostgresLauncher.USER, "");
        PreparedStatement ps =
            c.prepareStatement("SELECT lease_owner, lease_until, state FROM job WHERE operation_id = ?")) {
      ps.setString(1, operation);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        Timestamp until = rs.getTimestamp(2);
        return new Claim(rs.getString(1), until == null ? null : until.toInstant(), rs.getString(3));
      }
    }
  }

  private void execute(String sql) {
    try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), EmbeddedPostgresLauncher.USER, "");
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private String queryText(String sql) {
    try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), EmbeddedPostgresLauncher.USER, "");
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      assertThat(rs.next()).as(sql).isTrue();
      return rs.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private int queryInt(String sql) {
    try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), EmbeddedPostgresLauncher.USER, "");
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void await(Duration within, String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private record QuickRequest(long sentNanos, String outcome) {}

  /** The outcomes of the quick requests sent in [from, to), counted. */
  private static Map<String, Long> outcomes(ConcurrentLinkedQueue<QuickRequest> quick, long from, long to) {
    Map<String, Long> counts = new java.util.TreeMap<>();
    quick.stream().filter(q -> q.sentNanos() >= from && q.sentNanos() < to)
        .forEach(q -> counts.merge(q.outcome(), 1L, Long::sum));
    return counts;
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
