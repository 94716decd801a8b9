package io.ailake.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NamedSqlTest {

  @Test
  void namesBecomeQuestionMarksAndValuesFollowTheirOrder() {
    NamedSql sql = NamedSql.of("SELECT 1 FROM t WHERE a = :first AND b = :second_2 OR a = :first");
    assertThat(sql.positional()).isEqualTo("SELECT 1 FROM t WHERE a = ? AND b = ? OR a = ?");
    assertThat(sql.values(NamedSql.parameters().set("second_2", 2).set("first", "one")))
        .containsExactly("one", 2, "one");
  }

  @Test
  void castsLiteralsQuotedNamesAndCommentsAreNoParameters() {
    NamedSql sql = NamedSql.of("SELECT CAST(:v AS jsonb), x::text, ':no', 'it''s :no', \"a:no\" -- :no\n, :yes");
    assertThat(sql.positional())
        .isEqualTo("SELECT CAST(? AS jsonb), x::text, ':no', 'it''s :no', \"a:no\" -- :no\n, ?");
    assertThat(sql.order()).containsExactly("v", "yes");
  }

  @Test
  void aNameWithoutValueOrSetTwiceIsRefused() {
    NamedSql sql = NamedSql.of("SELECT :a, :b");
    assertThatThrownBy(() -> sql.values(NamedSql.parameters().set("a", 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(":b");
    assertThatThrownBy(() -> NamedSql.parameters().set("a", 1).setAll(NamedSql.parameters().set("a", 2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(":a");
  }

  @Test
  void aNullValueIsAValue() {
    assertThat(NamedSql.of("SELECT :a").values(NamedSql.parameters().set("a", null))).containsExactly((Object) null);
  }
}
