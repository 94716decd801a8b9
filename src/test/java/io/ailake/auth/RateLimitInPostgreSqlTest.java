package io.ailake.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.ailake.testing.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code ailake.rate-limit.store=postgres} as an operator sets it: the same headers and 429 as the
 * in-memory store, from buckets that live in PostgreSQL (so every replica shares them).
 */
@QuarkusTest
@TestProfile(RateLimitInPostgreSqlTest.SharedBuckets.class)
class RateLimitInPostgreSqlTest {

  /** An organization of its own, so this class does not depend on which other class made "limited". */
  static final String ORGANIZATION = "limited_shared";

  public static class SharedBuckets implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "ailake.rate-limit.store", "postgres",
          "ailake.rate-limit.organizations." + ORGANIZATION + ".burst", "3",
          "ailake.rate-limit.organizations." + ORGANIZATION + ".requests-per-second", "0.05");
    }
  }

  @Inject EntityManager entityManager;

  @Test
  void everyResponseCarriesTheLimitAndPastItTheAnswerIs429FromTheSharedBucket() {
    String orgId = given().header("Authorization", TestTokens.bearer(TestTokens.serverAdmin()))
        .contentType(ContentType.JSON).body(Map.of("name", ORGANIZATION)).post(RateLimitAndAuditTest.ORGANIZATIONS)
        .then().statusCode(201).extract().path("id");
    Response issued = given().header("Authorization", TestTokens.bearer(TestTokens.serverAdmin()))
        .contentType(ContentType.JSON).body(Map.of("name", "busy", "role", "read"))
        .post(RateLimitAndAuditTest.ORGANIZATIONS + "/" + orgId + "/tokens");
    issued.then().statusCode(201);
    String token = issued.path("token");
    String tokenId = issued.path("id");

    // the bucket holds 3 (configuration), refilled every 20 s
    RateLimitAndAuditTest.emptiesABucketOfThree(token);

    // the bucket is a row of PostgreSQL, empty, not a map of this replica
    List<?> tokens = QuarkusTransaction.requiringNew().call(() -> entityManager
        .createNativeQuery("SELECT tokens FROM rate_limit_bucket WHERE bucket_key = ?1")
        .setParameter(1, tokenId).getResultList());
    assertThat(tokens).singleElement()
        .satisfies(left -> assertThat(((Number) left).doubleValue()).isLessThan(1));

    // other tokens have their own buckets, with the server-wide limits
    given().get("/api/v1/ailake/database/instances").then().statusCode(200).header("X-RateLimit-Limit", "400");
  }
}
