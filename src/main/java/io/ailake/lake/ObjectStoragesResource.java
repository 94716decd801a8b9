package io.ailake.lake;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ailake.api.JsonApi;
import io.ailake.api.PageParameters;
import io.ailake.api.Paging;
import io.ailake.storage.ObjectStorage;
import io.ailake.storage.ObjectStorageService;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * AI Lake's read-only view of the registered storages (GoodData's {@code listAiLakeObjectStorages},
 * both client shapes, see {@link JsonApi}). The AI Lake API has no way to change storages; the admin API does that.
 */
@Path("/api/v1/ailake")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "AI Lake - Databases")
public class ObjectStoragesResource {

  /** GoodData's {@code ObjectStorageInfo}: only safe descriptors, never credentials. */
  @org.eclipse.microprofile.openapi.annotations.media.Schema(name = "ObjectStorageInfo", requiredProperties = {"storageId", "name", "storageType", "storageConfig"}, example = """
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

  /**
   * GoodData's {@code ListObjectStoragesResponse} ({@code storages}) and {@code
   * JsonApiListDocumentObjectStorageInfo} ({@code data}, {@code links}, {@code meta}) in one answer.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "ListObjectStoragesResponse", example = """
      {"data": [{"id": "0b6d2f64-1e0a-4e8b-8a0e-5c1b2d3e4f50", "type": "objectStorage", "attributes":
      {"storageId": "0b6d2f64-1e0a-4e8b-8a0e-5c1b2d3e4f50", "name": "s3-data-lake", "storageType": "S3",
      "storageConfig": {"bucket": "lake", "region": "us-east-1", "root": "s3://lake/raw"}}}],
      "links": {"self": "/api/v1/ailake/objectStorages"}, "meta": {"page": {"number": 0, "size": 50}},
      "storages": [{"storageId": "0b6d2f64-1e0a-4e8b-8a0e-5c1b2d3e4f50", "name": "s3-data-lake", "storageType": "S3",
      "storageConfig": {"bucket": "lake", "region": "us-east-1", "root": "s3://lake/raw"}}]}""")
  public record ListObjectStoragesResponse(
      @Schema(required = true) List<JsonApi.Item<ObjectStorageInfo>> data,
      @Schema(required = true) JsonApi.Links links,
      JsonApi.Meta meta,
      List<ObjectStorageInfo> storages,
      @Schema(description = "All the organization's storages, with metaInclude=page") Long totalCount) {

    static ListObjectStoragesResponse of(List<ObjectStorageInfo> all, Paging paging, UriInfo uri) {
      List<ObjectStorageInfo> page = paging.slice(all);
      Long total = paging.withTotal() ? (long) all.size() : null;
      return new ListObjectStoragesResponse(JsonApi.items(TYPE, page, ObjectStorageInfo::storageId),
          JsonApi.self(uri), JsonApi.meta(paging, total), page, total);
    }
  }

  static final String TYPE = "objectStorage";

  private final ObjectStorageService storages;
  private final io.ailake.auth.Caller caller;

  ObjectStoragesResource(ObjectStorageService storages, io.ailake.auth.Caller caller) {
    this.storages = storages;
    this.caller = caller;
  }

  @GET
  @Path("objectStorages")
  @Operation(operationId = "listAiLakeObjectStorages", summary = "List the organization's object storages, ordered by name")
  public ListObjectStoragesResponse list(@BeanParam PageParameters parameters, @Context UriInfo uri) {
    Paging paging = parameters.paging();
    return ListObjectStoragesResponse.of(
        storages.list(caller.organizationId()).stream().map(ObjectStorageInfo::of).toList(), paging, uri);
  }

  /** The path before GoodData renamed it (May 2026); older clients still call it. */
  @GET
  @Path("object-storages")
  @Operation(operationId = "listAiLakeObjectStoragesLegacyPath", summary = "Older path of listAiLakeObjectStorages",
      deprecated = true)
  public ListObjectStoragesResponse listUnderOldPath(@BeanParam PageParameters parameters, @Context UriInfo uri) {
    return list(parameters, uri);
  }
}
