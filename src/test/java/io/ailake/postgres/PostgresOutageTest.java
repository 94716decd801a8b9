package io.ailake.postgres;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import io.ailake.postgres.EmbeddedPostgresLauncher.StopMode;
import io.ailake.postgres.EmbeddedPostgresLauncher.StoppedServer;
import io.ailake.testing.AuthenticatedRestAssured;
import io.ailake.testing.Eventually;
import io.ailake.testing.PostgresResource;
import io.ailake.testing.TestTokens;
import io.ailake.testing.Warehouses;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * PostgreSQL stopped and started again under requests, as an operator's restart or a crash would: every
 * answer meanwhile is a 503 with Retry-After in its API family's format (never a 500), readiness is down
 * while it is gone, and afterwards requests succeed again and every acknowledged change is there.
 */
@QuarkusTest
class PostgresOutageTest {

  private static final Duration RECOVERY = Duration.ofSeconds(60);

  @ParameterizedTest
  @EnumSource(StopMode.class)
  void restartUnderLoadAnswers503ThenRecoversWithEveryAcknowledgedChange(StopMode mode) throws Exception {
    String warehouse = Warehouses.local("outage_" + mode.name().toLowerCase()).name;
    String namespaces = "/iceberg/v1/" + warehouse + "/namespaces";
    String instances = "/api/v1/ailake/database/instances";
    given().get(instances).then().statusCode(200);

    Load load = new Load(namespaces, instances);
    load.start(4);
    StoppedServer stopped = null;
    try {
      load.awaitAcknowledged(20);
      stopped = EmbeddedPostgresLauncher.stopServer(PostgresResource.DATA_DIR, mode);
      int before = load.answers.size();
      Eventually.within(Duration.ofSeconds(30), () -> assertThat(load.answers.size()).isGreaterThan(before + 20));

      given().contentType(ContentType.JSON).body("{\"namespace\":[\"while_down\"]}").post(namespaces)
          .then().statusCode(503)
          .header("Retry-After", notNullValue())
          .contentType(ContentType.JSON)
          .body("error.type", equalTo("ServiceUnavailableException"))
          .body("error.code", equalTo(503));
      given().get(instances)
          .then().statusCode(503)
          .header("Retry-After", notNullValue())
          .contentType(startsWith("application/problem+json"))
          .body("status", equalTo(503))
          .body("title", equalTo("Service Unavailable"));
      // a token the service has not seen yet cannot be looked up: neither 401 nor 500
      String unseen = "Bearer unseen-" + java.util.UUID.randomUUID();
      given().header("Authorization", unseen).get(namespaces)
          .then().statusCode(503).header("Retry-After", notNullValue())
          .body("error.type", equalTo("ServiceUnavailableException"));
      given().header("Authorization", unseen).get(instances)
          .then().statusCode(503).header("Retry-After", notNullValue())
          .contentType(startsWith("application/problem+json"));
      given().header(AuthenticatedRestAssured.ANONYMOUS, "yes").get("/q/health/ready")
          .then().statusCode(503).body("status", equalTo("DOWN"));
    } finally {
      if (stopped != null) {
        stopped.start();
      }
    }
    try {
      Eventually.within(RECOVERY, () -> given().header(AuthenticatedRestAssured.ANONYMOUS, "yes")
          .get("/q/health/ready").then().statusCode(200));
      Eventually.within(RECOVERY, () -> {
        given().get(instances).then().statusCode(200);
        given().get(namespaces).then().statusCode(200);
      });
      int afterRecovery = load.okSince();
      Eventually.within(RECOVERY, () -> assertThat(load.okSince()).isGreaterThan(afterRecovery + 20));
    } finally {
      load.stop();
    }

    System.out.printf("PostgreSQL %s restart under load: answers by family and status %s%n", mode,
        load.answers.stream().collect(java.util.stream.Collectors.groupingBy(
            a -> a.route() + " " + a.status(), java.util.TreeMap::new, java.util.stream.Collectors.counting())));
    assertThat(load.answers).as("statuses answered under the restart").allMatch(a -> a.status() < 500 || a.status() == 503);
    assertThat(load.answers).filteredOn(a -> a.status() == 503).allMatch(Answer::retryAfter);
    assertThat(load.answers).filteredOn(a -> a.status() == 503).isNotEmpty();
    Set<String> listed = Set.copyOf(given().get(namespaces).then().statusCode(200)
        .extract().jsonPath().getList("namespaces.flatten()", String.class));
    assertThat(listed).as("namespaces acknowledged with 200").containsAll(load.acknowledged);
  }

  record Answer(String route, int status, boolean retryAfter) {}

  /** Creates namespaces on the Iceberg routes and lists database instances on the AI Lake routes, nonstop. */
  private static final class Load {
    final String namespaces;
    final String instances;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final List<Answer> answers = new CopyOnWriteArrayList<>();
    final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    final AtomicBoolean running = new AtomicBoolean(true);
    final AtomicInteger sequence = new AtomicInteger();
    final AtomicInteger ok = new AtomicInteger();
    ExecutorService threads;

    Load(String namespaces, String instances) {
      this.namespaces = namespaces;
      this.instances = instances;
    }

    void start(int count) {
      threads = Executors.newFixedThreadPool(count);
      for (int i = 0; i < count; i++) {
        boolean iceberg = i % 2 == 0;
        threads.submit(() -> {
          while (running.get()) {
            send(iceberg);
          }
          return null;
        });
      }
    }

    private void send(boolean iceberg) {
      String base = "http://localhost:" + RestAssured.port;
      HttpRequest.Builder request = HttpRequest.newBuilder()
          .timeout(Duration.ofSeconds(60))
          .header("Authorization", TestTokens.bearer(TestTokens.defaultAdmin()));
      String name = "n" + sequence.incrementAndGet();
      if (iceberg) {
        request.uri(URI.create(base + namespaces)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"namespace\":[\"" + name + "\"]}"));
      } else {
        request.uri(URI.create(base + instances)).GET();
      }
      try {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        answers.add(new Answer(iceberg ? "iceberg" : "api", response.statusCode(),
            response.headers().firstValue("Retry-After").isPresent()));
        if (response.statusCode() == 200) {
          ok.incrementAndGet();
          if (iceberg) {
            acknowledged.add(name);
          }
        }
      } catch (java.io.IOException e) {
        answers.add(new Answer(iceberg ? "iceberg" : "api", 0, false));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running.set(false);
      }
    }

    void awaitAcknowledged(int count) {
      Eventually.within(Duration.ofSeconds(30), () -> assertThat(acknowledged.size()).isGreaterThanOrEqualTo(count));
    }

    int okSince() {
      return ok.get();
    }

    void stop() throws InterruptedException {
      running.set(false);
      threads.shutdown();
      assertThat(threads.awaitTermination(90, TimeUnit.SECONDS)).isTrue();
    }
  }

}
