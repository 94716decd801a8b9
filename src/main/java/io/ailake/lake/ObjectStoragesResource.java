package io.ailake.lake;

import io.ailake.storage.ObjectStorage;
import io.ailake.storage.ObjectStorageService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * AI Lake's read-only view of the registered storages (GoodData's {@code listAiLakeObjectStorages},
 * V2 flat body). The AI Lake API has no way to change storages; the admin API does that.
 */
@Path("/api/v1/ailake")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "AI Lake - Databases")
public class ObjectStoragesResource {

  /** GoodData's {@code ObjectStorageInfo}: only safe descriptors, never credentials. */
  @org.eclipse.microprofile.openapi.annotations.media.Schema(name = "ObjectStorageInfo", example = """
      {"storageId": "0b6d2f64-1e0a-4e8b-8a0e-5c1b2d3e4f50", "name": "s3-data-lake", "storageType": "S3",
      "storageConfig": {"bucket": "lake", "region": "us-east-1", "endpoint": "http://minio:9000",
      "pathStyleAccess": "true", "root": "s3://lake/raw"}}""")
  public record ObjectStorageInfo(
      String storageId, String name, String storageType, Map<String, String> storageConfig) {

    static ObjectStorageInfo of(ObjectStorage storage) {
      return new ObjectStorageInfo(
          storage.id.toString(), storage.name, storage.storageType.name(), storage.storageConfig());
    }
  }

  /** GoodData's {@code ListObjectStoragesResponse}. */
  @org.eclipse.microprofile.openapi.annotations.media.Schema(name = "ListObjectStoragesResponse", example = """
      {"storages": [{"storageId": "0b6d2f64-1e0a-4e8b-8a0e-5c1b2d3e4f50", "name": "s3-data-lake", "storageType": "S3",
      "storageConfig": {"bucket": "lake", "region": "us-east-1", "root": "s3://lake/raw"}}]}""")
  public record ListObjectStoragesResponse(List<ObjectStorageInfo> storages) {}

  private final ObjectStorageService storages;
  private final io.ailake.auth.Caller caller;

  ObjectStoragesResource(ObjectStorageService storages, io.ailake.auth.Caller caller) {
    this.storages = storages;
    this.caller = caller;
  }

  @GET
  @Path("objectStorages")
  @Operation(operationId = "listAiLakeObjectStorages", summary = "List the organization's object storages, ordered by name")
  public ListObjectStoragesResponse list() {
    return new ListObjectStoragesResponse(storages.list(caller.organizationId()).stream().map(ObjectStorageInfo::of).toList());
  }

  /** The path before GoodData renamed it (May 2026); older clients still call it. */
  @GET
  @Path("object-storages")
  @Operation(operationId = "listAiLakeObjectStoragesLegacyPath", summary = "Older path of listAiLakeObjectStorages",
      deprecated = true)
  public ListObjectStoragesResponse listUnderOldPath() {
    return list();
  }
}
