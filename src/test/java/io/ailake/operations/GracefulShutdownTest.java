package io.ailake.operations;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A shutdown as SIGTERM starts it (the same stop sequence; Quarkus.asyncExit instead of the signal, as the
 * service runs in this JVM): readiness is DOWN at once while the service still serves (the delay), a
 * request in flight completes, and the service exits with 0.
 */
@QuarkusMainTest
@TestProfile(GracefulShutdownTest.Draining.class)
class GracefulShutdownTest {

  private static final String DATA_DIR = "target/shutdown-test-data";
  private static final String PORT_PROPERTY = "shutdown-probe.port";

  /** One port for the profile and the test, whichever class loader asks: a JVM-wide property holds it. */
  static synchronized int port() {
    String port = System.getProperty(PORT_PROPERTY);
    if (port == null) {
      try (ServerSocket socket = new ServerSocket(0)) {
        port = String.valueOf(socket.getLocalPort());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      System.setProperty(PORT_PROPERTY, port);
    }
    return Integer.parseInt(port);
  }

  public static class Draining implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "quarkus.http.test-port", String.valueOf(port()),
          // the time a load balancer gets to notice; the wait for requests in flight is the service's own
          "quarkus.shutdown.delay", "3s",
          "shutdown-probe.enabled", "true");
    }
  }

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void shutdownTakesReadinessDownFirstAndFinishesTheRequestsInFlight(QuarkusMainLauncher launcher) throws Exception {
    // the service's main starts its embedded PostgreSQL, as on a first run, under a data directory of
    // this test's; what it leaves in system properties must not reach the test classes after this one
    System.setProperty("ailake.data-dir", DATA_DIR);
    CompletableFuture<LaunchResult> service;
    try {
      service = CompletableFuture.supplyAsync(() -> launcher.launch());
      awaitStatus("/q/health/ready", 200, service);
    } finally {
      for (String property : List.of("ailake.data-dir", "quarkus.datasource.jdbc.url", "quarkus.datasource.username",
          io.ailake.AilakeMain.EMBEDDED)) {
        System.clearProperty(property);
      }
    }

    CompletableFuture<HttpResponse<String>> slow =
        http.sendAsync(get("/test/shutdown/slow?millis=5000"), HttpResponse.BodyHandlers.ofString());
    awaitBody("/test/shutdown/in-flight", "1", service);

    HttpResponse<String> exit = http.send(
        HttpRequest.newBuilder(uri("/test/shutdown/exit")).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(exit.statusCode()).isEqualTo(204);
    HttpResponse<String> ready = awaitStatus("/q/health/ready", 503, service);
    assertThat(ready.body()).contains("\"status\": \"DOWN\"");
    assertThat(slow.isDone()).as("readiness went down while the request was still in flight").isFalse();

    HttpResponse<String> finished = slow.get(60, TimeUnit.SECONDS);
    assertThat(finished.statusCode()).isEqualTo(200);
    assertThat(finished.body()).isEqualTo("finished");
    LaunchResult result = service.get(60, TimeUnit.SECONDS);
    assertThat(result.exitCode()).isEqualTo(0);
  }

  private HttpResponse<String> awaitStatus(String path, int status, CompletableFuture<LaunchResult> service)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      assertThat(service.isDone()).as("the service is still running").isFalse();
      try {
        HttpResponse<String> response = http.send(get(path), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == status) {
          return response;
        }
      } catch (IOException notListeningYet) {
        // the service is still starting
      }
      assertThat(System.nanoTime()).as(path + " answering " + status).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private void awaitBody(String path, String body, CompletableFuture<LaunchResult> service) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!body.equals(awaitStatus(path, 200, service).body())) {
      assertThat(System.nanoTime()).as(path + " answering " + body).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static HttpRequest get(String path) {
    return HttpRequest.newBuilder(uri(path)).GET().build();
  }

  private static URI uri(String path) {
    return URI.create("http://localhost:" + port() + path);
  }
}
