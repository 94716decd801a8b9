package io.ailake.api;

import static io.ailake.api.DocumentSchemas.anyObject;
import static io.ailake.api.DocumentSchemas.arrayOf;
import static io.ailake.api.DocumentSchemas.bool;
import static io.ailake.api.DocumentSchemas.integer;
import static io.ailake.api.DocumentSchemas.mapOf;
import static io.ailake.api.DocumentSchemas.object;
import static io.ailake.api.DocumentSchemas.props;
import static io.ailake.api.DocumentSchemas.ref;
import static io.ailake.api.DocumentSchemas.string;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.media.Schema;

/**
 * The request and response bodies of the Iceberg routes, named and shaped as in Iceberg's
 * rest-catalog-open-api.yaml down to their top-level fields; what lies deeper (schemas, metadata,
 * updates, requirements) is Iceberg's to define and left as objects. The routes read and write Iceberg's
 * own JSON, so no Java record describes these.
 */
final class IcebergSchemas {

  static final String ERROR = "IcebergErrorResponse";
  static final String OAUTH_ERROR = "OAuthError";

  private static final List<String> NS = List.of("sales");
  private static final Map<String, Object> IDENTIFIER = Map.of("namespace", NS, "name", "orders");
  private static final String METADATA_LOCATION = "s3://lake/sales/sales/orders/metadata/00001-3f0c.metadata.json";

  private IcebergSchemas() {}

