package io.ailake.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ailake.api.ApiException;
import io.ailake.api.Paging;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The audit log: an organization's admin reads its own; the server admin reads every organization's. */
@Path("/api/v1/admin/audit")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Admin - Audit")
public class AuditResource {

  private final Caller caller;
  private final EntityManager entityManager;

  AuditResource(Caller caller, EntityManager entityManager) {
    this.caller = caller;
    this.entityManager = entityManager;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "AuditEvent", requiredProperties = {"id", "at", "actor", "method", "path", "status"}, example = """
      {"id": 1042, "at": "2026-05-07T10:15:30Z", "organizationId": "00000000-0000-0000-0000-000000000001",
      "actor": "5b0c1f7e-9d2a-4c3b-8e1f-2a3b4c5d6e7f", "actorName": "spark-etl", "method": "POST",
      "path": "/iceberg/v1/lake/namespaces/sales/tables/orders", "status": 200, "requestId": "0c6f4a2e9b1d4f7a"}""")
  public record AuditEvent(
      long id, Instant at, String organizationId,
      @Schema(description = "token id, server-admin or anonymous") String actor, String actorName,
      String method, String path, int status, String requestId) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "ListAuditEventsResponse", example = """
      {"events": [{"id": 1042, "at": "2026-05-07T10:15:30Z", "actor": "5b0c1f7e-9d2a-4c3b-8e1f-2a3b4c5d6e7f",
      "method": "DELETE", "path": "/api/v1/ailake/database/instances/sales", "status": 202}], "totalCount": 1}""")
  public record ListAuditEvents(List<AuditEvent> events, Long totalCount) {}

  @GET
  @Transactional
  @Operation(operationId = "listAuditEvents", summary = "Mutating calls, newest first; filter by time (from, to: ISO-8601) and actor (token id)")
  @SuppressWarnings("unchecked")
  public ListAuditEvents list(
      @Parameter(description = "Items per page", schema = @Schema(type = SchemaType.INTEGER, format = "int32", minimum = "1", maximum = "1000", defaultValue = "50"))
      @QueryParam("size") String size,
      @Parameter(description = "Items to skip", schema = @Schema(type = SchemaType.INTEGER, format = "int32", minimum = "0", defaultValue = "0"))
      @QueryParam("offset") String offset,
      @Parameter(description = "page: add totalCount") @QueryParam("metaInclude") List<String> metaInclude,
      @Parameter(description = "Only calls at or after this instant", schema = @Schema(type = SchemaType.STRING, format = "date-time"))
      @QueryParam("from") String from,
      @Parameter(description = "Only calls before this instant", schema = @Schema(type = SchemaType.STRING, format = "date-time"))
      @QueryParam("to") String to,
      @Parameter(description = "Only calls made with this token (its id)") @QueryParam("actor") String actor) {
    Paging paging = Paging.of(size, offset, metaInclude);
    StringBuilder where = new StringBuilder(" WHERE true");
    List<Object> parameters = new ArrayList<>();
    if (!caller.serverAdmin()) {
      parameters.add(caller.organizationId());
      where.append(" AND e.organization_id = ?").append(parameters.size());
    }
    if (from != null) {
      parameters.add(instant("from", from));
      where.append(" AND e.at >= ?").append(parameters.size());
    }
    if (to != null) {
      parameters.add(instant("to", to));
      where.append(" AND e.at < ?").append(parameters.size());
    }
    if (actor != null) {
      parameters.add(actor);
      where.append(" AND e.actor = ?").append(parameters.size());
    }
    var query = entityManager.createNativeQuery(
        "SELECT e.id, e.at, e.organization_id, e.actor, t.name, e.method, e.path, e.status, e.request_id"
            + " FROM audit_event e LEFT JOIN api_token t ON t.id = e.token_id" + where
            + " ORDER BY e.at DESC, e.id DESC LIMIT " + paging.size() + " OFFSET " + paging.offset());
    for (int i = 0; i < parameters.size(); i++) {
      query.setParameter(i + 1, parameters.get(i));
    }
    List<AuditEvent> events = new ArrayList<>();
    for (Object[] row : (List<Object[]>) query.getResultList()) {
      events.add(new AuditEvent(((Number) row[0]).longValue(), io.ailake.api.SqlValues.instant(row[1]),
          row[2] == null ? null : row[2].toString(), (String) row[3], (String) row[4], (String) row[5],
          (String) row[6], ((Number) row[7]).intValue(), (String) row[8]));
    }
    Long total = null;
    if (paging.withTotal()) {
      var count = entityManager.createNativeQuery("SELECT count(*) FROM audit_event e" + where);
      for (int i = 0; i < parameters.size(); i++) {
        count.setParameter(i + 1, parameters.get(i));
      }
      total = ((Number) count.getSingleResult()).longValue();
    }
    return new ListAuditEvents(events, total);
  }

  private static Instant instant(String name, String value) {
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest("%s must be an ISO-8601 instant such as 2026-05-07T10:15:30Z (was '%s')", name, value);
    }
  }
}
