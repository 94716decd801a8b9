package io.ailake.iceberg;

import org.apache.iceberg.TableMetadata;

/**
 * Work a table commit also does in the PostgreSQL transaction that swaps the table's pointer, so it
 * commits exactly when the change does: a call's idempotency-key answer ({@link CommitAnswers}), a
 * server-side writer's record of what it loaded ({@link ServerTables}). When it throws, the writer's change
 * does not commit and the exception is its outcome; the writers committed with it try again without it.
 */
interface AlongWithCommit {

  /** Runs in the swap's transaction, given the metadata the swap commits. */
  void run(TableMetadata committed);

  /**
   * Whether it may run in another writer's turn, thread and transaction, so that the change can commit
   * in a group with others (see {@link CommitTurns}).
   */
  boolean joinable();

  AlongWithCommit NOTHING = new AlongWithCommit() {
    @Override
    public void run(TableMetadata committed) {}

    @Override
    public boolean joinable() {
      return true;
    }
  };

  /** Work of the writer's own: it commits in the writer's own turn and transaction. */
  static AlongWithCommit ownTurn(Runnable work) {
    return new AlongWithCommit() {
      @Override
      public void run(TableMetadata committed) {
        work.run();
      }

      @Override
      public boolean joinable() {
        return false;
      }
    };
  }
}
