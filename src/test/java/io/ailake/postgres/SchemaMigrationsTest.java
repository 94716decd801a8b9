package io.ailake.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ailake.postgres.SchemaMigrations.Migration;
import io.ailake.postgres.SchemaMigrations.SchemaMismatchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaMigrationsTest {

  @TempDir static Path dataDir;
  private static EmbeddedPostgresLauncher postgres;
  private static int databases;

  @BeforeAll
  static void start() {
    postgres = EmbeddedPostgresLauncher.start(dataDir);
  }

  @AfterAll
  static void stop() {
    postgres.close();
  }

  @Test
  void theBuildListsEveryScriptOfTheDirectoryInVersionOrder() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("src/main/resources", SchemaMigrations.DIRECTORY))) {
      assertThat(files.map(f -> f.getFileName().toString()).collect(Collectors.toSet()))
          .containsExactlyInAnyOrderElementsOf(SchemaMigrations.SCRIPTS);
    }
    assertThat(SchemaMigrations.bundled())
        .extracting(Migration::version)
        .isSorted()
        .doesNotHaveDuplicates();
  }

  @Test
  void aFreshDatabaseGetsEveryScriptOnceAndALaterStartNothing() throws SQLException {
    String url = database();
    List<Migration> bundled = SchemaMigrations.bundled();
    try (Connection c = connect(url)) {
      assertThat(SchemaMigrations.apply(c, bundled)).isEqualTo(bundled);
      assertThat(SchemaMigrations.apply(c, bundled)).isEmpty();
      assertThat(c.getAutoCommit()).isTrue();
      assertThat(strings(c, "SELECT script FROM schema_migrations ORDER BY version"))
          .isEqualTo(SchemaMigrations.SCRIPTS);
      assertThat(strings(c, "SELECT to_regclass('catalog_object')::text")).containsExactly("catalog_object");
    }
  }

  @Test
  void replicasStartingTogetherApplyEachScriptOnce() throws Exception {
    String url = database();
    List<Migration> bundled = SchemaMigrations.bundled();
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<List<Migration>>> replicas = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      replicas.add(CompletableFuture.supplyAsync(() -> {
        try (Connection c = connect(url)) {
          go.await();
          return SchemaMigrations.apply(c, bundled);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    go.countDown();
    List<Migration> applied = new ArrayList<>();
    for (CompletableFuture<List<Migration>> replica : replicas) {
      applied.addAll(replica.get());
    }
    assertThat(applied).isEqualTo(bundled);
  }

  @Test
  void aScriptThatFailsLeavesTheSchemaAsItWas() throws SQLException {
    String url = database();
    List<Migration> broken = new ArrayList<>(SchemaMigrations.bundled());
    int next = nextVersion();
    broken.add(new Migration(next, "V" + next + "__broken.sql", "CREATE TABLE half (a int); SELECT * FROM missing"));
    try (Connection c = connect(url)) {
      assertThatThrownBy(() -> SchemaMigrations.apply(c, broken))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("Migration V" + next + "__broken.sql failed, nothing was applied")
          .hasMessageContaining("missing");
      assertThat(strings(c, "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'")).isEmpty();
      assertThat(c.getAutoCommit()).isTrue();
    }
  }

  @Test
  void aScriptChangedAfterItWasAppliedStopsTheStart() throws SQLException {
    String url = database();
    List<Migration> bundled = SchemaMigrations.bundled();
    List<Migration> edited = new ArrayList<>(bundled);
    Migration first = edited.get(0);
    edited.set(0, new Migration(first.version(), first.script(), first.sql() + "\n-- edited"));
    edited.add(new Migration(nextVersion(), "V" + nextVersion() + "__more.sql", "CREATE TABLE more (a int)"));
    try (Connection c = connect(url)) {
      SchemaMigrations.apply(c, bundled);
      assertThatThrownBy(() -> SchemaMigrations.apply(c, edited))
          .isInstanceOf(SchemaMismatchException.class)
          .hasMessage("Migration V1__catalog.sql changed after it was applied to this database");
      assertThat(strings(c, "SELECT to_regclass('more')::text")).containsOnlyNulls();
    }
  }

  @Test
  void aScriptCheckedOutWithWindowsLineEndsIsTheSameScript() throws SQLException {
    String url = database();
    List<Migration> bundled = SchemaMigrations.bundled();
    List<Migration> crlf = bundled.stream()
        .map(m -> new Migration(m.version(), m.script(), m.sql().replace("\n", "\r\n")))
        .toList();
    try (Connection c = connect(url)) {
      SchemaMigrations.apply(c, bundled);
      assertThat(SchemaMigrations.apply(c, crlf)).isEmpty();
    }
  }

  @Test
  void aScriptOlderThanTheSchemaStopsTheStart() throws SQLException {
    String url = database();
    List<Migration> bundled = SchemaMigrations.bundled();
    try (Connection c = connect(url)) {
      SchemaMigrations.apply(c, bundled);
      List<Migration> withOlder = new ArrayList<>(bundled);
      withOlder.add(2, new Migration(3, "V3__late.sql", "CREATE TABLE late (a int)"));
      assertThatThrownBy(() -> SchemaMigrations.apply(c, withOlder))
          .isInstanceOf(SchemaMismatchException.class)
          .hasMessage("Migration V3__late.sql was never applied, but the schema is at version "
              + (nextVersion() - 1) + " already");
    }
  }

  @Test
  void aSchemaFlywayMigratedIsTakenOverAndBroughtUpToDate() throws SQLException {
    String url = database();
    List<Migration> bundled = SchemaMigrations.bundled();
    List<Migration> byFlyway = bundled.subList(0, 5);
    try (Connection c = connect(url); Statement s = c.createStatement()) {
      // the columns of Flyway's history table that the takeover reads, as Flyway filled them
      s.execute("CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50),"
          + " script varchar(1000) NOT NULL, success boolean NOT NULL)");
      s.execute("INSERT INTO flyway_schema_history VALUES (0, NULL, '<< Flyway Schema Creation >>', true)");
      for (Migration migration : byFlyway) {
        s.execute(migration.sql());
        s.execute("INSERT INTO flyway_schema_history VALUES (" + migration.version() + ", '"
            + migration.version() + "', '" + migration.script() + "', true)");
      }
      assertThat(SchemaMigrations.apply(c, bundled)).isEqualTo(bundled.subList(5, bundled.size()));
      assertThat(strings(c, "SELECT script FROM schema_migrations ORDER BY version"))
          .isEqualTo(SchemaMigrations.SCRIPTS);
      assertThat(strings(c, "SELECT checksum FROM schema_migrations WHERE version <= 7")).containsOnlyNulls();
      assertThat(SchemaMigrations.apply(c, bundled)).isEmpty();
    }
  }

  private static String database() throws SQLException {
    String name = "migrations_" + (++databases);
    try (Connection c = connect(postgres.jdbcUrl()); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    String url = postgres.jdbcUrl();
    return url.substring(0, url.lastIndexOf('/') + 1) + name;
  }

  private static Connection connect(String url) throws SQLException {
    return DriverManager.getConnection(url, EmbeddedPostgresLauncher.USER, null);
  }

  private static List<String> strings(Connection c, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rows = s.executeQuery(sql)) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    }
    return values;
  }

  /** The version after the last bundled script's, for a script the tests add. */
  private static int nextVersion() {
    List<Migration> bundled = SchemaMigrations.bundled();
    return bundled.get(bundled.size() - 1).version() + 1;
  }
}
