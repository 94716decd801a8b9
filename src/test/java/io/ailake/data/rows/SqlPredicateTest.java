package io.ailake.data.rows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ailake.api.ApiException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.apache.iceberg.Schema;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.DateTimeUtil;
import org.junit.jupiter.api.Test;

/** The predicate grammar of docs/rows.md, as the Iceberg expressions it means. */
class SqlPredicateTest {

  static final Schema SCHEMA = new Schema(
      Types.NestedField.required(1, "id", Types.LongType.get()),
      Types.NestedField.optional(2, "Status", Types.StringType.get()),
      Types.NestedField.optional(3, "amount", Types.DecimalType.of(10, 2)),
      Types.NestedField.optional(4, "day", Types.DateType.get()),
      Types.NestedField.optional(5, "at", Types.TimestampType.withoutZone()),
      Types.NestedField.optional(6, "at_tz", Types.TimestampType.withZone()),
      Types.NestedField.optional(7, "active", Types.BooleanType.get()),
      Types.NestedField.optional(8, "uid", Types.UUIDType.get()),
      Types.NestedField.optional(9, "customer", Types.StructType.of(
          Types.NestedField.optional(10, "country code", Types.StringType.get()),
          Types.NestedField.optional(11, "tags", Types.ListType.ofOptional(12, Types.StringType.get())))));

  private static void means(String where, Expression expected) {
    assertThat(SqlPredicate.parse(where, SCHEMA).toString()).as(where).isEqualTo(expected.toString());
  }

  @Test
  void everyFormOfTheGrammar() {
    means("id = 5", Expressions.equal("id", 5L));
    means("ID <> 5", Expressions.notEqual("id", 5L));
    means("id != -5", Expressions.notEqual("id", -5L));
    means("id < 1 AND id <= 2 OR id > 3 AND id >= 4", Expressions.or(
        Expressions.and(Expressions.lessThan("id", 1L), Expressions.lessThanOrEqual("id", 2L)),
        Expressions.and(Expressions.greaterThan("id", 3L), Expressions.greaterThanOrEqual("id", 4L))));
    means("id IN (1, 2, 3)", Expressions.in("id", 1L, 2L, 3L));
    means("id not in (1)", Expressions.notIn("id", 1L));
    means("amount BETWEEN 1 AND 2.5", Expressions.and(
        Expressions.greaterThanOrEqual("amount", new BigDecimal("1.00")),
        Expressions.lessThanOrEqual("amount", new BigDecimal("2.50"))));
    means("amount NOT BETWEEN 1 AND 2", Expressions.or(
        Expressions.lessThan("amount", new BigDecimal("1.00")), Expressions.greaterThan("amount", new BigDecimal("2.00"))));
    means("status IS NULL OR status IS NOT NULL", Expressions.or(
        Expressions.isNull("Status"), Expressions.notNull("Status")));
    means("status LIKE 'it''s%'", Expressions.startsWith("Status", "it's"));
    means("status NOT LIKE 'a%'", Expressions.notStartsWith("Status", "a"));
    means("status LIKE 'exact'", Expressions.equal("Status", "exact"));
    means("NOT (id = 1 OR NOT active)", Expressions.not(Expressions.or(
        Expressions.equal("id", 1L), Expressions.not(Expressions.equal("active", true)))));
    means("active = TRUE", Expressions.equal("active", true));
    means("true", Expressions.alwaysTrue());
    means("FALSE", Expressions.alwaysFalse());
    means("day = DATE '2024-03-01'", Expressions.equal("day", DateTimeUtil.daysFromDate(LocalDate.of(2024, 3, 1))));
    means("day >= '2024-03-01'", Expressions.greaterThanOrEqual("day",
        DateTimeUtil.daysFromDate(LocalDate.of(2024, 3, 1))));
    means("at < TIMESTAMP '2024-03-01 10:00:00'", Expressions.lessThan("at",
        DateTimeUtil.microsFromTimestamp(LocalDateTime.of(2024, 3, 1, 10, 0))));
    means("at_tz = TIMESTAMP '2024-03-01T10:00:00+01:00'", Expressions.equal("at_tz",
        DateTimeUtil.microsFromTimestamptz(OffsetDateTime.of(2024, 3, 1, 9, 0, 0, 0, ZoneOffset.UTC))));
    means("uid = '4f2c1a3e-9b7d-4c8e-a1f0-2d3e4f5a6b7c'",
        Expressions.equal("uid", UUID.fromString("4f2c1a3e-9b7d-4c8e-a1f0-2d3e4f5a6b7c")));
    means("customer.\"country code\" = 'CZ'", Expressions.equal("customer.country code", "CZ"));
    means("`customer`.`COUNTRY CODE` IN ('CZ', 'SK')", Expressions.in("customer.country code", "CZ", "SK"));
  }

  @Test
  void whatIsOutsideTheGrammarIsA400SayingWhat() {
    assertRefused("id = 1.5", "not a value of column id");
    assertRefused("amount = 1.234", "not a value of column amount");
    assertRefused("customer.tags = 'x'", "a predicate compares primitive columns only");
    assertRefused("customer.tags.x = 'x'", "whose elements a predicate cannot name");
    assertRefused("id LIKE '1%'", "LIKE applies to string columns");
    assertRefused("status LIKE 'a_c%'", "'prefix%' patterns only");
    assertRefused("id IN ()", "expected a literal");
    assertRefused("id = id", "expected a literal");
    assertRefused("id IS 5", "expected NULL after IS");
    assertRefused("id = 'x", "is not closed");
    assertRefused("status = 'a' AND", "expected a column name");
    assertRefused("AND id = 1", "expected a column name, not AND");
    assertRefused("id ! 1", "'!' (use NOT or !=)");
    assertRefused("upper(status) = 'X'", "functions such as upper(...) are not supported");
    assertRefused("count(*) > 1", "'*' is no part of the supported SQL");
    assertRefused("id = 1e999999999", "not a value of column id");
    assertRefused("amount = 1e-999999999", "not a value of column amount");
  }

  private static void assertRefused(String where, String why) {
    assertThatThrownBy(() -> SqlPredicate.parse(where, SCHEMA)).as(where)
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.getMessage()).contains(why);
        });
  }
}
