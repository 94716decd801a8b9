package io.ailake.iceberg;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
    return mapper;
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

  private static final SerializedString IDENTIFIERS = new SerializedString("identifiers");
  private static final SerializedString NAMESPACE = new SerializedString("namespace");
  private static final SerializedString NAME = new SerializedString("name");
  private static final SerializedString NEXT_PAGE_TOKEN = new SerializedString("next-page-token");

  /**
   * Iceberg's ListTablesResponse for names in one namespace, written directly: the same JSON as
   * Iceberg's serializers give, at a fraction of their cost for a page of a thousand names.
   */
  static byte[] listTables(Namespace namespace, List<String> names, String nextPageToken) {
    String[] levels = namespace.levels();
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + names.size() * (40 + 8 * levels.length));
    try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
      json.writeStartObject();
      json.writeFieldName(IDENTIFIERS);
      json.writeStartArray();
      for (String name : names) {
        json.writeStartObject();
        json.writeFieldName(NAMESPACE);
        json.writeArray(levels, 0, levels.length);
        json.writeFieldName(NAME);
        json.writeString(name);
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeFieldName(NEXT_PAGE_TOKEN);
      json.writeString(nextPageToken);
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot serialize " + value.getClass().getSimpleName(), e);
    }
  }
}
