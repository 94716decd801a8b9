package io.ailake.api;

import jakarta.ws.rs.QueryParam;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/**
 * The paging query parameters of every AI Lake list ({@code @BeanParam}), documented once. Read as text so
 * that a bad value is our 400 naming it (see {@link Paging}), not the framework's 404.
 */
public class PageParameters {

  @QueryParam("page")
  @Parameter(description = "Zero-based page number (GoodData's current client); cannot be combined with offset",
      schema = @Schema(type = SchemaType.INTEGER, format = "int32", minimum = "0", defaultValue = "0"))
  public String page;

  @QueryParam("size")
  @Parameter(description = "Items per page",
      schema = @Schema(type = SchemaType.INTEGER, format = "int32", minimum = "1", maximum = "500",
          defaultValue = "50"))
  public String size;

  @QueryParam("offset")
  @Parameter(description = "Items to skip (GoodData's older client); cannot be combined with page",
      schema = @Schema(type = SchemaType.INTEGER, format = "int32", minimum = "0", defaultValue = "0"))
  public String offset;

  @QueryParam("metaInclude")
  @Parameter(description = "page: add the totals (meta.page.totalElements and totalPages, and totalCount);"
      + " any other value is a 400",
      schema = @Schema(type = SchemaType.ARRAY, uniqueItems = true, implementation = String.class))
  public List<String> metaInclude;

  public Paging paging() {
    return Paging.of(page, size, offset, metaInclude);
  }
}
