package io.ailake.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import io.ailake.testing.NestedMavenSuite;
import io.ailake.testing.S3ProxyResource;
import io.ailake.testing.Warehouses;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Spark 3.5 SQL through the catalog (src/test/spark: create a partitioned table, insert, select,
 * update, delete, add and rename a column, VERSION AS OF, the .snapshots table, CREATE and REPLACE TABLE
 * AS SELECT, DROP TABLE ... PURGE; QueryRouteAgreesWithSparkTest: the SQL query route reads what Spark
 * wrote, copy-on-write and merge-on-read, as Spark does; RowRoutesAgreeWithSparkTest: Spark reads what the
 * row routes wrote as the query route does, at every snapshot, tag and time; SyncsAgreeWithSparkTest: Spark
 * reads exactly the rows file-upload syncs took, and a FULL sync's trash tag the rows it replaced), on the
 * default local-disk
 * warehouse and on an S3 warehouse.
 */
@QuarkusTest
class SparkSqlTest {

  private static final String POM = "src/test/spark/pom.xml";

  @TestHTTPResource("/iceberg")
  URL catalog;

  @Test
  void sparkSqlWorksOnTheDefaultWarehouse() {
    NestedMavenSuite.Result result = run("lake", Map.of(), "spark-local");

    assertThat(result.failures()).as(result.toString()).isEmpty();
    assertThat(result.passed()).as(result.toString()).isEqualTo(result.run()).isGreaterThanOrEqualTo(18);
  }

  @Test
  void sparkSqlWorksOnAnS3Warehouse() {
    Warehouse warehouse = Warehouses.s3("spark_s3");

    NestedMavenSuite.Result result =
        run(warehouse.name, S3ProxyResource.clientProperties(), "spark-s3");

    assertThat(result.failures()).as(result.toString()).isEmpty();
    assertThat(result.passed()).as(result.toString()).isEqualTo(result.run()).isGreaterThanOrEqualTo(18);
  }

  private NestedMavenSuite.Result run(String warehouse, Map<String, String> catalogProperties, String name) {
    Map<String, String> properties = new HashMap<>();
    properties.put("catalog.uri", catalog.toString());
    properties.put("catalog.warehouse", warehouse);
    properties.put("catalog.prop.token", io.ailake.testing.TestTokens.defaultAdmin());
    // a read token of the same organization: the suite checks it may SELECT and may not INSERT
    io.restassured.response.Response reader = io.restassured.RestAssured.given()
        .contentType(io.restassured.http.ContentType.JSON)
        .body(Map.of("name", "spark-reader-" + name, "role", "read"))
        .post("/api/v1/admin/organizations/" + io.ailake.organization.Organizations.DEFAULT_ID + "/tokens");
    reader.then().statusCode(201);
    properties.put("catalog.read-credential", reader.path("id") + ":" + reader.path("token"));
    catalogProperties.forEach((k, v) -> properties.put("catalog.prop." + k, v));
    return NestedMavenSuite.run(POM, Map.of(), properties, Path.of("target", "nested-suites", name));
  }
}
