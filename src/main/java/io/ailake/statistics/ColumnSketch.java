package io.ailake.statistics;

import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.datasketches.common.Family;
import org.apache.datasketches.theta.UpdateSketch;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.puffin.Blob;
import org.apache.iceberg.puffin.StandardBlobTypes;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.ByteBuffers;
import org.apache.iceberg.util.DateTimeUtil;

/**
 * What analyzeStatistics learns about one top-level primitive column: how many values are null, and a
 * theta sketch of the distinct ones, built as Iceberg's Puffin spec defines the {@code
 * apache-datasketches-theta-v1} blob (an Alpha-family sketch with the default seed, fed with each value's
 * single-value serialization), so engines that read Iceberg statistics read ours.
 */
final class ColumnSketch {

  /** The blob property the Puffin spec defines for theta sketches: the estimated distinct count. */
  static final String NDV = "ndv";

  private final Types.NestedField field;
  private final int position;
  /** From the generic reader's value to Iceberg's internal one, which Conversions serializes. */
  private final UnaryOperator<Object> toInternal;
  private final UpdateSketch sketch;
  private long nullCount;

  private ColumnSketch(Types.NestedField field, int position) {
    this.field = field;
    this.position = position;
    this.toInternal = internal(field.type());
    this.sketch = toInternal == null ? null : UpdateSketch.builder().setFamily(Family.ALPHA).build();
  }

  /** One per top-level primitive column of {@code schema}, in the schema's order. */
  static List<ColumnSketch> of(Schema schema) {
    List<ColumnSketch> columns = new ArrayList<>();
    List<Types.NestedField> fields = schema.columns();
    for (int i = 0; i < fields.size(); i++) {
      if (fields.get(i).type().isPrimitiveType()) {
        columns.add(new ColumnSketch(fields.get(i), i));
      }
    }
    return columns;
  }

  int position() {
    return position;
  }

  String name() {
    return field.name();
  }

  void add(Object value) {
    if (value == null) {
      nullCount++;
    } else if (sketch != null) {
      sketch.update(ByteBuffers.toByteArray(Conversions.toByteBuffer(field.type(), toInternal.apply(value))));
    }
  }

  long nullCount() {
    return nullCount;
  }

  /** Whether the column's type has a single-value serialization to sketch (geometries have none). */
  boolean sketched() {
    return sketch != null;
  }

  long distinctCount() {
    return Math.round(sketch.getEstimate());
  }

  Blob blob(Snapshot snapshot) {
    return new Blob(
        StandardBlobTypes.APACHE_DATASKETCHES_THETA_V1,
        List.of(field.fieldId()),
        snapshot.snapshotId(),
        snapshot.sequenceNumber(),
        ByteBuffer.wrap(sketch.compact().toByteArray()),
        null,
        Map.of(NDV, Long.toString(distinctCount())));
  }

  private static UnaryOperator<Object> internal(Type type) {
    switch (type.typeId()) {
      case BOOLEAN, INTEGER, LONG, FLOAT, DOUBLE, STRING, UUID, BINARY, DECIMAL:
        return UnaryOperator.identity();
      case DATE:
        return date -> DateTimeUtil.daysFromDate((LocalDate) date);
      case TIME:
        return time -> DateTimeUtil.microsFromTime((LocalTime) time);
      case TIMESTAMP:
        return ((Types.TimestampType) type).shouldAdjustToUTC()
            ? ts -> DateTimeUtil.microsFromTimestamptz((OffsetDateTime) ts)
            : ts -> DateTimeUtil.microsFromTimestamp((LocalDateTime) ts);
      case TIMESTAMP_NANO:
        return ((Types.TimestampNanoType) type).shouldAdjustToUTC()
            ? ts -> DateTimeUtil.nanosFromTimestamptz((OffsetDateTime) ts)
            : ts -> DateTimeUtil.nanosFromTimestamp((LocalDateTime) ts);
      case FIXED:
        return bytes -> ByteBuffer.wrap((byte[]) bytes);
      default:
        return null; // geometry, geography, unknown: counted, not sketched
    }
  }
}
