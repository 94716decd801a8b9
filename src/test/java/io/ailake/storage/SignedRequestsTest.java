package io.ailake.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The catalog's own PUT, HEAD and GET: accepted by a store that verifies their signatures (S3Proxy, with
 * its own keys: not the one the Quarkus tests share), addressed as the storage says, retried on the
 * store's transient faults and not on its refusals, and never telling the secret.
 */
class SignedRequestsTest {

  private static final Credentials KEYS = new Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T03:04:05Z"), ZoneOffset.UTC);
  private static final SignedRequests.Limits QUICK = new SignedRequests.Limits(2, 1, 2_000, 2_000);
  private static final String BUCKET = "lake";

  private static BlobStoreContext blobs;
  private static S3Proxy s3;
  private static URI s3Endpoint;
  private HttpServer server;

  @BeforeAll
  static void startS3Proxy() throws Exception {
    blobs = ContextBuilder.newBuilder("transient").credentials("identity", "credential").build(BlobStoreContext.class);
    blobs.getBlobStore().createContainerInLocation(null, BUCKET);
    try (ServerSocket socket = new ServerSocket(0)) {
      s3Endpoint = URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }
    s3 = S3Proxy.builder().blobStore(blobs.getBlobStore()).endpoint(s3Endpoint)
        .awsAuthentication(AuthenticationType.AWS_V4, KEYS.accessKeyId(), KEYS.secretAccessKey())
        .build();
    s3.start();
    while (!s3.getState().equals("STARTED")) {
      Thread.sleep(10);
    }
  }

