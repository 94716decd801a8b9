package io.ailake.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresLauncherTest {

  @TempDir Path dataDir;

  @Test
  void dataSurvivesARestart() throws SQLException {
    try (EmbeddedPostgresLauncher first = EmbeddedPostgresLauncher.start(dataDir)) {
      execute(first, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
    }
    try (EmbeddedPostgresLauncher second = EmbeddedPostgresLauncher.start(dataDir);
        Connection c = connect(second);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("still here");
    }
  }

  @Test
  void theServicesPostgresFlushesEveryCommitToDisk() throws SQLException {
    try (EmbeddedPostgresLauncher postgres = EmbeddedPostgresLauncher.start(dataDir);
        Connection c = connect(postgres);
        Statement s = c.createStatement()) {
      assertThat(setting(s, "fsync")).isEqualTo("on");
      assertThat(setting(s, "synchronous_commit")).isEqualTo("on");
    }
  }

  private static String setting(Statement s, String name) throws SQLException {
    try (ResultSet rs = s.executeQuery("SHOW " + name)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void aSecondServiceCannotUseTheSameDataDirectory() {
    try (EmbeddedPostgresLauncher running = EmbeddedPostgresLauncher.start(dataDir)) {
      assertThatThrownBy(() -> EmbeddedPostgresLauncher.start(dataDir))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Another ailake process uses the data directory");
    }
  }

  private static void execute(EmbeddedPostgresLauncher postgres, String sql) throws SQLException {
    try (Connection c = connect(postgres); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static Connection connect(EmbeddedPostgresLauncher postgres) throws SQLException {
    return DriverManager.getConnection(postgres.jdbcUrl(), EmbeddedPostgresLauncher.USER, "");
  }
}
