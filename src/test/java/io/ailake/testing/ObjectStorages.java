package io.ailake.testing;

import io.ailake.organization.Organizations;
import io.ailake.storage.ObjectStorage;
import io.ailake.storage.ObjectStorageRequest;
import io.ailake.storage.ObjectStorageService;
import jakarta.enterprise.inject.spi.CDI;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Object storages registered the way an admin registers them (validated, probed, keys sealed): a fresh
 * prefix of the S3Proxy bucket, or a fresh directory.
 */
public final class ObjectStorages {

  private ObjectStorages() {}

  public static ObjectStorage s3(String prefix) {
    String name = unique(prefix);
    return service().create(Organizations.DEFAULT_ID, new ObjectStorageRequest(
        name, "S3", S3ProxyResource.BUCKET, name, null, S3ProxyResource.endpoint(), S3ProxyResource.REGION,
        true, S3ProxyResource.ACCESS_KEY, S3ProxyResource.SECRET_KEY));
  }

  public static ObjectStorage local(String prefix) {
    return localAt(prefix, Path.of("target", "test-storages").toAbsolutePath() + "/" + unique(prefix));
  }

  /** A LOCAL storage of the default organization, registered as the server admin registers one. */
  public static ObjectStorage localAt(String prefix, String root) {
    String directory = root.startsWith("file:") ? root.substring("file:".length()) : root;
    return service().create(Organizations.DEFAULT_ID, new ObjectStorageRequest(
        unique(prefix), "LOCAL", null, null, directory, null, null, null, null, null),
        ObjectStorageService.Registrar.SERVER_ADMIN);
  }

  /**
   * Registers a LOCAL storage of {@code organizationId} through the server admin's route (the only one
   * that takes LOCAL storages) and answers its root as given.
   */
  public static String localOf(String organizationId, String name, String root) {
    io.restassured.RestAssured.given()
        .header("Authorization", TestTokens.bearer(TestTokens.serverAdmin()))
        .contentType(io.restassured.http.ContentType.JSON)
        .body(java.util.Map.of("name", name, "storageType", "LOCAL", "root", root))
        .post("/api/v1/admin/organizations/" + organizationId + "/objectStorages")
        .then().statusCode(201);
    return root;
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static ObjectStorageService service() {
    return CDI.current().select(ObjectStorageService.class).get();
  }
}
