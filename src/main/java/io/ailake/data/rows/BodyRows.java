package io.ailake.data.rows;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.RuntimeJsonMappingException;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The rows of an insert's body, one at a time as the body streams from its spooled file: a JSON array of
 * objects, NDJSON (one object per line) or CSV with a header row. Each row is a map from column name to
 * its JSON value (nested values as maps and lists, decimals exact); a CSV field is text, an empty one null.
 */
final class BodyRows {

  /** Receives each row with its number (the first row is 1; a CSV header is no row). */
  interface Consumer {
    void accept(long number, Map<String, Object> row);
  }

  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final TypeReference<LinkedHashMap<String, Object>> ROW = new TypeReference<>() {};
  private static final CsvMapper CSV = CsvMapper.builder()
      .enable(CsvParser.Feature.EMPTY_STRING_AS_NULL)
      .enable(CsvParser.Feature.FAIL_ON_MISSING_HEADER_COLUMNS)
      .build();

  private BodyRows() {}

  /** Reads every row of {@code body}; how many there were. */
  static long read(RowsBody body, Consumer consumer) {
    try (InputStream in = body.open(); Reader text = new InputStreamReader(in, body.charset())) {
      return switch (body.format()) {
        case JSON -> array(text, consumer);
        case NDJSON -> lines(text, consumer);
        case CSV -> csv(text, consumer);
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A CSV field of a nested column holds the column's value as JSON text. */
  static Object nested(String json) throws JsonProcessingException {
    return JSON.readValue(json, Object.class);
  }

  private static long array(Reader text, Consumer consumer) throws IOException {
    long number = 0;
    try (JsonParser parser = JSON.createParser(text)) {
      try {
        if (parser.nextToken() != JsonToken.START_ARRAY) {
          throw new BadRow(1, null, "an application/json body is an array of row objects");
        }
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
          number++;
          consumer.accept(number, object(parser, token, number));
        }
        if (parser.nextToken() != null) {
          throw new BadRow(number, null, "the body goes on after the array of rows ends");
        }
      } catch (JsonProcessingException e) {
        throw new BadRow(Math.max(1, number), null, "malformed JSON: " + e.getOriginalMessage());
      }
    }
    return number;
  }

  static long lines(Reader text, Consumer consumer) throws IOException {
    long number = 0;
    try (JsonParser parser = JSON.createParser(text)) {
      try {
        for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
          number++;
          consumer.accept(number, object(parser, token, number));
        }
      } catch (JsonProcessingException e) {
        throw new BadRow(number + (parser.currentToken() == null ? 1 : 0), null,
            "malformed JSON: " + e.getOriginalMessage());
      }
    }
    return number;
  }

  private static Map<String, Object> object(JsonParser parser, JsonToken token, long number) throws IOException {
    if (token != JsonToken.START_OBJECT) {
      throw new BadRow(number, null, "a row is a JSON object, not " + token.asString());
    }
    return JSON.readValue(parser, ROW);
  }

  private static long csv(Reader text, Consumer consumer) throws IOException {
    return csv(text, CsvSchema.emptySchema().withHeader().withStrictHeaders(false), consumer);
  }

  /** The rows of a CSV file read with {@code schema} (its header row, or its columns, separator, quote and null text). */
  static long csv(Reader text, CsvSchema schema, Consumer consumer) throws IOException {
    long number = 0;
    try (MappingIterator<Map<String, String>> rows = CSV.readerForMapOf(String.class)
        .with(schema)
        .readValues(text)) {
      try {
        CsvSchema header = null;
        while (rows.hasNextValue()) {
          Map<String, String> row = rows.nextValue();
          number++;
          if (header == null) {
            header = (CsvSchema) rows.getParserSchema();
            Set<String> seen = new HashSet<>();
            for (CsvSchema.Column column : header) {
              if (!seen.add(column.getName())) {
                throw new BadRow(number, column.getName(), "the header row names the column twice");
              }
            }
          }
          consumer.accept(number, new LinkedHashMap<>(row));
        }
      } catch (JsonProcessingException | RuntimeJsonMappingException e) {
        String message = e instanceof JsonProcessingException processing ? processing.getOriginalMessage() : e.getMessage();
        throw new BadRow(number + 1, null, "malformed CSV: " + message);
      }
    }
    return number;
  }
}
