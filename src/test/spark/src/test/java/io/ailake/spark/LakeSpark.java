package io.ailake.spark;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** A local Spark session whose catalog {@code lake} is the service, from the suite's system properties. */
final class LakeSpark {

  private LakeSpark() {}

  /**
   * Every statement goes to the catalog (its cache off); dates and timestamps come back as java.time
   * values in UTC, whatever the JVM's zone.
   */
  static SparkSession start(String appName, Path scratch) {
    SparkSession.Builder builder = SparkSession.builder().master("local[2]").appName(appName)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.warehouse.dir", scratch.resolve("spark-warehouse").toUri().toString())
        .config("spark.local.dir", scratch.resolve("local").toString())
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.datetime.java8API.enabled", "true")
        .config("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
        .config("spark.sql.catalog.lake", "org.apache.iceberg.spark.SparkCatalog")
        .config("spark.sql.catalog.lake.type", "rest")
        .config("spark.sql.catalog.lake.uri", System.getProperty("catalog.uri"))
        .config("spark.sql.catalog.lake.cache-enabled", "false");
    String warehouse = System.getProperty("catalog.warehouse");
    if (warehouse != null && !warehouse.isBlank()) {
      builder.config("spark.sql.catalog.lake.warehouse", warehouse);
    }
    for (String name : System.getProperties().stringPropertyNames()) {
      if (name.startsWith(SparkSqlThroughCatalogTest.PROP_PREFIX)) {
        builder.config("spark.sql.catalog.lake." + name.substring(SparkSqlThroughCatalogTest.PROP_PREFIX.length()),
            System.getProperty(name));
      }
    }
    SparkSession spark = builder.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }
}
