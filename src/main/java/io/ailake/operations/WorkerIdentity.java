package io.ailake.operations;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Who holds a job's lease, written into {@code job.lease_owner} as {@code replica/pid/start/nonce}: the
 * replica (a pod's hostname, which a restarted container keeps), the process id and the instant the
 * process started. A process that starts again on the same replica recognizes the claims of its dead
 * previous incarnation by them and takes them back at once, instead of waiting for their leases to end.
 */
public record WorkerIdentity(String replica, long pid, long startedMillis, String nonce) {

  /** This process, on the replica {@code ailake.jobs.replica-id} names, else on this host. */
  public static WorkerIdentity ofThisProcess(Optional<String> replicaId) {
    return ofThisProcess(replicaId.filter(id -> !id.isBlank()).orElseGet(WorkerIdentity::hostName));
  }

  private static String hostName() {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.net.UnknownHostException e) {
        host = "localhost";
      }
    }
    return host;
  }

  public static WorkerIdentity ofThisProcess(String replica) {
    return new WorkerIdentity(
        replica.replace('/', '_'),
        ProcessHandle.current().pid(),
        ProcessHandle.current().info().startInstant().orElseGet(Instant::now).toEpochMilli(),
        UUID.randomUUID().toString().substring(0, 8));
  }

  /** The identity written by {@link #toString}; empty for an owner of another format (an older release). */
  public static Optional<WorkerIdentity> parse(String owner) {
    String[] parts = owner == null ? new String[0] : owner.split("/");
    if (parts.length != 4) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new WorkerIdentity(parts[0], Long.parseLong(parts[1]), Long.parseLong(parts[2]), parts[3]));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether {@code other} is an earlier, dead process of this replica. In a container every incarnation
   * has the same pid, so a claim in our own pid with an earlier start is from before a restart; with
   * another pid, the process must be gone: two live processes may share a host outside Kubernetes.
   */
  public boolean isDeadPreviousIncarnation(WorkerIdentity other) {
    if (!other.replica.equals(replica) || other.startedMillis >= startedMillis || other.equals(this)) {
      return false;
    }
    if (other.pid == pid) {
      return true;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(other.pid).filter(ProcessHandle::isAlive);
    // a live process of that pid is another one when it started at another instant (the pid was reused)
    return process.isEmpty()
        || process.get().info().startInstant().map(s -> s.toEpochMilli() != other.startedMillis).orElse(false);
  }

  @Override
  public String toString() {
    return replica + "/" + pid + "/" + startedMillis + "/" + nonce;
  }
}
