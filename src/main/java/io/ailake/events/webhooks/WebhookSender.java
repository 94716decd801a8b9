package io.ailake.events.webhooks;

import io.ailake.AilakeConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends one delivery attempt: a POST to the address {@link WebhookAddresses} checked (the URL's host stays the
 * Host header and the TLS server name), following at most {@value #MAX_REDIRECTS} redirects, each checked
 * again. The whole attempt, redirects included, ends within {@code ailake.webhooks.timeout}.
 */
@ApplicationScoped
public class WebhookSender {

  static final int MAX_REDIRECTS = 3;

  /** How an attempt ended: the status the receiver answered (null when none did), how long it took, and why it failed. */
  public record Outcome(Integer statusCode, long latencyMs, String error) {
    public boolean succeeded() {
      return error == null;
    }
  }

  private final WebhookAddresses addresses;
  private final Duration timeout;
  private final HttpClient client;

  WebhookSender(Vertx vertx, WebhookAddresses addresses, AilakeConfig config) {
    this.addresses = addresses;
    this.timeout = config.webhooks().timeout();
    this.client = vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
        .setVerifyHost(true)
        .setMaxPoolSize(64)
        .setKeepAliveTimeout(30));
  }

  @PreDestroy
  void close() {
    client.close();
  }

  /** POSTs {@code body} with {@code headers} to {@code url}; a 2xx answer is a success. */
  public Outcome send(String url, Map<String, String> headers, String body) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    String location = url;
    Integer status = null;
    try {
      for (int redirects = 0; ; redirects++) {
        WebhookAddresses.Target target = addresses.check(location);
        Answer answer = post(target, headers, body, deadline);
        status = answer.status();
        if (status >= 200 && status < 300) {
          return new Outcome(status, millisSince(start), null);
        }
        if (!redirect(status)) {
          return new Outcome(status, millisSince(start), "The receiver answered " + status);
        }
        if (answer.location() == null) {
          return new Outcome(status, millisSince(start), "The receiver answered " + status + " without a Location");
        }
        if (redirects == MAX_REDIRECTS) {
          return new Outcome(status, millisSince(start), "More than " + MAX_REDIRECTS + " redirects");
        }
        location = target.url().resolve(answer.location()).toString();
      }
    } catch (WebhookAddresses.RefusedUrlException e) {
      String where = location.equals(url) ? "" : "Redirected to " + shorten(location) + ": ";
      return new Outcome(status, millisSince(start), where + e.getMessage());
    } catch (TimeoutException e) {
      return new Outcome(null, millisSince(start), "No answer within " + timeout.toMillis() + " ms");
    } catch (IllegalArgumentException e) {
      return new Outcome(status, millisSince(start), "Cannot follow the redirect to " + shorten(location));
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return new Outcome(null, millisSince(start), "Cannot reach the receiver: " + describe(cause));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(null, millisSince(start), "Interrupted (the service is stopping)");
    }
  }

  private record Answer(int status, String location) {}

  private Answer post(WebhookAddresses.Target target, Map<String, String> headers, String body, long deadline)
      throws ExecutionException, InterruptedException, TimeoutException {
    long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(target.address(), target.port())))
        .setHost(target.host())
        .setPort(target.port())
        .setSsl(target.https())
        .setURI(target.pathAndQuery())
        .setFollowRedirects(false)
        .setIdleTimeout(left);
    headers.forEach(options::putHeader);
    options.putHeader("content-type", "application/json");
    options.putHeader("user-agent", "ailake-webhooks");
    AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
    Future<Answer> answer = client.request(options).compose(request -> {
      sent.set(request);
      return request.send(Buffer.buffer(body));
    }).compose(response -> response.end()
        .map(done -> new Answer(response.statusCode(), response.getHeader("location"))));
    CompletableFuture<Answer> result = answer.toCompletionStage().toCompletableFuture();
    try {
      return result.get(left, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      HttpClientRequest request = sent.get();
      if (request != null) {
        request.reset();
      }
      throw e;
    }
  }

  private static boolean redirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    return message == null || message.isBlank() ? cause.getClass().getSimpleName() : shorten(message);
  }

  private static long millisSince(long start) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  private static String shorten(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }

}
