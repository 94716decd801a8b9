package io.ailake.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Organizations of their own, for tests of what one organization sees of another. */
public final class TestOrganizations {

  private static final String ORGANIZATIONS = "/api/v1/admin/organizations";

  /** An organization and a token of each role (secrets), with the ids of the manage and read tokens. */
  public record Org(String id, String admin, String manage, String read, String manageId, String readId) {}

  private TestOrganizations() {}

  /** A new organization with one token of each role, made by the server admin. */
  public static Org create() {
    String name = "org_" + UUID.randomUUID().toString().substring(0, 8);
    String id = given().header("Authorization", TestTokens.bearer(TestTokens.serverAdmin()))
        .contentType(ContentType.JSON).body(Map.of("name", name)).post(ORGANIZATIONS)
        .then().statusCode(201).body("name", equalTo(name)).extract().path("id");
    Map<String, String> secrets = new HashMap<>();
    Map<String, String> ids = new HashMap<>();
    for (String role : List.of("admin", "manage", "read")) {
      Response created = given().header("Authorization", TestTokens.bearer(TestTokens.serverAdmin()))
          .contentType(ContentType.JSON).body(Map.of("name", role + "-token", "role", role))
          .post(ORGANIZATIONS + "/" + id + "/tokens");
      created.then().statusCode(201).body("role", equalTo(role));
      secrets.put(role, created.path("token"));
      ids.put(role, created.path("id"));
    }
    return new Org(id, secrets.get("admin"), secrets.get("manage"), secrets.get("read"), ids.get("manage"),
        ids.get("read"));
  }
}
