package io.ailake.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import io.ailake.organization.Organizations;
import io.ailake.storage.ObjectStorage;
import io.ailake.storage.ObjectStorageService;
import io.ailake.testing.NestedMavenSuite;
import io.ailake.testing.ObjectStorages;
import io.ailake.testing.S3ProxyResource;
import io.ailake.testing.Warehouses;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.enterprise.inject.spi.CDI;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Iceberg's REST Compatibility Kit 1.11.0 against the running service, on a fresh local-disk warehouse
 * and on a fresh S3 warehouse, with the flags a spec-following server must pass.
 */
@QuarkusTest
class RestCompatibilityKitTest {

  private static final String POM = "src/test/rck/pom.xml";

  /** Moves the metadata file through the local file system, so no server can pass it on S3. */
  private static final String LOCAL_ONLY_TEST =
      "RESTCompatibilityKitCatalogTests#testLoadTableWithMissingMetadataFile(Path)";

  @TestHTTPResource("/iceberg")
  URL catalog;

  /**
   * The kit creates tables under {@code file:/tmp/<namespace>/<table>} (namespaces {@code ns} and
   * {@code newdb}) and views under JUnit temporary directories (in the nested builds' directories),
   * outside any warehouse root. The catalog keeps tables inside their organization's storages, so the
   * kit's organization registers exactly those directories while it runs, as an operator would register
   * the directories a team may use (no wider: a storage may not overlap another organization's).
   */
  private static final List<String> KIT_DIRECTORIES =
      List.of("/tmp/ns", "/tmp/newdb", Path.of("target", "nested-suites").toAbsolutePath().toString());

  private final List<ObjectStorage> kitDirectories = new ArrayList<>();

  @BeforeEach
  void registerTheKitsDirectories() throws java.io.IOException {
    for (String directory : KIT_DIRECTORIES) {
      java.nio.file.Files.createDirectories(Path.of(directory));
      kitDirectories.add(ObjectStorages.localAt("rck", directory));
    }
  }

  @AfterEach
  void forgetTheKitsDirectories() {
    ObjectStorageService storages = CDI.current().select(ObjectStorageService.class).get();
    kitDirectories.forEach(storage -> storages.delete(Organizations.DEFAULT_ID, storage.name));
  }

  @Test
  void passesTheConformanceKitOnALocalDiskWarehouse() {
    Warehouse warehouse = Warehouses.local("rck_local");

    NestedMavenSuite.Result result = run(warehouse, Map.of(), "rck-local");

    assertThat(result.failures()).as(result.toString()).isEmpty();
    assertThat(result.passed()).as(result.toString()).isGreaterThanOrEqualTo(147);
  }

  @Test
  void passesTheConformanceKitOnAnS3Warehouse() {
    Warehouse warehouse = Warehouses.s3("rck_s3");

    NestedMavenSuite.Result result = run(warehouse, S3ProxyResource.clientProperties(), "rck-s3");

    assertThat(result.failures())
        .as(result.toString())
        .extracting(NestedMavenSuite.TestOutcome::test)
        .containsOnly(LOCAL_ONLY_TEST);
    assertThat(result.passed()).as(result.toString()).isGreaterThanOrEqualTo(146);
  }

  private NestedMavenSuite.Result run(Warehouse warehouse, Map<String, String> clientProperties, String name) {
    Map<String, String> properties = new HashMap<>(clientProperties);
    properties.put("rck.requires-namespace-create", "true");
    properties.put("rck.supports-names-with-dot", "true");
    return NestedMavenSuite.run(
        POM,
        Map.of("CATALOG_URI", catalog.toString(), "CATALOG_WAREHOUSE", warehouse.name,
            "CATALOG_TOKEN", io.ailake.testing.TestTokens.defaultAdmin()),
        properties,
        Path.of("target", "nested-suites", name));
  }

}
