package io.ailake.iceberg;

import io.ailake.auth.CallRecords;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.iceberg.TableMetadata;

/**
 * Idempotency of the commit route: a call whose key has an answer replays it without committing, and a
 * call's answer (the committed table, as a load gives it, with its ETag) is kept in the transaction of
 * its commit, whichever writer's turn that is.
 */
@ApplicationScoped
class CommitAnswers {

  private final CallRecords calls;
  private final MetadataFiles metadataFiles;

  CommitAnswers(CallRecords calls, MetadataFiles metadataFiles) {
    this.calls = calls;
    this.metadataFiles = metadataFiles;
  }

  /**
   * What the current call's commit keeps with it; throws {@link CallRecords.AnsweredEarlier} when its key
   * has an answer already, before any work.
   */
  AlongWithCommit ofCurrentCall() {
    CallRecords.Call call = calls.current();
    if (call == null) {
      return AlongWithCommit.NOTHING;
    }
    calls.requireFirst(call);
    return new AlongWithCommit() {
      @Override
      public void run(TableMetadata committed) {
        String body = new String(metadataFiles.loadAnswer(committed, SnapshotMode.ALL), StandardCharsets.UTF_8);
        calls.keepInTransaction(call, 200, MediaType.APPLICATION_JSON,
            Map.of(HttpHeaders.ETAG, ETags.of(committed.metadataFileLocation(), SnapshotMode.ALL)), body);
      }

      @Override
      public boolean joinable() {
        return true;
      }
    };
  }
}
