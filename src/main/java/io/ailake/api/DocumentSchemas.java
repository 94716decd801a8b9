package io.ailake.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.media.Schema;

/**
 * Small builders for the schemas that {@link ApiDocumentation} writes itself (those no Java record
 * describes): objects with their required properties and an example.
 */
final class DocumentSchemas {

  private DocumentSchemas() {}

  static Schema string() {
    return OASFactory.createSchema().addType(Schema.SchemaType.STRING);
  }

  static Schema integer() {
    return OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).format("int32");
  }

  static Schema bool() {
    return OASFactory.createSchema().addType(Schema.SchemaType.BOOLEAN);
  }

  static Schema ref(String name) {
    return OASFactory.createSchema().ref(name);
  }

  static Schema arrayOf(Schema items) {
    return OASFactory.createSchema().addType(Schema.SchemaType.ARRAY).items(items);
  }

  /** A JSON object whose keys are free and whose values are {@code values}. */
  static Schema mapOf(Schema values) {
    return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT).additionalPropertiesSchema(values);
  }

  /** A JSON object of any shape: what the spec it comes from defines in depth. */
  static Schema anyObject(String description) {
    return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT).description(description);
  }

  /** An object schema: {@code properties} in order, those named in {@code required} required. */
  static Schema object(String description, Map<String, Schema> properties, List<String> required, Object example) {
    Schema schema = OASFactory.createSchema().addType(Schema.SchemaType.OBJECT).description(description)
        .properties(new LinkedHashMap<>(properties)).example(example);
    if (!required.isEmpty()) {
      schema.required(required);
    }
    return schema;
  }

  /** Ordered properties: name, schema, name, schema... */
  static Map<String, Schema> props(Object... nameThenSchema) {
    Map<String, Schema> properties = new LinkedHashMap<>();
    for (int i = 0; i < nameThenSchema.length; i += 2) {
      properties.put((String) nameThenSchema[i], (Schema) nameThenSchema[i + 1]);
    }
    return properties;
  }
}