  static void addTo(Components components) {
    Schema namespace = arrayOf(string()).description("The namespace's levels").example(NS);
    Schema properties = mapOf(string());
    Schema identifier = ref("TableIdentifier");
    add(components, "ErrorModel", object("JSON error payload of the Iceberg routes",
        props("message", string(), "type", string().description("The exception's name, e.g. NoSuchTableException"),
            "code", integer().minimum(java.math.BigDecimal.valueOf(400)).maximum(java.math.BigDecimal.valueOf(600)),
            "stack", arrayOf(string())),
        List.of("message", "type", "code"),
        Map.of("message", "Table does not exist: sales.orders", "type", "NoSuchTableException", "code", 404)));
    add(components, ERROR, object("An error of the Iceberg routes", props("error", ref("ErrorModel")),
        List.of("error"),
        Map.of("error", Map.of("message", "Table does not exist: sales.orders", "type", "NoSuchTableException",
            "code", 404))));
    add(components, OAUTH_ERROR, object("An error of the OAuth2 token endpoint (RFC 6749)",
        props("error", string().enumeration(List.of("invalid_request", "invalid_client", "invalid_grant",
                "unauthorized_client", "unsupported_grant_type", "invalid_scope")),
            "error_description", string(), "error_uri", string()),
        List.of("error"), Map.of("error", "invalid_client", "error_description", "Unknown or revoked credentials")));
    add(components, "OAuthTokenResponse", object("An access token of the OAuth2 token endpoint",
        props("access_token", string(), "token_type", string(), "expires_in", integer(),
            "issued_token_type", string(), "refresh_token", string(), "scope", string()),
        List.of("access_token", "token_type"),
        Map.of("access_token", "eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl", "token_type", "bearer", "expires_in", 3600,
            "issued_token_type", "urn:ietf:params:oauth:token-type:access_token")));
    add(components, "TableIdentifier", object("A table or view: its namespace and name",
        props("namespace", namespace, "name", string()), List.of("namespace", "name"), IDENTIFIER));
    add(components, "CatalogConfig", object("The catalog's configuration for a warehouse",
        props("defaults", properties, "overrides", properties, "endpoints", arrayOf(string()),
            "idempotency-key-lifetime", string()),
        List.of("defaults", "overrides"),
        Map.of("defaults", Map.of("s3.region", "us-east-1"), "overrides", Map.of("prefix", "sales",
            "namespace-separator", "%1F"), "endpoints", List.of("GET /v1/{prefix}/namespaces"),
            "idempotency-key-lifetime", "PT30M")));
    add(components, "ListNamespacesResponse", object("Namespaces, one page of them when pageToken was sent",
        props("namespaces", arrayOf(namespace), "next-page-token", string().description("Absent or null on the last page")),
        List.of(), Map.of("namespaces", List.of(NS))));
    add(components, "CreateNamespaceRequest", object("A namespace to create",
        props("namespace", namespace, "properties", properties), List.of("namespace"),
        Map.of("namespace", NS, "properties", Map.of("owner", "analytics"))));
    add(components, "CreateNamespaceResponse", object("The created namespace",
        props("namespace", namespace, "properties", properties), List.of("namespace"),
        Map.of("namespace", NS, "properties", Map.of("owner", "analytics"))));
    add(components, "GetNamespaceResponse", object("A namespace and its properties",
        props("namespace", namespace, "properties", properties), List.of("namespace"),
        Map.of("namespace", NS, "properties", Map.of("owner", "analytics"))));
    add(components, "UpdateNamespacePropertiesRequest", object("Properties to remove and to set; a key in both is a 422",
        props("removals", arrayOf(string()), "updates", properties), List.of(),
        Map.of("removals", List.of("obsolete"), "updates", Map.of("owner", "analytics"))));
    add(components, "UpdateNamespacePropertiesResponse", object("What the update changed",
        props("updated", arrayOf(string()), "removed", arrayOf(string()), "missing", arrayOf(string())),
        List.of("updated", "removed"),
        Map.of("updated", List.of("owner"), "removed", List.of(), "missing", List.of("obsolete"))));
    add(components, "ListTablesResponse", object("Tables or views, one page of them when pageToken was sent",
        props("identifiers", arrayOf(identifier), "next-page-token", string().description("Absent or null on the last page")),
        List.of(), Map.of("identifiers", List.of(IDENTIFIER))));
    add(components, "CreateTableRequest", object("A table to create (or to stage, with stage-create)",
        props("name", string(), "location", string(), "schema", anyObject("Iceberg's Schema"),
            "partition-spec", anyObject("Iceberg's PartitionSpec"), "write-order", anyObject("Iceberg's SortOrder"),
            "stage-create", bool(), "properties", properties),
        List.of("name", "schema"),
        Map.of("name", "orders", "schema", Map.of("type", "struct", "schema-id", 0, "fields",
            List.of(Map.of("id", 1, "name", "id", "required", true, "type", "long"))), "properties", Map.of())));
    add(components, "RegisterTableRequest", object("A metadata file to register as a table",
        props("name", string(), "metadata-location", string(), "overwrite", bool()),
        List.of("name", "metadata-location"), Map.of("name", "orders", "metadata-location", METADATA_LOCATION)));
    add(components, "LoadTableResult", object("A table's metadata and how to reach its files",
        props("metadata-location", string(), "metadata", anyObject("Iceberg's TableMetadata"), "config", properties,
            "storage-credentials", arrayOf(anyObject("Iceberg's StorageCredential: prefix and config"))),
        List.of("metadata"),
        Map.of("metadata-location", METADATA_LOCATION, "metadata", Map.of("format-version", 2,
            "table-uuid", "9c12d441-03fe-4693-9a96-a0705ddf69c1", "location", "s3://lake/sales/sales/orders"),
            "config", Map.of())));
    add(components, "CommitTableRequest", object("Requirements that must hold and the updates to apply",
        props("identifier", identifier, "requirements", arrayOf(anyObject("Iceberg's TableRequirement")),
            "updates", arrayOf(anyObject("Iceberg's TableUpdate"))),
        List.of("requirements", "updates"),
        Map.of("requirements", List.of(Map.of("type", "assert-table-uuid",
            "uuid", "9c12d441-03fe-4693-9a96-a0705ddf69c1")),
            "updates", List.of(Map.of("action", "set-properties", "updates", Map.of("owner", "analytics"))))));
    add(components, "CommitTableResponse", object("The table's new metadata",
        props("metadata-location", string(), "metadata", anyObject("Iceberg's TableMetadata")),
        List.of("metadata-location", "metadata"),
        Map.of("metadata-location", METADATA_LOCATION, "metadata", Map.of("format-version", 2,
            "table-uuid", "9c12d441-03fe-4693-9a96-a0705ddf69c1"))));
    add(components, "ReportMetricsRequest", object("A scan or commit report (Iceberg's ScanReport, CommitReport)",
        props("report-type", string().enumeration(List.of("scan-report", "commit-report")),
            "table-name", string(), "snapshot-id", integer().format("int64"), "metrics", anyObject("The report's metrics")),
        List.of("report-type"),
        Map.of("report-type", "commit-report", "table-name", "sales.orders", "snapshot-id", 1, "metrics", Map.of())));
    add(components, "RenameTableRequest", object("A table or view and its new identifier",
        props("source", identifier, "destination", identifier), List.of("source", "destination"),
        Map.of("source", IDENTIFIER, "destination", Map.of("namespace", NS, "name", "orders_2026"))));
    add(components, "CommitTransactionRequest", object("Commits to several tables, applied all or none",
        props("table-changes", arrayOf(ref("CommitTableRequest"))), List.of("table-changes"),
        Map.of("table-changes", List.of(Map.of("identifier", IDENTIFIER, "requirements", List.of(),
            "updates", List.of(Map.of("action", "set-properties", "updates", Map.of("owner", "analytics"))))))));
    add(components, "CreateViewRequest", object("A view to create",
        props("name", string(), "location", string(), "schema", anyObject("Iceberg's Schema"),
            "view-version", anyObject("Iceberg's ViewVersion"), "properties", properties),
        List.of("name", "schema", "view-version", "properties"),
        Map.of("name", "recent_orders", "schema", Map.of("type", "struct", "schema-id", 0, "fields", List.of()),
            "view-version", Map.of("version-id", 1, "schema-id", 0, "timestamp-ms", 1764374400000L,
                "summary", Map.of(), "default-namespace", NS, "representations",
                List.of(Map.of("type", "sql", "sql", "select 1 as id", "dialect", "spark"))),
            "properties", Map.of())));
    add(components, "RegisterViewRequest", object("A view metadata file to register as a view",
        props("name", string(), "metadata-location", string()), List.of("name", "metadata-location"),
        Map.of("name", "recent_orders", "metadata-location", METADATA_LOCATION)));
    add(components, "LoadViewResult", object("A view's metadata",
        props("metadata-location", string(), "metadata", anyObject("Iceberg's ViewMetadata"), "config", properties),
        List.of("metadata-location", "metadata"),
        Map.of("metadata-location", METADATA_LOCATION, "metadata", Map.of("format-version", 1,
            "view-uuid", "2d0e9a4c-5b1f-4e8a-9c3d-7f6e5d4c3b2a"), "config", Map.of())));
    add(components, "CommitViewRequest", object("Requirements that must hold and the updates to apply to a view",
        props("identifier", identifier, "requirements", arrayOf(anyObject("Iceberg's ViewRequirement")),
            "updates", arrayOf(anyObject("Iceberg's ViewUpdate"))),
        List.of("updates"),
        Map.of("requirements", List.of(), "updates",
            List.of(Map.of("action", "set-properties", "updates", Map.of("comment", "last 30 days"))))));
  }

  private static void add(Components components, String name, Schema schema) {
    components.addSchema(name, schema);
  }

}
