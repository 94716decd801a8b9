package io.ailake.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.List;
import java.util.function.Function;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The JSON:API-like envelope of GoodData's current AI Lake client ("V3"): items {@code {id, type,
 * attributes}}, {@code links.self} and {@code meta.page}. The AI Lake responses carry it beside the older
 * flat fields ("V2"), so that both clients read the same answer (docs/ailake-api.md, "Two client shapes").
 */
public final class JsonApi {

  private JsonApi() {}

  /** One resource: {@code id} is the attributes' own id, {@code type} a camelCase noun such as databaseInstance. */
  public record Item<T>(
      @Schema(required = true, description = "Resource identifier") String id,
      @Schema(required = true, description = "Resource type") String type,
      @Schema(required = true) T attributes) {}

  @Schema(name = "JsonApiListLinks", example = "{\"self\": \"/api/v1/ailake/database/instances?page=1&size=20\"}")
  public record Links(
      @Schema(required = true, description = "The request's path and query, as an absolute path") String self) {}

  /** Totals are present only with {@code metaInclude=page}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "JsonApiPageInfo", example = "{\"number\": 1, \"size\": 20, \"totalElements\": 45, \"totalPages\": 3}")
  public record PageInfo(
      @Schema(required = true, description = "Zero-based page number") int number,
      @Schema(required = true, description = "Items per page") int size,
      @Schema(type = SchemaType.INTEGER, format = "int64") Long totalElements,
      @Schema(type = SchemaType.INTEGER, format = "int64") Long totalPages) {}

  @Schema(name = "JsonApiListMeta",
      example = "{\"page\": {\"number\": 1, \"size\": 20, \"totalElements\": 45, \"totalPages\": 3}}")
  public record Meta(@Schema(required = true) PageInfo page) {}

  public static <T> List<Item<T>> items(String type, List<T> values, Function<T, String> id) {
    return values.stream().map(value -> new Item<>(id.apply(value), type, value)).toList();
  }

  /** links.self is the request's absolute path and query, independent of the host a proxy shows. */
  public static Links self(UriInfo uri) {
    URI request = uri.getRequestUri();
    return new Links(request.getRawQuery() == null ? request.getRawPath()
        : request.getRawPath() + "?" + request.getRawQuery());
  }

  /** meta.page: the page shown and, when {@code total} is given (metaInclude=page), the totals. */
  public static Meta meta(Paging paging, Long total) {
    return new Meta(new PageInfo(paging.number(), paging.size(), total,
        total == null ? null : paging.totalPages(total)));
  }
}
