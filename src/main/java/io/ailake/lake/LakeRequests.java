package io.ailake.lake;

import java.util.List;

/** Request bodies of the database routes, as the AI Lake API names their fields. */
final class LakeRequests {

  private LakeRequests() {}

  @org.eclipse.microprofile.openapi.annotations.media.Schema(name = "ProvisionDatabaseInstanceRequest", example = """
      {"name": "sales", "storageIds": ["0b6d2f64-1e0a-4e8b-8a0e-5c1b2d3e4f50"], "dataSourceId": "sales", "dataSourceName": "Sales"}""")
  record ProvisionDatabaseInstance(
      String name, List<String> storageIds, String dataSourceId, String dataSourceName) {}

  @org.eclipse.microprofile.openapi.annotations.media.Schema(name = "UpdateDatabaseDataSourceRequest", example = """
      {"oldDataSourceId": "sales", "dataSourceId": "sales-bi", "dataSourceName": "Sales BI"}""")
  record UpdateDatabaseDataSource(String oldDataSourceId, String dataSourceId, String dataSourceName) {}

  @org.eclipse.microprofile.openapi.annotations.media.Schema(name = "AddDatabaseDataSourceRequest", example = """
      {"dataSourceId": "sales-bi", "dataSourceName": "Sales BI"}""")
  record AddDatabaseDataSource(String dataSourceId, String dataSourceName) {}
}
