package io.ailake.operations;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.Map;
import java.util.UUID;

/** Queues durable jobs, inside the caller's transaction so the job and the change commit together. */
@ApplicationScoped
public class JobQueue {

  @Transactional(Transactional.TxType.MANDATORY)
  public long enqueue(UUID organizationId, String kind, Map<String, String> payload) {
    Job job = new Job();
    job.organizationId = organizationId;
    job.kind = kind;
    job.payload = payload;
    job.persist();
    return job.id;
  }
}
