package io.ailake.auth;

import io.ailake.api.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Organizations: created and deleted by the server admin; every row of the service belongs to one. */
@ApplicationScoped
public class OrganizationService {

  private final EntityManager entityManager;
  private final Tokens tokens;

  OrganizationService(EntityManager entityManager, Tokens tokens) {
    this.tokens = tokens;
    this.entityManager = entityManager;
  }

  @Schema(name = "Organization", requiredProperties = {"id", "name", "createdAt"}, example = """
      {"id": "2c4f1e8a-6b3d-4a7e-9f10-3b5c7d9e1f2a", "name": "finance", "createdAt": "2026-05-07T10:15:30Z"}""")
  public record Organization(String id, String name, Instant createdAt) {}

  @Transactional
  public Organization create(String name) {
    if (name == null || !io.ailake.api.Names.isValid(name)) {
      throw ApiException.badRequest("Invalid organization name '%s': %s", name, io.ailake.api.Names.RULE);
    }
    if (!entityManager.createNativeQuery("SELECT 1 FROM organization WHERE name = ?1")
        .setParameter(1, name).getResultList().isEmpty()) {
      throw ApiException.conflict("An organization named %s already exists", name);
    }
    UUID id = UUID.randomUUID();
    entityManager.createNativeQuery("INSERT INTO organization (id, name) VALUES (?1, ?2)")
        .setParameter(1, id).setParameter(2, name).executeUpdate();
    return get(id.toString());
  }

  @Transactional
  @SuppressWarnings("unchecked")
  public List<Organization> list(int size, int offset) {
    List<Object[]> rows = entityManager.createNativeQuery(
            "SELECT id, name, created_at FROM organization ORDER BY name LIMIT ?1 OFFSET ?2")
        .setParameter(1, size).setParameter(2, offset).getResultList();
    return rows.stream().map(OrganizationService::of).toList();
  }

  @Transactional
  public long count() {
    return ((Number) entityManager.createNativeQuery("SELECT count(*) FROM organization").getSingleResult()).longValue();
  }

  @Transactional
  @SuppressWarnings("unchecked")
  public Organization get(String id) {
    UUID uuid = uuid(id);
    List<Object[]> rows = entityManager.createNativeQuery("SELECT id, name, created_at FROM organization WHERE id = ?1")
        .setParameter(1, uuid).getResultList();
    return rows.stream().findFirst().map(OrganizationService::of)
        .orElseThrow(() -> ApiException.notFound("Organization %s does not exist", id));
  }

  /** Deletes an organization that owns nothing but tokens; one with databases or storages is a 409. */
  @Transactional
  public void delete(String id) {
    Organization organization = get(id);
    UUID uuid = UUID.fromString(organization.id());
    if (uuid.equals(io.ailake.organization.Organizations.DEFAULT_ID)) {
      throw ApiException.conflict("The default organization cannot be deleted");
    }
    for (String table : List.of("warehouse", "object_storage")) {
      Number owned = (Number) entityManager.createNativeQuery(
              "SELECT count(*) FROM " + table + " WHERE organization_id = ?1")
          .setParameter(1, uuid).getSingleResult();
      if (owned.longValue() > 0) {
        throw ApiException.conflict(
            "Organization %s still owns %s %s(s); delete them first", organization.name(), owned, table.replace('_', ' '));
      }
    }
    tokens.forgetOrganizationOnCompletion(uuid);
    for (String table : List.of("job", "service_state", "api_token", "resource_log")) {
      entityManager.createNativeQuery("DELETE FROM " + table + " WHERE organization_id = ?1")
          .setParameter(1, uuid).executeUpdate();
    }
    entityManager.createNativeQuery("DELETE FROM organization WHERE id = ?1").setParameter(1, uuid).executeUpdate();
  }

  static UUID uuid(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw ApiException.notFound("Organization %s does not exist", id);
    }
  }

  private static Organization of(Object[] row) {
    return new Organization(row[0].toString(), (String) row[1], io.ailake.api.SqlValues.instant(row[2]));
  }
}
