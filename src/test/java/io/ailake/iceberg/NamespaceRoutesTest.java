package io.ailake.iceberg;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.ailake.testing.Warehouses;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class NamespaceRoutesTest {

  private String base;

  @BeforeEach
  void freshWarehouse() {
    base = "/iceberg/v1/" + Warehouses.local("ns_routes").name;
  }

  @Test
  void configAnswersThePrefixAndEveryServedEndpoint() {
    given().queryParam("warehouse", base.substring(base.lastIndexOf('/') + 1))
        .get("/iceberg/v1/config")
        .then()
        .statusCode(200)
        .body("overrides.prefix", equalTo(base.substring(base.lastIndexOf('/') + 1)))
        .body("overrides.namespace-separator", equalTo("%1F"))
        .body("endpoints", org.hamcrest.Matchers.hasItems(
            "GET /v1/{prefix}/namespaces/{namespace}/views",
            "HEAD /v1/{prefix}/namespaces/{namespace}/tables/{table}",
            "POST /v1/{prefix}/transactions/commit"));
  }

  @Test
  void configWithoutAWarehouseNamesTheDefaultOne() {
    given().get("/iceberg/v1/config").then().statusCode(200).body("overrides.prefix", equalTo("lake"));
  }

  @Test
  void anUnknownWarehouseIsNoSuchWarehouse() {
    given().queryParam("warehouse", "nope")
        .get("/iceberg/v1/config")
        .then()
        .statusCode(404)
        .body("error.type", equalTo("NoSuchWarehouseException"))
        .body("error.code", equalTo(404))
        .body("error.message", equalTo("Warehouse does not exist: nope"));
    given().get("/iceberg/v1/nope/namespaces").then().statusCode(404);
  }

  @Test
  void nestedNamespacesAreListedUnderTheirParentWithTheUnitSeparator() {
    create("[\"a\"]");
    create("[\"a\",\"b\"]");
    create("[\"a\",\"c\"]");
    create("[\"a\",\"b\",\"d\"]");

    given().get(base + "/namespaces").then().statusCode(200).body("namespaces", contains(List.of("a")));
    given().urlEncodingEnabled(false).get(base + "/namespaces?parent=a")
        .then().statusCode(200)
        .body("namespaces", contains(List.of("a", "b"), List.of("a", "c")));
    given().urlEncodingEnabled(false).get(base + "/namespaces?parent=a%1Fb")
        .then().statusCode(200)
        .body("namespaces", contains(List.of("a", "b", "d")));
    given().urlEncodingEnabled(false).get(base + "/namespaces/a%1Fb%1Fd")
        .then().statusCode(200)
        .body("namespace", contains("a", "b", "d"));
    given().urlEncodingEnabled(false).head(base + "/namespaces/a%1Fb").then().statusCode(204);
  }

  @Test
  void aChildNeedsItsParentAndAParentWithChildrenCannotBeDropped() {
    given().contentType(ContentType.JSON).body("{\"namespace\":[\"p\",\"q\"]}")
        .post(base + "/namespaces")
        .then().statusCode(404)
        .body("error.type", equalTo("NoSuchNamespaceException"));
    create("[\"p\"]");
    create("[\"p\",\"q\"]");

    given().delete(base + "/namespaces/p")
        .then().statusCode(409)
        .body("error.type", equalTo("NamespaceNotEmptyException"))
        .body("error.message", containsString("is not empty"));
    given().urlEncodingEnabled(false).delete(base + "/namespaces/p%1Fq").then().statusCode(204);
    given().delete(base + "/namespaces/p").then().statusCode(204);
    given().get(base + "/namespaces/p").then().statusCode(404)
        .body("error.message", equalTo("Namespace does not exist: p"));
  }

  @Test
  void listingUnderAMissingParentIs404() {
    given().get(base + "/namespaces?parent=ghost")
        .then().statusCode(404).body("error.type", equalTo("NoSuchNamespaceException"));
  }

  @Test
  void creatingAnExistingNamespaceIs409() {
    create("[\"dup\"]");
    given().contentType(ContentType.JSON).body("{\"namespace\":[\"dup\"]}")
        .post(base + "/namespaces")
        .then().statusCode(409)
        .body("error.type", equalTo("AlreadyExistsException"))
        .body("error.message", equalTo("Namespace already exists: dup"));
  }

  @Test
  void propertiesAreSetRemovedAndReportedMissing() {
    given().contentType(ContentType.JSON)
        .body("{\"namespace\":[\"props\"],\"properties\":{\"owner\":\"ann\",\"tier\":\"gold\"}}")
        .post(base + "/namespaces").then().statusCode(200);

    given().contentType(ContentType.JSON)
        .body("{\"removals\":[\"tier\",\"absent\"],\"updates\":{\"owner\":\"bob\",\"team\":\"x\"}}")
        .post(base + "/namespaces/props/properties")
        .then().statusCode(200)
        .body("removed", contains("tier"))
        .body("missing", contains("absent"))
        .body("updated", org.hamcrest.Matchers.containsInAnyOrder("owner", "team"));
    given().get(base + "/namespaces/props").then().statusCode(200)
        .body("properties.owner", equalTo("bob"))
        .body("properties.team", equalTo("x"))
        .body("properties.tier", nullValue());

    given().contentType(ContentType.JSON)
        .body("{\"removals\":[\"owner\"],\"updates\":{\"owner\":\"eve\"}}")
        .post(base + "/namespaces/props/properties")
        .then().statusCode(422).body("error.type", equalTo("UnprocessableEntityException"));
  }

  @Test
  void pagesVisitEveryNamespaceOnceEvenWhenRowsAreAddedBetweenPages() {
    for (String name : List.of("n1", "n3", "n5", "n7", "n9")) {
      create("[\"" + name + "\"]");
    }
    List<String> seen = new ArrayList<>();
    JsonPath page = given().get(base + "/namespaces?pageToken=&pageSize=2").then().statusCode(200).extract().jsonPath();
    seen.addAll(names(page));
    create("[\"n0\"]"); // sorts before the cursor: must not shift later pages
    create("[\"n8\"]"); // after the cursor: must be seen
    String token = page.getString("next-page-token");
    while (token != null) {
      page = given().queryParam("pageToken", token).queryParam("pageSize", 2)
          .get(base + "/namespaces").then().statusCode(200).extract().jsonPath();
      seen.addAll(names(page));
      token = page.getString("next-page-token");
    }

    assertThat(seen).containsExactly("n1", "n3", "n5", "n7", "n8", "n9");
    assertThat(names(given().get(base + "/namespaces").then().extract().jsonPath()))
        .as("no pageToken: the whole list")
        .containsExactly("n0", "n1", "n3", "n5", "n7", "n8", "n9");
  }

  @Test
  void badPagingParametersAre400() {
    given().get(base + "/namespaces?pageToken=&pageSize=zero").then().statusCode(400)
        .body("error.message", containsString("pageSize"));
    given().get(base + "/namespaces?pageToken=&pageSize=0").then().statusCode(400);
    given().get(base + "/namespaces?pageToken=***").then().statusCode(400)
        .body("error.message", containsString("pageToken"));
  }

  @Test
  void malformedOrMistypedBodiesAre400() {
    given().contentType(ContentType.JSON).body("{\"namespace\":").post(base + "/namespaces")
        .then().statusCode(400).body("error.type", equalTo("BadRequestException"));
    given().contentType(ContentType.JSON).body("{\"namespace\":\"flat\"}").post(base + "/namespaces")
        .then().statusCode(400);
    given().contentType(ContentType.JSON).body("{\"namespace\":[\"ok\"],\"properties\":[1,2]}")
        .post(base + "/namespaces").then().statusCode(400);
    given().contentType(ContentType.JSON).body("").post(base + "/namespaces").then().statusCode(400);
    given().contentType(ContentType.JSON).body("{\"namespace\":[]}").post(base + "/namespaces")
        .then().statusCode(400);
  }

  private void create(String levels) {
    given().contentType(ContentType.JSON).body("{\"namespace\":" + levels + "}")
        .post(base + "/namespaces").then().statusCode(200);
  }

  private static List<String> names(JsonPath page) {
    List<List<String>> namespaces = page.getList("namespaces");
    return namespaces.stream().map(levels -> String.join(".", levels)).toList();
  }
}
