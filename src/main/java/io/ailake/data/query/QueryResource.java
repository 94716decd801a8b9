package io.ailake.data.query;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ailake.AilakeConfig;
import io.ailake.api.ApiException;
import io.ailake.iceberg.Warehouse;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** SQL queries and time travel over a database's tables; a read, so a read token may run one. */
@Path("/api/v1/ailake/database/instances/{instanceId}/query")
@Tag(name = "AI Lake - Query", description = "SQL over a database's tables, and time travel")
public class QueryResource {

  public static final String NDJSON = "application/x-ndjson";
  public static final String CSV = "text/csv";

  private final QueryService queries;
  private final ObjectMapper json;
  private final long maxRequestBytes;

  QueryResource(QueryService queries, ObjectMapper json, AilakeConfig config) {
    this.queries = queries;
    this.json = json;
    this.maxRequestBytes = config.query().maxRequestSize().asLongValue();
  }

  /** The body is read as text so that its size is checked before it is parsed. */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces({MediaType.APPLICATION_JSON, NDJSON, CSV})
  @Operation(operationId = "queryAiLakeDatabase",
      summary = "Run one SELECT over the database's tables (namespace.table), optionally as of snapshots, tags or"
          + " a time",
      description = "The query runs on embedded DuckDB over the data files Iceberg's scan planning selects, with"
          + " every delete file applied. Only one SELECT (or WITH ... SELECT) statement of the database's tables:"
          + " no table function, file, network, extension, setting, DDL or DML. Accept: application/x-ndjson"
          + " answers one JSON object per row, text/csv a header line and the rows; their X-Ailake-Truncated and"
          + " X-Ailake-Snapshots headers say what the JSON answer's fields say. A read token may query.")
  @APIResponse(responseCode = "200", description = "The answer",
      headers = {
          @Header(name = "X-Ailake-Truncated", description = "true when the rows were cut at maxRows",
              schema = @Schema(implementation = Boolean.class)),
          @Header(name = "X-Ailake-Snapshots", description = "The snapshot read per table: ns.table=id, comma separated",
              schema = @Schema(implementation = String.class))},
      content = {
          @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = QueryResult.class)),
          @Content(mediaType = NDJSON, schema = @Schema(implementation = String.class),
              example = "{\"category\":\"books\",\"orders\":120}\n{\"category\":\"games\",\"orders\":87}\n"),
          @Content(mediaType = CSV, schema = @Schema(implementation = String.class),
              example = "category,orders\nbooks,120\ngames,87\n")})
  @APIResponse(responseCode = "400", description = "Not one SELECT of the database's tables (a table function, a file,"
      + " ATTACH, COPY, SET, a second statement...), invalid SQL (DuckDB's message), an invalid asOf, or a query"
      + " past the memory limit")
  @APIResponse(responseCode = "404", description = "No such database, table, snapshot or tag (or not visible to the"
      + " caller)")
  @APIResponse(responseCode = "408", description = "The query ran past its timeout (timeoutMs, capped by the"
      + " server) and was cancelled")
  @APIResponse(responseCode = "409", description = "The database is not ready, or a table's data files cannot be"
      + " read (not Parquet, or of other types than the table's)")
  @APIResponse(responseCode = "413", description = "The request body is larger than ailake.query.max-request-size")
  public Response query(
      @PathParam("instanceId") String instanceId,
      @Context HttpHeaders headers,
      @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
          schema = @Schema(implementation = QueryRequest.class)))
          String body)
      throws IOException {
    if (body == null || body.isBlank()) {
      throw ApiException.badRequest("The request body must be a JSON object with a 'sql' field");
    }
    if (body.getBytes(StandardCharsets.UTF_8).length > maxRequestBytes) {
      throw new ApiException(413, "Payload Too Large",
          String.format("The query request is larger than the %d bytes a query may have", maxRequestBytes));
    }
    Warehouse database = queries.database(instanceId);
    QueryResult result = queries.query(database, QueryRequest.of(json.readTree(body)));
    MediaType type = answerType(headers.getAcceptableMediaTypes());
    if (type == null) {
      return Response.ok(result, MediaType.APPLICATION_JSON_TYPE).build();
    }
    StreamingOutput rows = type.toString().equals(NDJSON) ? out -> ndjson(result, out) : out -> csv(result, out);
    return Response.ok(rows, type)
        .header("X-Ailake-Truncated", result.truncated())
        .header("X-Ailake-Snapshots", result.snapshots().entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")))
        .build();
  }

  /** NDJSON or CSV when the Accept header prefers one of them to JSON; null for JSON. */
  private static MediaType answerType(List<MediaType> acceptable) {
    for (MediaType type : acceptable) {
      if (type.isCompatible(MediaType.APPLICATION_JSON_TYPE) && !type.isWildcardType() && !type.isWildcardSubtype()) {
        return null;
      }
      if (!type.isWildcardType() && type.getType().equals("application") && type.getSubtype().equals("x-ndjson")) {
        return MediaType.valueOf(NDJSON);
      }
      if (!type.isWildcardType() && type.getType().equals("text") && type.getSubtype().equals("csv")) {
        return new MediaType("text", "csv", "utf-8");
      }
    }
    return null;
  }

  private void ndjson(QueryResult result, java.io.OutputStream out) throws IOException {
    try (JsonGenerator generator = json.getFactory().createGenerator(out)) {
      generator.setRootValueSeparator(null);
      for (List<Object> row : result.rows()) {
        Map<String, Object> object = new LinkedHashMap<>();
        for (int i = 0; i < row.size(); i++) {
          object.put(result.columns().get(i).name(), row.get(i));
        }
        json.writeValue(generator, object);
        generator.writeRaw('\n');
      }
    }
  }

  private void csv(QueryResult result, java.io.OutputStream out) throws IOException {
    Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    writer.write(result.columns().stream().map(c -> csvField(c.name())).collect(Collectors.joining(",")));
    writer.write("\r\n");
    for (List<Object> row : result.rows()) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        Object value = row.get(i);
        line.append(i == 0 ? "" : ",").append(value == null ? ""
            : csvField(value instanceof String text ? text : value instanceof Number || value instanceof Boolean
                ? value.toString() : json.writeValueAsString(value)));
      }
      writer.write(line.append("\r\n").toString());
    }
    writer.flush();
  }

  /** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
  private static String csvField(String text) {
    return text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")
        ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
  }
}
