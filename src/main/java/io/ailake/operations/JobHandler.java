package io.ailake.operations;

import java.util.Map;

/**
 * Runs one kind of job. A job may run more than once (a worker can die after doing the work and
 * before recording it), so every handler must be idempotent.
 */
public interface JobHandler {

  String kind();

  /**
   * Does the work; returns the operation's result (null for none). An {@link
   * io.ailake.api.ApiException} with a 4xx status fails the job at once, with that status and detail:
   * retrying cannot help a request that is wrong.
   */
  Map<String, Object> run(Map<String, String> payload) throws Exception;

  /** Called once the job has failed for good (no retry left), with the detail its operation reports. */
  default void failed(Map<String, String> payload, String detail) {}
}
