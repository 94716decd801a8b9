package io.ailake.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.ailake.testing.AuthenticatedRestAssured;
import io.ailake.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The OAuth2 token endpoint refuses what it cannot exchange in OAuth2's own error format (RFC 6749 5.2,
 * RFC 8693 2.2.2), never with a 5xx: tokens of the external issuer, the server admin token, unknown
 * tokens and malformed forms.
 */
@QuarkusTest
class OAuthTokensTest {

  private static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
  private static final String ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";

  private static ValidatableResponse post(Map<String, String> form, String authorization) {
    var request = given().contentType(ContentType.URLENC).formParams(form);
    request = authorization == null
        ? request.header(AuthenticatedRestAssured.ANONYMOUS, "yes")
        : request.header("Authorization", authorization);
    return request.post("/iceberg/v1/oauth/tokens").then();
  }

  private static Map<String, String> exchange(String subjectToken) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", TOKEN_EXCHANGE);
    form.put("subject_token", subjectToken);
    form.put("subject_token_type", ACCESS_TOKEN);
    return form;
  }

  @Test
  void aTokenOfTheExternalIssuerIsNotExchangedButRefusedAsAnInvalidRequest() throws Exception {
    String jwt = ExternalIssuerTest.jwt(ExternalIssuerTest.ISSUER, "default", "manage", 300, ExternalIssuerTest.issuerKey());
    // as Iceberg's client refreshes a configured token: the token as subject and as Authorization
    post(exchange(jwt), TestTokens.bearer(jwt))
        .statusCode(400).contentType(ContentType.JSON)
        .body("error", equalTo("invalid_request"))
        .body("error_description", containsString("issuer"));
    post(exchange(jwt), null).statusCode(400).body("error", equalTo("invalid_request"));
    // the token itself still works where it is accepted
    given().header("Authorization", TestTokens.bearer(jwt)).get("/iceberg/v1/config").then().statusCode(200);
  }

  @Test
  void theServerAdminTokenAndUnknownTokensAreNotExchanged() {
    post(exchange(TestTokens.serverAdmin()), null)
        .statusCode(400).body("error", equalTo("invalid_request")).body("error_description", notNullValue());
    post(exchange("ail_no-such-token"), null)
        .statusCode(400).body("error", equalTo("invalid_request")).body("error_description", notNullValue());
  }

  @Test
  void anOwnTokenIsStillExchangedForAnAccessToken() {
    String access = post(exchange(TestTokens.defaultAdmin()), null)
        .statusCode(200).body("token_type", equalTo("bearer")).body("issued_token_type", equalTo(ACCESS_TOKEN))
        .extract().path("access_token");
    given().header("Authorization", TestTokens.bearer(access)).get("/iceberg/v1/config").then().statusCode(200);
  }

  @Test
  void malformedFormsAre400InTheOAuthErrorFormat() {
    List<Map<String, String>> forms = List.of(
        Map.of(),
        Map.of("client_id", "x", "client_secret", "y"),
        Map.of("grant_type", ""),
        Map.of("grant_type", "password", "username", "u", "password", "p"),
        Map.of("grant_type", "client_credentials\u0000"),
        Map.of("grant_type", "client_credentials"),
        Map.of("grant_type", "client_credentials", "client_id", "00000000-0000-0000-0000-000000000001"),
        Map.of("grant_type", "client_credentials", "client_secret", "s"),
        Map.of("grant_type", TOKEN_EXCHANGE),
        Map.of("grant_type", TOKEN_EXCHANGE, "subject_token", ""),
        Map.of("grant_type", TOKEN_EXCHANGE, "subject_token", "ail_\u0000x"),
        Map.of("grant_type", TOKEN_EXCHANGE, "subject_token", TestTokens.defaultAdmin(),
            "subject_token_type", "urn:ietf:params:oauth:token-type:saml2"));
    for (Map<String, String> form : forms) {
      post(form, null).statusCode(400).contentType(ContentType.JSON)
          .body("error", org.hamcrest.Matchers.oneOf("invalid_request", "unsupported_grant_type"))
          .body("error_description", notNullValue());
    }
  }

  @Test
  void aBodyThatIsNoFormIsRefusedNotAFault() {
    for (String[] body : new String[][] {
        {"application/x-www-form-urlencoded", "grant_type=%ZZ&client_id=%&client_secret=%00"},
        {"application/x-www-form-urlencoded", "grant_type=client_credentials&client_id=%C3%28&client_secret=x"},
        {"application/json", "{\"grant_type\": \"client_credentials\"}"},
        {"text/plain", "grant_type=client_credentials"}}) {
      int status = given().header(AuthenticatedRestAssured.ANONYMOUS, "yes").contentType(body[0]).body(body[1])
          .post("/iceberg/v1/oauth/tokens").then().extract().statusCode();
      org.assertj.core.api.Assertions.assertThat(status).as(body[0] + " " + body[1]).isBetween(400, 499);
    }
  }

  @Test
  void nulBytesInClientCredentialsAreAnUnknownClientNotAFault() {
    for (Map<String, String> form : List.of(
        Map.of("grant_type", "client_credentials", "client_id", "\u0000", "client_secret", "s"),
        Map.of("grant_type", "client_credentials", "client_id", "00000000-0000-0000-0000-000000000001",
            "client_secret", "s\u0000"))) {
      post(form, null).statusCode(401).body("error", equalTo("invalid_client"));
    }
  }
}
