package io.ailake.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import io.ailake.testing.Warehouses;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With 100,000 tables and 1,000 namespaces, the statements behind load, list and commit use indexes
 * only: no sequential scan of the catalog's large tables.
 */
@QuarkusTest
class QueryPlansAtScaleTest {

  @Inject DataSource dataSource;

  private Warehouse warehouse;

  @BeforeEach
  void hundredThousandTables() throws SQLException {
    warehouse = Warehouses.local("scale");
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO namespace (warehouse_id, name, organization_id, parent) SELECT '" + warehouse.id
              + "', 'ns' || i, '" + warehouse.organizationId + "', '' FROM generate_series(1, 1000) i");
      s.execute(
          "INSERT INTO catalog_object (id, organization_id, warehouse_id, namespace, name, kind, metadata_location)"
              + " SELECT gen_random_uuid(), '" + warehouse.organizationId + "', '" + warehouse.id + "',"
              + " CASE WHEN i <= 90000 THEN 'ns1' ELSE 'ns' || (i % 1000 + 1) END, 't' || i, 'TABLE',"
              + " 'file:/w/t' || i || '/metadata/00000-x.metadata.json' FROM generate_series(1, 100000) i");
      s.execute("ANALYZE namespace");
      s.execute("ANALYZE catalog_object");
    }
  }

  @AfterEach
  void cleanUp() throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute("DELETE FROM catalog_object WHERE warehouse_id = '" + warehouse.id + "'");
      s.execute("DELETE FROM namespace WHERE warehouse_id = '" + warehouse.id + "'");
    }
  }

  @Test
  void loadListAndCommitUseIndexScansOnly() throws SQLException {
    String w = warehouse.id.toString();
    assertIndexOnly(
        "load a table",
        "SELECT * FROM catalog_object WHERE warehouse_id = ?::uuid AND namespace = ? AND name = ?",
        w, "ns1", "t4242");
    assertIndexOnly(
        "list a page of tables",
        "SELECT * FROM catalog_object WHERE warehouse_id = ?::uuid AND namespace = ? AND kind = ? AND name > ?"
            + " ORDER BY name FETCH FIRST 101 ROWS ONLY",
        w, "ns1", "TABLE", "t5");
    assertIndexOnly(
        "commit (compare-and-swap)",
        "UPDATE catalog_object SET metadata_location = 'new', updated_at = now()"
            + " WHERE id = ?::uuid AND metadata_location = ?",
        java.util.UUID.randomUUID().toString(), "file:/w/t7/metadata/00000-x.metadata.json");
    UUID pointer = UUID.randomUUID();
    assertIndexOnly("find a table to commit to", CatalogObjects.FIND, warehouse.id, "ns1", "t4242");
    assertIndexOnly(
        "commit (compare-and-swap unless locked, with its events)", CatalogObjects.SWAP_IF_FREE.positional(),
        CatalogObjects.SWAP_IF_FREE.values(io.ailake.postgres.NamedSql.parameters().set("next", "new").set("id", pointer)
            .set("expected", "file:/w/t7/metadata/00000-x.metadata.json").set("events", "[]")));
    assertIndexOnly("check a new table's name", CatalogObjects.CHECK_FREE, "t4242", warehouse.id, "ns1");
    assertIndexOnly(
        "load a namespace",
        "SELECT * FROM namespace WHERE warehouse_id = ?::uuid AND name = ?", w, "ns500");
    assertIndexOnly(
        "list a page of namespaces",
        "SELECT * FROM namespace WHERE warehouse_id = ?::uuid AND parent = ? AND name > ?"
            + " ORDER BY name FETCH FIRST 101 ROWS ONLY",
        w, "", "ns2");
    assertIndexOnly(
        "count a namespace's tables before dropping it",
        "SELECT count(*) FROM catalog_object WHERE warehouse_id = ?::uuid AND namespace = ?", w, "ns7");
  }

  private void assertIndexOnly(String what, String sql, Object... params) throws SQLException {
    List<String> plan = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          plan.add(rs.getString(1));
        }
      }
    }
    assertThat(String.join("\n", plan))
        .as("plan of '%s'", what)
        .doesNotContain("Seq Scan")
        .containsAnyOf("Index Scan", "Index Only Scan", "Bitmap Index Scan");
  }
}
