package io.ailake.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ailake.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

@QuarkusTest
class FirstCredentialsTest {

  @Inject FirstCredentials firstCredentials;

  @Test
  void aFreshOrganizationGetsAPrintedAdminTokenAndSparkConfigurationOnce() {
    String id = given().header("Authorization", TestTokens.bearer(TestTokens.serverAdmin()))
        .contentType(ContentType.JSON).body(Map.of("name", "fresh_" + UUID.randomUUID().toString().substring(0, 8)))
        .post("/api/v1/admin/organizations").then().statusCode(201).extract().path("id");

    ByteArrayOutputStream first = new ByteArrayOutputStream();
    firstCredentials.firstStart(UUID.fromString(id), new PrintStream(first, true, StandardCharsets.UTF_8));
    String printed = first.toString(StandardCharsets.UTF_8);
    assertThat(printed).contains("spark.sql.catalog.lake.type=rest", "spark.sql.catalog.lake.uri=http://localhost:");
    Matcher credential = Pattern.compile("credential=([0-9a-f-]{36}):(\\S+)").matcher(printed);
    assertThat(credential.find()).isTrue();

    // the printed credential works, through the OAuth2 endpoint as Spark would use it
    String access = given().contentType(ContentType.URLENC).formParam("grant_type", "client_credentials")
        .formParam("client_id", credential.group(1)).formParam("client_secret", credential.group(2))
        .post("/iceberg/v1/oauth/tokens").then().statusCode(200).extract().path("access_token");
    given().header("Authorization", TestTokens.bearer(access)).get("/api/v1/admin/objectStorages")
        .then().statusCode(200);

    ByteArrayOutputStream again = new ByteArrayOutputStream();
    firstCredentials.firstStart(UUID.fromString(id), new PrintStream(again, true, StandardCharsets.UTF_8));
    assertThat(again.toString(StandardCharsets.UTF_8)).as("never again").isEmpty();
  }
}
