package io.ailake.operations;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A background service that every replica runs; an organization pauses and resumes it for its own work,
 * on all replicas at once (the flag lives in PostgreSQL); {@code run-now} does a round of its work at
 * once on this replica, advancing only the calling organization's schedule.
 */
public abstract class PausableService implements BackgroundService {

  private static final List<String> COMMANDS = List.of("pause", "resume", "run-now");

  protected abstract ServiceStates states();

  /** One round of the service's work, asked for by an organization: only its own work is brought forward. */
  protected abstract void runNow(UUID organizationId);

  /** What the service adds to an organization's status besides its state and commands. */
  protected abstract void describe(UUID organizationId, Map<String, Object> status);

  protected boolean paused(UUID organizationId) {
    return states().isPaused(organizationId, name());
  }

  @Override
  public List<String> commands() {
    return COMMANDS;
  }

  @Override
  public Map<String, Object> status(UUID organizationId) {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("state", paused(organizationId) ? "paused" : "running");
    status.put("commands", commands());
    describe(organizationId, status);
    return status;
  }

  @Override
  public Map<String, Object> run(UUID organizationId, String command, Map<String, Object> context) {
    switch (command) {
      case "pause" -> states().setPaused(organizationId, name(), true);
      case "resume" -> states().setPaused(organizationId, name(), false);
      case "run-now" -> runNow(organizationId);
      default -> throw new IllegalArgumentException("Unknown command " + command);
    }
    return Map.of("state", paused(organizationId) ? "paused" : "running");
  }
}
