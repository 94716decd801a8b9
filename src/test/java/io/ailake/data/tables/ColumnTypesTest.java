package io.ailake.data.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/** A type written as the table routes answer it reads back as the same type; a bad one says where it broke. */
class ColumnTypesTest {

  private static Type parse(String text) {
    return ColumnTypes.parse(text, new AtomicInteger(100)::incrementAndGet);
  }

  @Test
  void everyAnsweredTypeReadsBackAsTheSameType() {
    for (String text : List.of("boolean", "int", "long", "float", "double", "decimal(12, 2)", "date", "time",
        "timestamp", "timestamptz", "string", "uuid", "binary", "fixed[16]", "list<string>", "map<string, long>",
        "struct<a: int, b: string not null>", "list<struct<a: int, b: map<string, list<decimal(38, 0)>>>>")) {
      Type type = parse(text);
      assertThat(ColumnTypes.format(type)).isEqualTo(text);
      assertThat(parse(ColumnTypes.format(type)).toString()).isEqualTo(type.toString());
    }
  }

  @Test
  void spellingsEnginesUseReadAsIcebergsTypes() {
    assertThat(parse("BIGINT")).isEqualTo(Types.LongType.get());
    assertThat(parse("Integer")).isEqualTo(Types.IntegerType.get());
    assertThat(parse(" decimal( 10 ,0 ) ")).isEqualTo(Types.DecimalType.of(10, 0));
    assertThat(parse("array<int>").typeId()).isEqualTo(Type.TypeID.LIST);
    assertThat(parse("struct<`first name`: string>").asStructType().field("first name")).isNotNull();
  }

  @Test
  void aBadTypeSaysWhatIsWrongAndWhere() {
    assertThatThrownBy(() -> parse("decimal(39, 2)")).hasMessageContaining("precision must be between 1 and 38");
    assertThatThrownBy(() -> parse("decimal(5, 6)")).hasMessageContaining("scale 6 is larger than its precision 5");
    assertThatThrownBy(() -> parse("strng")).hasMessageContaining("unknown type 'strng'");
    assertThatThrownBy(() -> parse("map<string>")).hasMessageContaining("',' expected at 10");
    assertThatThrownBy(() -> parse("struct<a: int, a: long>")).hasMessageContaining("'a' appears twice");
    assertThatThrownBy(() -> parse("list<int> extra")).hasMessageContaining("unexpected 'extra'");
    assertThatThrownBy(() -> parse("fixed[0]")).hasMessageContaining("at least 1");
    assertThatThrownBy(() -> parse("list<".repeat(40) + "int" + ">".repeat(40))).hasMessageContaining("nest at most");
    assertThatThrownBy(() -> ColumnTypes.parsePrimitive("list<int>")).hasMessageContaining("not a primitive type");
  }
}
