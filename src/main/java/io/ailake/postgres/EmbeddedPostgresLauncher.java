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
              .setServerConfig("max_connections", "100");
      if (!forTests) {
        // the library's defaults suit tests (fsync off); settings given later on the command line win
        builder.setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on");
      }
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
