package io.ailake.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A webhook receiver on 127.0.0.1: it keeps every request it got, and answers the statuses it is told to (200
 * once they are used up); an answer of the form {@code 302 http://...} is a redirect there.
 */
public final class WebhookReceiver implements AutoCloseable {

  /** A request as received: its webhook headers and body. */
  public record Received(String id, String timestamp, String signature, String body, long receivedAtNanos) {}

  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Deque<String> answers = new ConcurrentLinkedDeque<>();
  private final java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(4);
  private volatile String always;

  public WebhookReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      var headers = exchange.getRequestHeaders();
      received.add(new Received(headers.getFirst("webhook-id"), headers.getFirst("webhook-timestamp"),
          headers.getFirst("webhook-signature"), new String(body, StandardCharsets.UTF_8), System.nanoTime()));
      String answer = answers.pollFirst();
      if (answer == null) {
        answer = always == null ? "200" : always;
      }
      String[] parts = answer.split(" ", 2);
      if (parts.length == 2) {
        exchange.getResponseHeaders().add("Location", parts[1]);
      }
      exchange.sendResponseHeaders(Integer.parseInt(parts[0]), -1);
      exchange.close();
    });
    server.setExecutor(threads);
    server.start();
  }

  /** Where it listens, with this path. */
  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** The next requests get these answers, in order. */
  public WebhookReceiver answer(String... statuses) {
    answers.addAll(List.of(statuses));
    return this;
  }

  /** Every request gets this answer (after the ones queued with {@link #answer}). */
  public WebhookReceiver always(String status) {
    always = status;
    return this;
  }

  public List<Received> received() {
    return new ArrayList<>(received);
  }

  /** The bodies received, as the test reads them. */
  public List<Map<String, Object>> bodies() {
    return received().stream().map(r -> io.restassured.path.json.JsonPath.from(r.body()).<String, Object>getMap(""))
        .toList();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
