package io.ailake.storage;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A refused storage's message says what failed in the operator's words, garbled by no secret. */
@QuarkusTest
class StorageProbeMessagesTest {

  @Test
  void aOneLetterSecretDoesNotMaskLettersOfTheMessage() throws Exception {
    Map<String, Object> body = ObjectStorageAdminResourceTest.s3(ObjectStorageAdminResourceTest.unique("shortsecret"));
    String endpoint = "http://127.0.0.1:" + ObjectStorageAdminResourceTest.closedPort();
    body.put("endpoint", endpoint);
    body.put("secretAccessKey", "b");

    ObjectStorageAdminResourceTest.problem(
            given().contentType(ContentType.JSON).body(body).post(ObjectStorageAdminResourceTest.PATH).then(), 400)
        .body("detail", containsString("endpoint " + endpoint + " is unreachable"))
        .body("detail", not(containsString("***")));
  }

  @Test
  void aSecretThatALibraryPutIntoItsMessageIsMaskedWhole() {
    String secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    assertThat(StorageProbe.withoutSecret("signing with " + secret + " failed", secret))
        .isEqualTo("signing with *** failed");
    assertThat(StorageProbe.withoutSecret("endpoint http://unreachable:9000 is unreachable", "b"))
        .isEqualTo("endpoint http://unreachable:9000 is unreachable");
  }
}
