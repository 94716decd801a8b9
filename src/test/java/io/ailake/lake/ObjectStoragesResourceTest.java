package io.ailake.lake;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ailake.testing.S3ProxyResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** GoodData's listAiLakeObjectStorages: flat {"storages": [...]}, ordered by name, safe descriptors only. */
@QuarkusTest
class ObjectStoragesResourceTest {

  @Test
  void bothPathsListStoragesByNameWithOnlySafeDescriptors() {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    io.ailake.testing.ObjectStorages.localOf(io.ailake.organization.Organizations.DEFAULT_ID.toString(),
        "lake-b-" + suffix, Path.of("target", "test-storages", "lake-b-" + suffix).toAbsolutePath().toString());
    register(Map.of("name", "lake-a-" + suffix, "storageType", "S3",
        "bucket", S3ProxyResource.BUCKET, "prefix", "lake-a", "endpoint", S3ProxyResource.endpoint(),
        "pathStyleAccess", true,
        "accessKeyId", S3ProxyResource.ACCESS_KEY, "secretAccessKey", S3ProxyResource.SECRET_KEY));

    for (String path : List.of("/api/v1/ailake/objectStorages", "/api/v1/ailake/object-storages")) {
      String body = given().get(path).then().statusCode(200).contentType(ContentType.JSON).extract().asString();
      List<Map<String, Object>> ours = given().get(path).jsonPath().<Map<String, Object>>getList("storages")
          .stream().filter(s -> s.get("name").toString().endsWith(suffix)).toList();

      assertThat(ours).extracting(s -> s.get("name")).containsExactly("lake-a-" + suffix, "lake-b-" + suffix);
      assertThat(ours).allSatisfy(s -> assertThat(s).containsOnlyKeys("storageId", "name", "storageType", "storageConfig"));
      assertThat(ours.get(0))
          .containsEntry("storageType", "S3")
          .containsEntry("storageConfig", Map.of(
              "root", "s3://warehouse/lake-a", "bucket", "warehouse", "prefix", "lake-a",
              "endpoint", S3ProxyResource.endpoint(), "region", "us-east-1", "pathStyleAccess", "true"));
      assertThat(ours.get(1)).containsEntry("storageType", "LOCAL");
      assertThat(body).doesNotContain(S3ProxyResource.SECRET_KEY).doesNotContain(S3ProxyResource.ACCESS_KEY);
    }
  }

  private static void register(Map<String, Object> body) {
    given().contentType(ContentType.JSON).body(body).post("/api/v1/admin/objectStorages").then().statusCode(201);
  }
}
