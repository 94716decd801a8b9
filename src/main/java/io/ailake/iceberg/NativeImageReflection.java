package io.ailake.iceberg;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Iceberg's REST messages that Jackson (de)serializes as beans, through field access, rather than
 * through Iceberg's registered serializers; a native image must keep their fields and constructors.
 * Also Iceberg's manifest-list writer factory, which {@link AppendRebase} calls reflectively.
 */
@RegisterForReflection(
    classNames = AppendRebase.MANIFEST_LISTS,
    targets = {
      org.apache.iceberg.rest.requests.CreateNamespaceRequest.class,
      org.apache.iceberg.rest.requests.CreateTableRequest.class,
      org.apache.iceberg.rest.requests.RenameTableRequest.class,
      org.apache.iceberg.rest.requests.UpdateNamespacePropertiesRequest.class,
      org.apache.iceberg.rest.responses.CreateNamespaceResponse.class,
      org.apache.iceberg.rest.responses.GetNamespaceResponse.class,
      org.apache.iceberg.rest.responses.ListNamespacesResponse.class,
      org.apache.iceberg.rest.responses.ListTablesResponse.class,
      org.apache.iceberg.rest.responses.UpdateNamespacePropertiesResponse.class,
      org.apache.iceberg.aws.s3.S3FileIO.class,
      io.ailake.storage.LocalFileIO.class,
    })
final class NativeImageReflection {

  private NativeImageReflection() {}
}
