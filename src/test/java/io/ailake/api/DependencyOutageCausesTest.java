package io.ailake.api;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.transaction.RollbackException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Where a dependency's failure hides in what reaches the error mappers. */
class DependencyOutageCausesTest {

  @Test
  void aLostConnectionAttachedToARollbackIsAnOutage() {
    // what Narayana throws when the commit itself meets a PostgreSQL that went away
    RollbackException rollback = new RollbackException("ARJUNA016053: Could not commit transaction.");
    rollback.addSuppressed(new SQLException("An I/O error occurred while sending to the backend.", "08006"));

    assertThat(DependencyOutage.isOutage(new IllegalStateException(rollback))).isTrue();
  }

  @Test
  void aConnectionErrorDeepInTheCausesIsAnOutage() {
    Throwable wrapped = new RuntimeException(new IllegalStateException(new SQLException("gone", "57P01")));

    assertThat(DependencyOutage.isOutage(wrapped)).isTrue();
  }

  @Test
  void aRefusedStatementIsNotAnOutage() {
    RollbackException rollback = new RollbackException("rolled back");
    rollback.addSuppressed(new SQLException("duplicate key value", "23505"));

    assertThat(DependencyOutage.isOutage(rollback)).isFalse();
    assertThat(DependencyOutage.isOutage(new NullPointerException())).isFalse();
  }

  @Test
  void aCycleOfCausesEnds() {
    RuntimeException first = new RuntimeException("first");
    RuntimeException second = new RuntimeException("second", first);
    first.initCause(second);
    first.addSuppressed(second);

    assertThat(DependencyOutage.isOutage(first)).isFalse();
  }
}
