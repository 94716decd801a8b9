package io.ailake.operations;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A background service that every replica runs and that is paused and resumed for all of them at once
 * (the flag lives in PostgreSQL); {@code run-now} does a round of its work at once on this replica.
 */
public abstract class PausableService implements BackgroundService {

  private static final List<String> COMMANDS = List.of("pause", "resume", "run-now");

  protected abstract ServiceStates states();

  /** One round of the service's work. */
  protected abstract void runNow();

  /** What the service adds to its status besides its state and commands. */
  protected abstract void describe(Map<String, Object> status);

  protected boolean paused() {
    return states().isPaused(name());
  }

  @Override
  public List<String> commands() {
    return COMMANDS;
  }

  @Override
  public Map<String, Object> status() {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("state", paused() ? "paused" : "running");
    status.put("commands", commands());
    describe(status);
    return status;
  }

  @Override
  public Map<String, Object> run(String command, Map<String, Object> context) {
    switch (command) {
      case "pause" -> states().setPaused(name(), true);
      case "resume" -> states().setPaused(name(), false);
      case "run-now" -> runNow();
      default -> throw new IllegalArgumentException("Unknown command " + command);
    }
    return Map.of("state", paused() ? "paused" : "running");
  }
}
