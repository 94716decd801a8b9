package io.ailake.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.ailake.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** JWTs of the configured OpenID Connect issuer (see the %test entries): organization and role from claims. */
@QuarkusTest
class ExternalIssuerTest {

  static final String ISSUER = "https://issuer.ailake.test";

  static String jwt(String issuer, String organization, String role, long expiresIn, PrivateKey key) {
    return Jwt.issuer(issuer).subject("alice@example.com")
        .claim("org", organization).claim("ailake_role", role)
        .expiresIn(expiresIn).sign(key);
  }

  static PrivateKey issuerKey() throws Exception {
    return KeyUtils.readPrivateKey("oidc/privateKey.pem");
  }

  @Test
  void theIssuersTokensCarryTheirOrganizationAndRole() throws Exception {
    String reader = TestTokens.bearer(jwt(ISSUER, "default", "read", 300, issuerKey()));
    given().header("Authorization", reader).get("/api/v1/ailake/database/instances")
        .then().statusCode(200).body("databases.name", org.hamcrest.Matchers.hasItem("lake"));
    given().header("Authorization", reader).contentType(ContentType.JSON)
        .body(Map.of("namespace", List.of("jwt_denied"))).post("/iceberg/v1/lake/namespaces")
        .then().statusCode(403);

    String manager = TestTokens.bearer(jwt(ISSUER, "00000000-0000-0000-0000-000000000001", "manage", 300, issuerKey()));
    String namespace = "jwt_" + UUID.randomUUID().toString().substring(0, 8);
    given().header("Authorization", manager).contentType(ContentType.JSON)
        .body(Map.of("namespace", List.of(namespace))).post("/iceberg/v1/lake/namespaces")
        .then().statusCode(200);
    given().header("Authorization", manager).get("/api/v1/admin/objectStorages").then().statusCode(403);
  }

  @Test
  void tokensTheIssuerDidNotSignOrThatExpiredOrNameNoOrganizationAre401() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    PrivateKey stranger = generator.generateKeyPair().getPrivate();
    for (String token : List.of(
        jwt(ISSUER, "default", "admin", 300, stranger),
        jwt("https://elsewhere.test", "default", "admin", 300, issuerKey()),
        jwt(ISSUER, "default", "admin", -60, issuerKey()),
        jwt(ISSUER, "no-such-organization", "admin", 300, issuerKey()),
        jwt(ISSUER, "default", "superuser", 300, issuerKey()))) {
      given().header("Authorization", TestTokens.bearer(token)).get("/iceberg/v1/config")
          .then().statusCode(401).body("error.code", equalTo(401));
    }
  }
}
