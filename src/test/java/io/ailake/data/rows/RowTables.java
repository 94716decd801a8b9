package io.ailake.data.rows;

import static io.restassured.RestAssured.given;

import io.ailake.iceberg.Warehouse;
import io.ailake.testing.IcebergClients;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.rest.RESTCatalog;

/** Tables made with Iceberg's REST client, their rows routes, and their rows read back with Iceberg's generic reader. */
final class RowTables {

  static final String BASE = "/api/v1/ailake/database/instances";

  private RowTables() {}

  static Table create(URL catalog, Warehouse warehouse, String namespace, String name, Schema schema,
      PartitionSpec spec, Map<String, String> properties) {
    try (RESTCatalog client = IcebergClients.connect(catalog, warehouse)) {
      if (!client.namespaceExists(Namespace.of(namespace))) {
        client.createNamespace(Namespace.of(namespace));
      }
      return client.buildTable(TableIdentifier.of(namespace, name), schema)
          .withPartitionSpec(spec).withProperties(properties).create();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Table load(URL catalog, Warehouse warehouse, String namespace, String name) {
    try (RESTCatalog client = IcebergClients.connect(catalog, warehouse)) {
      return client.loadTable(TableIdentifier.of(namespace, name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every live row, ordered by the long column {@code id}. */
  static List<Record> rows(URL catalog, Warehouse warehouse, String namespace, String name) {
    Table table = load(catalog, warehouse, namespace, name);
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      records.forEach(rows::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    rows.sort(Comparator.comparing(r -> (Long) r.getField("id")));
    return rows;
  }

  static String path(Warehouse warehouse, String namespace, String table) {
    return BASE + "/" + warehouse.name + "/tables/" + namespace + "/" + table + "/rows";
  }

  static Response insert(Warehouse warehouse, String namespace, String table, String contentType, String body) {
    return given().contentType(contentType).body(body.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .post(path(warehouse, namespace, table));
  }

  static Response update(Warehouse warehouse, String namespace, String table, Object body) {
    return given().contentType("application/json").body(body).post(path(warehouse, namespace, table) + "/update");
  }

  static Response delete(Warehouse warehouse, String namespace, String table, Object body) {
    return given().contentType("application/json").body(body).post(path(warehouse, namespace, table) + "/delete");
  }
}
