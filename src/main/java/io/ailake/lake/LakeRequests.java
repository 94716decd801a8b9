package io.ailake.lake;

import java.util.List;

/** Request bodies of the database routes, as the AI Lake API names their fields. */
final class LakeRequests {

  private LakeRequests() {}

  record ProvisionDatabaseInstance(
      String name, List<String> storageIds, String dataSourceId, String dataSourceName) {}

  record UpdateDatabaseDataSource(String oldDataSourceId, String dataSourceId, String dataSourceName) {}

  record AddDatabaseDataSource(String dataSourceId, String dataSourceName) {}
}
