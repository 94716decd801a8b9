package io.ailake.operations;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.UUID;

/**
 * The paused flag of each background service per organization, in PostgreSQL so every replica obeys
 * it: a paused service does no work of that organization, and goes on with the others'.
 */
@ApplicationScoped
public class ServiceStates {

  private final EntityManager entityManager;

  ServiceStates(EntityManager entityManager) {
    this.entityManager = entityManager;
  }

  @Transactional
  public boolean isPaused(UUID organizationId, String serviceName) {
    return !entityManager
        .createNativeQuery(
            "SELECT 1 FROM service_state WHERE organization_id = ?1 AND service_id = ?2 AND paused")
        .setParameter(1, organizationId)
        .setParameter(2, serviceName)
        .getResultList()
        .isEmpty();
  }

  @Transactional
  public void setPaused(UUID organizationId, String serviceName, boolean paused) {
    entityManager
        .createNativeQuery(
            "INSERT INTO service_state (organization_id, service_id, paused) VALUES (?1, ?2, ?3)"
                + " ON CONFLICT (organization_id, service_id)"
                + " DO UPDATE SET paused = EXCLUDED.paused, updated_at = now()")
        .setParameter(1, organizationId)
        .setParameter(2, serviceName)
        .setParameter(3, paused)
        .executeUpdate();
  }
}
