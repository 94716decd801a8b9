package io.ailake.data.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The seed's envelope: an operation's name, its parameters, and the call's options. */
@Schema(name = "DatalakeRequest", requiredProperties = {"operation"}, example = """
    {"operation": "listTables", "parameters": {"database": "sales", "namespace": "shop"}, "options": {"timeout": 30000}}""")
public record DatalakeRequest(
    @Schema(description = "The operation", enumeration = {"create", "delete", "createTable", "dropTable", "listTables",
        "getSchema", "snapshot", "evolveSchema", "insert", "update", "deleteRecords", "query", "timeTravel"})
        String operation,
    @Schema(description = "The operation's parameters (docs/envelope.md); the operations other than create take"
        + " database", implementation = Object.class)
        JsonNode parameters,
    @Schema(description = "How the call is made") Options options) {

  @Schema(name = "DatalakeOptions", example = "{\"timeout\": 30000, \"retries\": 0}")
  public record Options(
      @Schema(description = "Milliseconds the operation may take: a query stops then; any operation not started by"
          + " then is not started (TIMEOUT)", minimum = "1", example = "30000")
          Long timeout,
      @Schema(description = "Accepted for the seed's clients; the server does not retry: a client retries"
          + " RATE_LIMIT_EXCEEDED, TIMEOUT and a 503's INTERNAL_ERROR with backoff, with the same idempotency key",
          minimum = "0", example = "3")
          Integer retries) {}
}
