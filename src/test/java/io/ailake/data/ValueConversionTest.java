package io.ailake.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the pipe loader and the row routes rely on from the one value conversion. */
class ValueConversionTest {

  private static final ValueConversion JSON = ValueConversion.JSON;

  @Test
  void decimalsAreExactOrRefusedNeverRounded() {
    assertThat(JSON.convert(new BigDecimal("12.5"), Types.DecimalType.of(5, 2))).isEqualTo(new BigDecimal("12.50"));
    assertThat(JSON.convert("0", Types.DecimalType.of(5, 2))).isEqualTo(new BigDecimal("0.00"));
    assertThat(JSON.convert("1.2300", Types.DecimalType.of(5, 2))).isEqualTo(new BigDecimal("1.23"));
    assertThatThrownBy(() -> JSON.convert("1.234", Types.DecimalType.of(5, 2)))
        .hasMessageContaining("cannot be read as decimal(5, 2)");
    assertThatThrownBy(() -> JSON.convert("1234", Types.DecimalType.of(5, 2))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @Timeout(5)
  void hugeExponentsAreRefusedAtOnce() {
    for (Object huge : List.of(new BigDecimal("1e999999999"), "1e-999999999", "-9e999999999")) {
      assertThatThrownBy(() -> JSON.convert(huge, Types.LongType.get())).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> JSON.convert(huge, Types.DecimalType.of(38, 10))).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> JSON.convert("1e999999999", Types.DoubleType.get())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JSON.convert("1e39", Types.FloatType.get())).isInstanceOf(IllegalArgumentException.class);
    assertThat(JSON.convert("Infinity", Types.DoubleType.get())).isEqualTo(Double.POSITIVE_INFINITY);
  }

  @Test
  void binaryIsBase64FromJsonAndUtf8FromFiles() {
    assertThat(JSON.convert("AAE=", Types.BinaryType.get())).isEqualTo(ByteBuffer.wrap(new byte[] {0, 1}));
    assertThat(ValueConversion.FILES.convert("AAE=", Types.BinaryType.get()))
        .isEqualTo(ByteBuffer.wrap("AAE=".getBytes(StandardCharsets.UTF_8)));
    assertThatThrownBy(() -> JSON.convert("AAE=", Types.FixedType.ofLength(3))).hasMessageContaining("2 bytes");
  }

  @Test
  void aTimestampWithAnOffsetIsItsUtcTime() {
    assertThat(JSON.convert("2024-03-01T10:00:00+02:00", Types.TimestampType.withoutZone()))
        .isEqualTo(LocalDateTime.of(2024, 3, 1, 8, 0));
  }

  @Test
  void nestedValuesNameTheFieldThatIsWrong() {
    Types.StructType address = Types.StructType.of(
        Types.NestedField.required(1, "zip", Types.IntegerType.get()),
        Types.NestedField.optional(2, "lines", Types.ListType.ofOptional(3, Types.StringType.get())));
    Record record = (Record) JSON.convert(Map.of("zip", "11000", "lines", List.of("a")), address);
    assertThat(record.getField("zip")).isEqualTo(11000);
    assertThatThrownBy(() -> JSON.convert(Map.of("zip", 1, "lines", List.of("a", Map.of())), address))
        .isInstanceOfSatisfying(ValueConversion.NotConvertible.class,
            e -> assertThat(e.field()).isEqualTo("lines.[1]"));
    assertThatThrownBy(() -> JSON.convert(Map.of("lines", List.of()), address))
        .isInstanceOfSatisfying(ValueConversion.NotConvertible.class, e -> assertThat(e.field()).isEqualTo("zip"));
    Types.MapType counts = Types.MapType.ofRequired(4, 5, Types.IntegerType.get(), Types.LongType.get());
    assertThat(JSON.convert(List.of(Map.of("key", 1, "value", 2)), counts)).isEqualTo(Map.of(1, 2L));
  }
}
