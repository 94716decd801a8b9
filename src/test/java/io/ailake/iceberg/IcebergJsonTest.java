package io.ailake.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.responses.ListTablesResponse;
import org.junit.jupiter.api.Test;

class IcebergJsonTest {

  @Test
  void aListIsTheJsonIcebergsOwnSerializersWrite() {
    Namespace namespace = Namespace.of("sales", "eu \"west\"", "ünïcode");
    List<String> names =
        List.of("orders", "größe-📦", "quote\"and\\slash", "tab\tnew\nline", "bell\u0007del\u007f/~", "x");
    for (String token : new String[] {null, "b3JkZXJz"}) {
      ListTablesResponse.Builder expected = ListTablesResponse.builder().nextPageToken(token);
      names.forEach(name -> expected.add(TableIdentifier.of(namespace, name)));

      assertThat(new String(IcebergJson.listTables(namespace, names, token), StandardCharsets.UTF_8))
          .isEqualTo(new String(IcebergJson.write(expected.build()), StandardCharsets.UTF_8));
    }
    assertThat(new String(IcebergJson.listTables(namespace, List.of(), null), StandardCharsets.UTF_8))
        .isEqualTo(new String(IcebergJson.write(ListTablesResponse.builder().build()), StandardCharsets.UTF_8));
  }
}