  @AfterAll
  static void stopS3Proxy() throws Exception {
    if (s3 != null) {
      s3.stop();
    }
    if (blobs != null) {
      blobs.close();
    }
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  /** Requests to S3Proxy, signed now: it refuses a signature more than 15 minutes off its clock. */
  private static SignedRequests s3Proxy(Credentials keys) {
    return new SignedRequests(s3Endpoint, "us-east-1", true, keys, QUICK);
  }

  @Test
  void aStoreThatVerifiesSignaturesAcceptsThePutHeadAndGetOfAnAwkwardKey() {
    SignedRequests store = s3Proxy(KEYS);
    String key = "sales/größe orders/metadata/00001-a+b=c&d~e(1) %2F.metadata.json";
    byte[] body = "{\"format-version\":2}".getBytes(StandardCharsets.UTF_8);

    assertThat(store.exists(BUCKET, key)).isFalse();
    assertThat(store.get(BUCKET, key)).isEmpty();
    store.put(BUCKET, key, body);

    assertThat(store.exists(BUCKET, key)).isTrue();
    assertThat(store.get(BUCKET, key)).hasValueSatisfying(read -> assertThat(read).isEqualTo(body));
    assertThat(blobs.getBlobStore().blobExists(BUCKET, key)).as("stored under the key as given").isTrue();
  }

  @Test
  void aStoreThatVerifiesSignaturesRefusesTheWrongSecretWithoutItBeingTold() {
    Credentials wrong = new Credentials(KEYS.accessKeyId(), "not-the-secret-of-this-key-at-all");

    assertThatThrownBy(() -> s3Proxy(wrong).put(BUCKET, "t/metadata/v1.json", new byte[] {1}))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("Cannot write s3://lake/t/metadata/v1.json: status 403 (SignatureDoesNotMatch)")
        .satisfies(e -> assertThat(e.toString()).doesNotContain(wrong.secretAccessKey()));
  }

  @Test
  void temporaryKeysSendTheirSessionTokenSigned() throws Exception {
    Credentials temporary = new Credentials(KEYS.accessKeyId(), KEYS.secretAccessKey(), "FwoGZXIvYXdzEXAMPLEtoken");
    // S3Proxy does not check the token, but the signature it verifies covers it
    s3Proxy(temporary).put(BUCKET, "t/metadata/session.json", new byte[] {2});
    assertThat(blobs.getBlobStore().blobExists(BUCKET, "t/metadata/session.json")).isTrue();

    List<String> seen = new CopyOnWriteArrayList<>();
    SignedRequests store = store(temporary, exchange -> {
      seen.add(exchange.getRequestHeaders().getFirst("x-amz-security-token"));
      seen.add(exchange.getRequestHeaders().getFirst("Authorization"));
      exchange.getRequestBody().readAllBytes();
      answer(exchange, 200, "");
    });
    store.put(BUCKET, "t/metadata/v1.json", new byte[] {1});
    assertThat(seen.get(0)).isEqualTo("FwoGZXIvYXdzEXAMPLEtoken");
    assertThat(seen.get(1)).contains("x-amz-security-token").doesNotContain(temporary.sessionToken());
  }

  @Test
  void virtualHostedAddressingPutsTheBucketInTheHostName() {
    SignedRequests put = new SignedRequests(URI.create("https://storage.example.com/"), "us-east-1", false, KEYS, QUICK, CLOCK);

    URL url = put.url("lake", "t/metadata/v1.json");

    assertThat(url.toString()).isEqualTo("https://lake.storage.example.com/t/metadata/v1.json");
    assertThat(SignedRequests.hostHeader(url)).isEqualTo("lake.storage.example.com");
  }

  @Test
  void aTransientFaultIsRetriedAndTheObjectArrivesWhole() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<byte[]> bodies = new CopyOnWriteArrayList<>();
    List<String> authorizations = new CopyOnWriteArrayList<>();
    SignedRequests put = store(exchange -> {
      bodies.add(exchange.getRequestBody().readAllBytes());
      authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
      answer(exchange, calls.incrementAndGet() == 1 ? 503 : 200,
          calls.get() == 1 ? "<Error><Code>SlowDown</Code></Error>" : "");
    });

    put.put("lake", "t/metadata/v1.json", "{\"a\":1}".getBytes(StandardCharsets.UTF_8));

    assertThat(calls).hasValue(2);
    assertThat(bodies).allSatisfy(body -> assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}"));
    assertThat(authorizations).allSatisfy(header -> assertThat(header)
        .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/s3/aws4_request, SignedHeaders=host;"
            + "x-amz-content-sha256;x-amz-date, Signature="));
  }

  @Test
  void aRefusalIsNotRetriedAndItsMessageNamesTheObjectAndCodeButNotTheSecret() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    SignedRequests put = store(exchange -> {
      calls.incrementAndGet();
      exchange.getRequestBody().readAllBytes();
      answer(exchange, 403, "<?xml version=\"1.0\"?><Error><Code>SignatureDoesNotMatch</Code></Error>");
    });

    assertThatThrownBy(() -> put.put("lake", "t/metadata/v1.json", new byte[] {1}))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("s3://lake/t/metadata/v1.json")
        .hasMessageContaining("403 (SignatureDoesNotMatch)")
        .satisfies(e -> assertThat(e.toString()).doesNotContain(KEYS.secretAccessKey()));
    assertThat(calls).hasValue(1);
  }

  @Test
  void aFaultThatLastsFailsAfterTheRetries() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    SignedRequests put = store(exchange -> {
      calls.incrementAndGet();
      exchange.getRequestBody().readAllBytes();
      answer(exchange, 500, "<Error><Code>InternalError</Code></Error>");
    });

    assertThatThrownBy(() -> put.put("lake", "t/metadata/v1.json", new byte[] {1}))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("500 (InternalError)");
    assertThat(calls).hasValue(1 + QUICK.retries());
  }

  @Test
  void aHeadTellsAnObjectThatIsThereFromOneThatIsNot() throws Exception {
    List<String> requests = new CopyOnWriteArrayList<>();
    SignedRequests store = store(exchange -> {
      requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + " "
          + exchange.getRequestHeaders().getFirst("x-amz-content-sha256"));
      exchange.sendResponseHeaders(exchange.getRequestURI().getPath().endsWith("there.json") ? 200 : 404, -1);
    });

    assertThat(store.exists("lake", "t/metadata/there.json")).isTrue();
    assertThat(store.exists("lake", "t/metadata/gone.json")).isFalse();
    assertThat(requests).containsExactly(
        "HEAD /lake/t/metadata/there.json e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "HEAD /lake/t/metadata/gone.json e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void aGetReadsTheWholeObjectOrTellsItIsMissing() throws Exception {
    byte[] list = new byte[70_000];
    new java.util.Random(7).nextBytes(list);
    SignedRequests store = store(exchange -> {
      if (exchange.getRequestURI().getPath().endsWith("snap-1.avro")) {
        exchange.sendResponseHeaders(200, list.length);
        exchange.getResponseBody().write(list);
      } else {
        answer(exchange, 404, "<Error><Code>NoSuchKey</Code></Error>");
      }
    });

    assertThat(store.get("lake", "t/metadata/snap-1.avro")).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(list));
    assertThat(store.get("lake", "t/metadata/snap-2.avro")).isEmpty();
  }

  @Test
  void aHeadTheStoreRefusesIsAFailureNotAMissingObject() throws Exception {
    SignedRequests store = store(exchange -> exchange.sendResponseHeaders(403, -1));

    assertThatThrownBy(() -> store.exists("lake", "t/metadata/v1.json"))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("Cannot check s3://lake/t/metadata/v1.json: status 403");
  }

  @Test
  void anUnreachableStoreIsAnIoFailure() throws Exception {
    int port;
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    SignedRequests put = new SignedRequests(URI.create("http://127.0.0.1:" + port), "us-east-1", true, KEYS, QUICK, CLOCK);

    assertThatThrownBy(() -> put.put("lake", "k", new byte[] {1}))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("Cannot write s3://lake/k")
        .hasRootCauseInstanceOf(java.net.ConnectException.class);
  }

  private interface Handler {
    void handle(HttpExchange exchange) throws IOException;
  }

  private SignedRequests store(Handler handler) throws IOException {
    return store(KEYS, handler);
  }

  private SignedRequests store(Credentials keys, Handler handler) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      try (exchange) {
        handler.handle(exchange);
      }
    });
    server.start();
    return new SignedRequests(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "us-east-1", true, keys,
        QUICK, CLOCK);
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
  }
}
