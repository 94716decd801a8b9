package io.ailake.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * A real PostgreSQL started from the Maven-packaged binaries, keeping its data in
 * {@code <dataDir>/postgres} across restarts. Used when no external PostgreSQL is configured, and by
 * the tests.
 */
public final class EmbeddedPostgresLauncher implements AutoCloseable {

  public static final String USER = "postgres";
  private static final Logger LOG = Logger.getLogger(EmbeddedPostgresLauncher.class);

  private final EmbeddedPostgres postgres;
  private final FileChannel lockChannel;

  private EmbeddedPostgresLauncher(EmbeddedPostgres postgres, FileChannel lockChannel) {
    this.postgres = postgres;
    this.lockChannel = lockChannel;
  }

  /**
   * Starts PostgreSQL on a free port over the data kept in {@code dataDir/postgres}, durable: every
   * acknowledged commit is flushed to disk.
   */
  public static EmbeddedPostgresLauncher start(Path dataDir) {
    return start(dataDir, false);
  }

  /**
   * Starts PostgreSQL over a fresh, empty data directory, for tests: without fsync, which only matters
   * when the machine itself crashes.
   */
  public static EmbeddedPostgresLauncher startClean(Path dataDir) {
    return start(dataDir, true);
  }

  private static EmbeddedPostgresLauncher start(Path dataDir, boolean forTests) {
    long started = System.nanoTime();
    try {
      Path pgData = dataDir.toAbsolutePath().resolve("postgres");
      Files.createDirectories(pgData);
      FileChannel lock = lockDataDirectory(dataDir.toAbsolutePath());
      stopOrphanedServer(pgData);
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setDataDirectory(pgData)
              .setCleanDataDirectory(forTests)
              .setPGStartupWait(Duration.ofSeconds(60))
              .setServerConfig("max_connections", "100")
              // the library's own hook would stop PostgreSQL at the signal, under the requests and jobs
              // a graceful shutdown still finishes: the service stops it last (AilakeMain)
              .setRegisterShutdownHook(forTests);
      // The library turns synchronous_commit off: a commit would then be acknowledged before its WAL
      // is written, and lost when PostgreSQL crashes (the tests crash it on purpose)
      builder.setServerConfig("synchronous_commit", "on").setServerConfig("fsync", forTests ? "off" : "on");
      EmbeddedPostgres postgres = builder.start();
      LOG.infof(
          "Started embedded PostgreSQL on port %d with data in %s (%d ms)",
          postgres.getPort(), pgData, (System.nanoTime() - started) / 1_000_000);
      return new EmbeddedPostgresLauncher(postgres, lock);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the embedded PostgreSQL under " + dataDir, e);
    }
  }

  /** One service per data directory: a second one would corrupt the first one's database. */
  private static FileChannel lockDataDirectory(Path dataDir) throws IOException {
    FileChannel channel =
        FileChannel.open(
            dataDir.resolve("ailake.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      throw new IllegalStateException(
          "Another ailake process uses the data directory " + dataDir + "; stop it or set AILAKE_DATA_DIR");
    }
    return channel;
  }

  /**
   * A service killed with SIGKILL leaves its PostgreSQL running and holding the data directory. We
   * hold the directory's lock, so that server belongs to nobody: stop it before starting ours.
   */
  private static void stopOrphanedServer(Path pgData) throws IOException {
    Path pidFile = pgData.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    String firstLine = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
    Optional<ProcessHandle> orphan;
    try {
      orphan = ProcessHandle.of(Long.parseLong(firstLine));
    } catch (NumberFormatException e) {
      orphan = Optional.empty();
    }
    orphan
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false))
        .ifPresent(
            p -> {
              LOG.warnf("Stopping orphaned embedded PostgreSQL (pid %d) left by an earlier run", p.pid());
              p.destroy();
              p.onExit().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
            });
  }

  /** How a server is stopped: PostgreSQL's fast (SIGINT) and immediate (SIGQUIT) shutdown modes. */
  public enum StopMode {
    /** Rolls back open transactions, disconnects every client, writes a checkpoint. */
    FAST("INT"),
    /** Quits without a checkpoint, as in a crash: the next start recovers from the write-ahead log. */
    IMMEDIATE("QUIT");

    private final String signal;

    StopMode(String signal) {
      this.signal = signal;
    }
  }

  /** A server that was stopped, with what it takes to start it again on the same port and data. */
  public record StoppedServer(List<String> commandLine, String jdbcUrl) {

    /** Starts the server again and waits until it accepts connections. */
    public void start() {
      try {
        new ProcessBuilder(commandLine)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot start PostgreSQL again: " + commandLine, e);
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (true) {
        try (java.sql.Connection ignored = java.sql.DriverManager.getConnection(jdbcUrl, USER, "")) {
          return;
        } catch (java.sql.SQLException notYet) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("PostgreSQL did not accept connections again within 60 s", notYet);
          }
          try {
            Thread.sleep(100);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while PostgreSQL started again", e);
          }
        }
      }
    }
  }

  /**
   * Stops the server that runs over {@code dataDir} (as started by {@link #start} or {@link
   * #startClean}) the way an operator or a crash would, keeping its data, and says how to start it again.
   * Static and keyed by the directory, so a test reaches the server whatever class loader started it.
   */
  public static StoppedServer stopServer(Path dataDir, StopMode mode) {
    Path pgData = dataDir.toAbsolutePath().resolve("postgres");
    try {
      String pid = Files.readAllLines(pgData.resolve("postmaster.pid")).get(0).trim();
      String port = Files.readAllLines(pgData.resolve("postmaster.pid")).get(3).trim();
      ProcessHandle postmaster =
          ProcessHandle.of(Long.parseLong(pid))
              .orElseThrow(() -> new IllegalStateException("No PostgreSQL process " + pid));
      List<String> commandLine = new ArrayList<>();
      // as root the library runs PostgreSQL in a user namespace of its own (PostgreSQL refuses root)
      if (io.zonky.test.db.postgres.util.LinuxUtils.isUnshareAvailable()) {
        commandLine.addAll(List.of("unshare", "-U"));
      }
      commandLine.add(postmaster.info().command().orElseThrow());
      commandLine.addAll(List.of(postmaster.info().arguments().orElseThrow()));
      Process kill = new ProcessBuilder("kill", "-" + mode.signal, pid).inheritIO().start();
      if (kill.waitFor() != 0) {
        throw new IllegalStateException("kill -" + mode.signal + " " + pid + " failed");
      }
      postmaster.onExit().orTimeout(60, java.util.concurrent.TimeUnit.SECONDS).join();
      return new StoppedServer(List.copyOf(commandLine), "jdbc:postgresql://localhost:" + port + "/postgres");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot stop the PostgreSQL over " + pgData, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while stopping PostgreSQL", e);
    }
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
  }

  public int port() {
    return postgres.getPort();
  }

  @Override
  public void close() {
    try {
      postgres.close();
      lockChannel.close();
    } catch (IOException e) {
      LOG.warn("Could not stop the embedded PostgreSQL cleanly", e);
    }
  }
}
