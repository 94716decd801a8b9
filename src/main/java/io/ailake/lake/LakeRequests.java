package io.ailake.lake;

import java.util.List;

/** Request bodies of the database routes, as the AI Lake API names their fields. */
public final class LakeRequests {

  private LakeRequests() {}

  /**
   * GoodData's request, and one field of ours: {@code adoptExistingFiles}. A database's root is
   * {@code <first storage's root>/<name>}; when something is there already, provisioning is refused
   * (409) unless the caller adopts it. Adopted files stay the caller's: a deprovision never deletes them.
   */
  @org.eclipse.microprofile.openapi.annotations.media.Schema(name = "ProvisionDatabaseInstanceRequest", requiredProperties = {"name", "storageIds"}, example = """
      {"name": "sales", "storageIds": ["0b6d2f64-1e0a-4e8b-8a0e-5c1b2d3e4f50"], "dataSourceId": "sales", "dataSourceName": "Sales"}""")
  public record ProvisionDatabaseInstance(
      String name,
      List<String> storageIds,
      String dataSourceId,
      String dataSourceName,
      @org.eclipse.microprofile.openapi.annotations.media.Schema(
          description = "Provision the database although its root (<first storage's root>/<name>) already holds"
              + " files. Without it (the default, false) such a request is refused with 409. The files found"
              + " there stay: deprovisioning deletes only what the catalog wrote.",
          defaultValue = "false")
          Boolean adoptExistingFiles) {

    ProvisionDatabaseInstance(String name, List<String> storageIds, String dataSourceId, String dataSourceName) {
      this(name, storageIds, dataSourceId, dataSourceName, null);
    }

    boolean adopts() {
      return Boolean.TRUE.equals(adoptExistingFiles);
    }
  }

  @org.eclipse.microprofile.openapi.annotations.media.Schema(name = "UpdateDatabaseDataSourceRequest", requiredProperties = {"oldDataSourceId", "dataSourceId"}, example = """
      {"oldDataSourceId": "sales", "dataSourceId": "sales-bi", "dataSourceName": "Sales BI"}""")
  record UpdateDatabaseDataSource(String oldDataSourceId, String dataSourceId, String dataSourceName) {}

  @org.eclipse.microprofile.openapi.annotations.media.Schema(name = "AddDatabaseDataSourceRequest", requiredProperties = {"dataSourceId"}, example = """
      {"dataSourceId": "sales-bi", "dataSourceName": "Sales BI"}""")
  record AddDatabaseDataSource(String dataSourceId, String dataSourceName) {}
}
