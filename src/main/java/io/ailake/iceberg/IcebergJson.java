package io.ailake.iceberg;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.rest.RESTSerializers;

/**
 * JSON of the Iceberg REST API, configured the way Iceberg's own client configures it (kebab-case
 * names, field access, Iceberg's serializers), so what we send is exactly what clients parse. Kept
 * apart from the application's ObjectMapper, which serves the other APIs.
 */
public final class IcebergJson {

  private static final ObjectMapper MAPPER = newMapper();

  private IcebergJson() {}

  private static ObjectMapper newMapper() {
    JsonFactory factory =
        new JsonFactoryBuilder()
            .configure(JsonFactory.Feature.INTERN_FIELD_NAMES, false)
            .configure(JsonFactory.Feature.FAIL_ON_SYMBOL_HASH_OVERFLOW, false)
            .build();
    ObjectMapper mapper = new ObjectMapper(factory);
    mapper.setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);
    mapper.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    mapper.setPropertyNamingStrategy(new PropertyNamingStrategies.KebabCaseStrategy());
    RESTSerializers.registerAll(mapper);
    // the spec's lists and maps hold strings; a null in one ("removals": [null]) failed later, as a 500
    mapper.setDefaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL));
    return io.ailake.api.StrictJson.strict(mapper);
  }

  /** Parses a request body; anything malformed or mistyped is a 400 that says what is wrong. */
  public static <T> T read(String body, Class<T> type) {
    if (body == null || body.isBlank()) {
      throw new BadRequestException("Malformed request: the body must be a JSON %s", type.getSimpleName());
    }
    try {
      T value = MAPPER.readValue(body, type);
      if (value == null) {
        throw new BadRequestException("Malformed request: the body must be a JSON %s", type.getSimpleName());
      }
      return value;
    } catch (JsonProcessingException e) {
      throw new BadRequestException("Malformed request: %s", e.getOriginalMessage());
    } catch (IllegalArgumentException | IllegalStateException | NullPointerException
        | ClassCastException | UnsupportedOperationException e) {
      // Iceberg's parsers reject invalid structures with these
      throw new BadRequestException("Malformed request: %s", String.valueOf(e.getMessage()));
    }
  }

  /**
   * Iceberg's LoadTableResult ({@code metadata-location}, {@code metadata}) around metadata already
   * serialized by {@link #tableMetadata}, so a load writes cached bytes. No {@code config}: the storage
   * settings are the catalog's defaults.
   */
  static byte[] loadTableResult(String metadataLocation, byte[] metadataJson) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(metadataJson.length + 256);
    try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
      json.writeStartObject();
      if (metadataLocation != null) {
        json.writeStringField("metadata-location", metadataLocation);
      }
      json.writeFieldName("metadata");
      // an empty raw value makes the generator write the separator and count the field as written;
      // the UTF-8 bytes go to the stream after it, without a round trip through chars
      json.writeRawValue("");
      json.flush();
      out.write(metadataJson);
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Table metadata as Iceberg's TableMetadataParser writes it, as UTF-8 bytes. */
  static byte[] tableMetadata(TableMetadata metadata) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
      TableMetadataParser.toJson(metadata, json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Iceberg's ListTablesResponse for names in one namespace, written directly: the same bytes as
   * Iceberg's serializers give. Every identifier of the page shares its namespace, so that part is
   * written once and copied; a name of printable ASCII is copied as it is, any other goes through
   * Jackson's generator.
   */
  static byte[] listTables(Namespace namespace, List<String> names, String nextPageToken) {
    Utf8 head = new Utf8(64).ascii("{\"namespace\":[");
    String[] levels = namespace.levels();
    for (int i = 0; i < levels.length; i++) {
      head.ascii(i == 0 ? "" : ",").string(levels[i]);
    }
    byte[] identifierHead = head.ascii("],\"name\":").toByteArray();
    Utf8 out = new Utf8(48 + names.size() * (identifierHead.length + 24)).ascii("{\"identifiers\":[");
    for (int i = 0; i < names.size(); i++) {
      out.ascii(i == 0 ? "" : ",").bytes(identifierHead).string(names.get(i)).ascii("}");
    }
    out.ascii("],\"next-page-token\":");
    return (nextPageToken == null ? out.ascii("null") : out.string(nextPageToken)).ascii("}").toByteArray();
  }

  /** A growing array of UTF-8 JSON text, unsynchronized (a ByteArrayOutputStream locks on every write). */
  private static final class Utf8 {
    private byte[] bytes;
    private int size;

    Utf8(int capacity) {
      bytes = new byte[capacity];
    }

    /** Text known to be ASCII, as it is. */
    Utf8 ascii(String text) {
      int length = text.length();
      room(length);
      for (int i = 0; i < length; i++) {
        bytes[size++] = (byte) text.charAt(i);
      }
      return this;
    }

    Utf8 bytes(byte[] more) {
      room(more.length);
      System.arraycopy(more, 0, bytes, size, more.length);
      size += more.length;
      return this;
    }

    /** {@code value} as a JSON string. */
    Utf8 string(String value) {
      int length = value.length();
      room(length + 2);
      int at = size;
      bytes[at++] = '"';
      for (int i = 0; i < length; i++) {
        char c = value.charAt(i);
        if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
          return bytes(write(value)); // quotes included, escaped as the generator escapes
        }
        bytes[at++] = (byte) c;
      }
      bytes[at++] = '"';
      size = at;
      return this;
    }

    private void room(int more) {
      if (size + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
      }
    }

    byte[] toByteArray() {
      return Arrays.copyOf(bytes, size);
    }
  }

  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot serialize " + value.getClass().getSimpleName(), e);
    }
  }
}
