package io.ailake.operations;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A background service of ailake, listed by the AI Lake services API with its status and commands. */
public interface BackgroundService {

  /** Stable across restarts and replicas. */
  default UUID serviceId() {
    return UUID.nameUUIDFromBytes(("ailake-service:" + name()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  String name();

  List<String> commands();

  /** What the service is doing for an organization, for {@code GET /services/{id}/status}; includes its commands. */
  Map<String, Object> status(UUID organizationId);

  /** Runs one of {@link #commands()} for an organization; returns what the operation reports as its result. */
  Map<String, Object> run(UUID organizationId, String command, Map<String, Object> context);
}
