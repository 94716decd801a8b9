package io.ailake.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A one-node Trino (a coordinator that runs its own tasks) as its own process on a Java 24+ JDK, with the
 * Iceberg plugin only and the catalogs a test gives. The server is unpacked once from the tar.gz that Maven
 * resolved ({@code trino.server.archive}) into {@code ~/.cache/ailake/trino-server-<version>}; its log
 * goes to {@code <workDir>/server.log}.
 */
public final class TrinoServer implements AutoCloseable {

  /** The pom's {@code trino.version}, the server's and the JDBC driver's. */
  public static final String VERSION = System.getProperty("trino.version", "476");

  /** A cold start on two busy cores took well under a minute; this is the limit, not the wait. */
  private static final Duration STARTUP = Duration.ofMinutes(4);

  private static final String DEFAULT_JAVA_HOME = "/usr/lib/jvm/temurin-25-jdk-amd64";

  private final Process process;
  private final int port;
  private final Path log;
  private final Thread killOnExit;

  private TrinoServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.killOnExit = new Thread(process::destroyForcibly, "trino-server-kill");
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  /**
   * Starts a server in {@code workDir} (emptied first) with {@code catalogs} (name to properties) and
   * answers once it runs queries.
   */
  public static TrinoServer start(Path workDir, Map<String, Map<String, String>> catalogs) {
    try {
      return start(workDir, catalogs, freePort());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The same, on {@code port}: for a service whose configuration names the server before it starts. */
  public static TrinoServer start(Path workDir, Map<String, Map<String, String>> catalogs, int port) {
    Path home = installed();
    Path java = javaHome().resolve("bin/java");
    try {
      deleteRecursively(workDir);
      Path catalogDir = Files.createDirectories(workDir.resolve("etc/catalog"));
      Path pluginDir = Files.createDirectories(workDir.resolve("plugin"));
      // the Iceberg plugin alone: loading all 55 would take longer and more memory than the test itself
      Files.createSymbolicLink(pluginDir.resolve("iceberg"), home.resolve("plugin/iceberg"));
      Map<String, String> config = new TreeMap<>();
      config.put("coordinator", "true");
      config.put("node-scheduler.include-coordinator", "true");
      config.put("http-server.http.port", Integer.toString(port));
      config.put("discovery.uri", "http://127.0.0.1:" + port);
      config.put("node.environment", "ailake_test");
      config.put("node.id", "ailake-test");
      // otherwise the node announces the host's first address, which may not route back to itself
      config.put("node.internal-address", "127.0.0.1");
      config.put("plugin.dir", pluginDir.toAbsolutePath().toString());
      config.put("catalog.config-dir", catalogDir.toAbsolutePath().toString());
      // within the 2 GB heap below: per-node query memory plus the headroom Trino keeps
      config.put("query.max-memory", "1GB");
      config.put("query.max-memory-per-node", "1GB");
      config.put("memory.heap-headroom-per-node", "512MB");
      Path configFile = workDir.resolve("etc/config.properties");
      write(configFile, config);
      for (Map.Entry<String, Map<String, String>> catalog : catalogs.entrySet()) {
        write(catalogDir.resolve(catalog.getKey() + ".properties"), catalog.getValue());
      }
      Path log = workDir.resolve("server.log").toAbsolutePath();
      List<String> command = new ArrayList<>(List.of(
          java.toString(),
          "-Xmx2G",
          "-XX:+UseG1GC",
          "-XX:+ExitOnOutOfMemoryError",
          "-Djdk.attach.allowAttachSelf=true",
          "-XX:+EnableDynamicAgentLoading",
          "--enable-native-access=ALL-UNNAMED",
          "-Dfile.encoding=UTF-8",
          // S3Proxy, like several S3-compatible stores, rejects the AWS SDK's newer default checksums
          "-Daws.requestChecksumCalculation=when_required",
          "-Daws.responseChecksumValidation=when_required",
          "-Dconfig=" + configFile.toAbsolutePath(),
          "-cp", home.resolve("lib").toAbsolutePath() + "/*",
          "io.trino.server.TrinoServer"));
      Process process = new ProcessBuilder(command)
          .directory(workDir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
      TrinoServer server = new TrinoServer(process, port, log);
      try {
        server.awaitQueries();
      } catch (RuntimeException | Error e) {
        server.close();
        throw e;
      }
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A JDBC URL whose default catalog is {@code catalog}. */
  public String jdbcUrl(String catalog) {
    return "jdbc:trino://127.0.0.1:" + port + "/" + catalog;
  }

  public Connection connect(String catalog) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(catalog), "ailake-test", null);
  }

  /**
   * The catalog file an operator writes for Trino (the README's Trino configuration): an Iceberg REST catalog
   * at {@code catalogUri} with OAuth2, {@code more} (its token or credential, and any other property), and the
   * test S3 store through Trino's native S3 file system.
   */
  public static Map<String, String> restCatalogOnS3(String catalogUri, String warehouse, Map<String, String> more) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("connector.name", "iceberg");
    properties.put("iceberg.catalog.type", "rest");
    properties.put("iceberg.rest-catalog.uri", catalogUri);
    properties.put("iceberg.rest-catalog.warehouse", warehouse);
    properties.put("iceberg.rest-catalog.security", "OAUTH2");
    properties.putAll(more);
    properties.put("fs.native-s3.enabled", "true");
    properties.put("s3.endpoint", S3ProxyResource.endpoint());
    properties.put("s3.region", S3ProxyResource.REGION);
    properties.put("s3.path-style-access", "true");
    properties.put("s3.aws-access-key", S3ProxyResource.ACCESS_KEY);
    properties.put("s3.aws-secret-key", S3ProxyResource.SECRET_KEY);
    return properties;
  }

  /** A statement run against the server. */
  public interface Query<T> {
    T run() throws Exception;
  }

  /**
   * Runs {@code query}; until a freshly started Trino knows which catalogs its node serves, a query that
   * schedules work is refused before it starts ("No nodes available", "nodes is empty"): that is retried,
   * for a minute at most.
   */
  public static <T> T scheduled(Query<T> query) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        return query.run();
      } catch (SQLException e) {
        String message = String.valueOf(e.getMessage());
        if (!message.contains("No nodes available") && !message.contains("nodes is empty")
            || System.nanoTime() > deadline) {
          throw e;
        }
        sleep(Duration.ofSeconds(1));
      }
    }
  }

  /** The server's own log (stdout and stderr). */
  public Path log() {
    return log;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(killOnExit);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
    }
  }

  private void awaitQueries() {
    Instant deadline = Instant.now().plus(STARTUP);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest info = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/info"))
        .timeout(Duration.ofSeconds(5)).build();
    String last = "no answer yet";
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Trino exited with " + process.exitValue() + " while starting; its log: "
            + log + "\n" + tail());
      }
      try {
        HttpResponse<String> answer = http.send(info, HttpResponse.BodyHandlers.ofString());
        // a started server answers "starting":false; then its one node must be active for queries to run
        if (answer.statusCode() == 200 && answer.body().replace(" ", "").contains("\"starting\":false")) {
          // until the node announces itself, queries that schedule work fail with "nodes is empty"
          try (Connection connection = connect("system"); Statement statement = connection.createStatement();
              var nodes = statement.executeQuery(
                  "SELECT count(*) FROM system.runtime.nodes WHERE state = 'active' AND coordinator")) {
            if (nodes.next() && nodes.getLong(1) > 0) {
              return;
            }
            last = "no active node yet";
          }
        } else {
          last = "HTTP " + answer.statusCode() + " " + answer.body();
        }
      } catch (IOException | SQLException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while Trino started", e);
      }
      sleep(Duration.ofMillis(500));
    }
    throw new IllegalStateException("Trino did not run queries within " + STARTUP + " (last: " + last
        + "); its log: " + log + "\n" + tail());
  }

  /** The last lines of the server's log, for a failure message. */
  public String tail() {
    try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
      List<String> all = lines.collect(Collectors.toList());
      return String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** The unpacked server: unpacked once, into a temporary directory renamed into place when complete. */
  static Path installed() {
    String archiveProperty = System.getProperty("trino.server.archive");
    if (archiveProperty == null || archiveProperty.isBlank() || archiveProperty.startsWith("${")) {
      throw new IllegalStateException("trino.server.archive is not set: run the test through Maven, whose pom "
          + "resolves io.trino:trino-server:" + VERSION + ":tar.gz and passes its path");
    }
    Path archive = Path.of(archiveProperty);
    if (!Files.isRegularFile(archive)) {
      throw new IllegalStateException(archive + " is missing: Maven resolves it as the test dependency"
          + " io.trino:trino-server:" + VERSION + ":tar.gz");
    }
    Path home = Path.of(System.getProperty("user.home"), ".cache", "ailake", "trino-server-" + VERSION);
    if (Files.isDirectory(home.resolve("lib"))) {
      return home;
    }
    try {
      Path parent = Files.createDirectories(home.getParent());
      removeAbandonedUnpacks(parent);
      Path unpacking = Files.createTempDirectory(parent, "trino-server-" + VERSION + ".unpacking-");
      Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", unpacking.toString(),
          "--strip-components=1")
          .redirectErrorStream(true)
          .start();
      String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (tar.waitFor() != 0 || !Files.isDirectory(unpacking.resolve("lib"))) {
        deleteRecursively(unpacking);
        throw new IllegalStateException("could not unpack " + archive + ": " + output);
      }
      try {
        Files.move(unpacking, home, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
        deleteRecursively(unpacking); // another run unpacked it first
      } catch (AtomicMoveNotSupportedException e) {
        deleteRecursively(unpacking);
        throw new IllegalStateException("cannot rename within " + parent, e);
      }
      return home;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while unpacking " + archive, e);
    }
  }

  /** Unpacks a killed run left behind (older than an hour, so not one still in progress). */
  private static void removeAbandonedUnpacks(Path parent) throws IOException {
    Instant cutoff = Instant.now().minus(Duration.ofHours(1));
    try (Stream<Path> entries = Files.list(parent)) {
      for (Path entry : entries.filter(p -> p.getFileName().toString().contains(".unpacking-")).toList()) {
        FileTime modified = Files.getLastModifiedTime(entry);
        if (modified.toInstant().isBefore(cutoff)) {
          deleteRecursively(entry);
        }
      }
    }
  }

  private static Path javaHome() {
    String configured = System.getProperty("trino.java.home", System.getenv("TRINO_JAVA_HOME"));
    Path home = Path.of(configured == null || configured.isBlank() ? DEFAULT_JAVA_HOME : configured);
    if (!Files.isExecutable(home.resolve("bin/java"))) {
      throw new IllegalStateException("Trino " + VERSION + " needs a Java 24+ JDK at " + home
          + " (set -Dtrino.java.home or TRINO_JAVA_HOME to another)");
    }
    return home;
  }

  private static void write(Path file, Map<String, String> properties) throws IOException {
    String text = properties.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining("\n", "", "\n"));
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      // walk does not follow links: a symlink to the cached plugin is deleted, not what it points to
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
