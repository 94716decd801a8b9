package io.ailake.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ailake.api.Sha256;
import io.ailake.organization.Organizations;
import io.ailake.testing.AuthenticatedRestAssured;
import io.ailake.testing.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A copy of the database does not give away a token's bare SHA-256 (which would let a guess of a
 * configured, low-entropy token be tested offline); tokens stored that way before still work.
 */
@QuarkusTest
class TokenHashingTest {

  @Inject Tokens tokens;
  @Inject EntityManager entityManager;

  private String storedHash(String sql, Object parameter) {
    return QuarkusTransaction.requiringNew().call(() -> (String) entityManager.createNativeQuery(sql)
        .setParameter(1, parameter).getSingleResult());
  }

  private List<?> rowsHashed(String hash) {
    return QuarkusTransaction.requiringNew().call(() -> entityManager
        .createNativeQuery("SELECT 1 FROM api_token WHERE secret_hash = ?1 UNION ALL SELECT 1 FROM access_token WHERE token_hash = ?1")
        .setParameter(1, hash).getResultList());
  }

  @Test
  void noStoredTokenIsItsBareSha256() {
    Tokens.Issued created = tokens.create(Organizations.DEFAULT_ID, "hashing-" + UUID.randomUUID(), Role.READ);
    String stored = storedHash("SELECT secret_hash FROM api_token WHERE id = ?1", UUID.fromString(created.id()));
    assertThat(stored).doesNotContain(Sha256.hex(created.token())).startsWith(TokenHashes.KEYED);

    String access = given().header(AuthenticatedRestAssured.ANONYMOUS, "yes").contentType(ContentType.URLENC)
        .formParam("grant_type", "client_credentials").formParam("client_id", created.id())
        .formParam("client_secret", created.token()).post("/iceberg/v1/oauth/tokens")
        .then().statusCode(200).extract().path("access_token");
    given().header("Authorization", TestTokens.bearer(access)).get("/iceberg/v1/config").then().statusCode(200);

    // the configured bootstrap token, the one most likely to be guessable, included
    for (String secret : List.of(created.token(), access, TestTokens.defaultAdmin())) {
      assertThat(rowsHashed(Sha256.hex(secret))).as("rows holding SHA-256 of a secret").isEmpty();
    }
    assertThat(rowsHashed(TokenHashes.legacy(TestTokens.defaultAdmin()))).isEmpty();
  }

  @Test
  void aTokenStoredAsABareSha256BeforeStillAuthenticatesAndIsRewrittenKeyed() {
    String secret = "ail_legacy-" + UUID.randomUUID();
    UUID id = legacyToken(secret);

    given().header("Authorization", TestTokens.bearer(secret)).get("/api/v1/ailake/database/instances")
        .then().statusCode(200);

    String stored = storedHash("SELECT secret_hash FROM api_token WHERE id = ?1", id);
    assertThat(stored).startsWith(TokenHashes.KEYED).doesNotContain(Sha256.hex(secret));
    given().header("Authorization", TestTokens.bearer(secret)).get("/api/v1/ailake/database/instances")
        .then().statusCode(200);
  }

  @Test
  void aTokenStoredAsABareSha256BeforeStillBuysAccessTokens() {
    String secret = "ail_legacy-" + UUID.randomUUID();
    UUID id = legacyToken(secret);

    given().header(AuthenticatedRestAssured.ANONYMOUS, "yes").contentType(ContentType.URLENC)
        .formParam("grant_type", "client_credentials").formParam("client_id", id.toString())
        .formParam("client_secret", secret).post("/iceberg/v1/oauth/tokens")
        .then().statusCode(200);
    assertThat(storedHash("SELECT secret_hash FROM api_token WHERE id = ?1", id)).startsWith(TokenHashes.KEYED);
  }

  @Test
  void aConfiguredTokenShorterThan24CharactersStopsTheStart() {
    assertThatThrownBy(() -> FirstCredentials.requireLongEnough("ailake.admin-token (AILAKE_ADMIN_TOKEN)",
            Optional.of("letmein-admin")))
        .isInstanceOf(FirstCredentials.ConfiguredTokenTooShortException.class)
        .hasMessageContaining("AILAKE_ADMIN_TOKEN")
        .hasMessageContaining("at least 24")
        .hasMessageNotContaining("letmein");
    FirstCredentials.requireLongEnough("ailake.bootstrap-token", Optional.of(TestTokens.defaultAdmin()));
    FirstCredentials.requireLongEnough("ailake.bootstrap-token", Optional.empty());
  }

  /** A read token stored as an earlier release stored it: the bare SHA-256 of its secret; its id. */
  private UUID legacyToken(String secret) {
    UUID id = UUID.randomUUID();
    QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery(
            "INSERT INTO api_token (id, organization_id, name, role, secret_hash) VALUES (?1, ?2, ?3, 'read', ?4)")
        .setParameter(1, id).setParameter(2, Organizations.DEFAULT_ID).setParameter(3, "legacy-" + id)
        .setParameter(4, Sha256.hex(secret)).executeUpdate());
    return id;
  }
}
