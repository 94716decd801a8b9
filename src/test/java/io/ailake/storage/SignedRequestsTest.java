package io.ailake.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.HexFormat;
import java.security.MessageDigest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The catalog's own PUT and HEAD: signed exactly as the AWS SDK signs, addressed as the storage says,
 * retried on the store's transient faults and not on its refusals, and never telling the secret.
 */
class SignedRequestsTest {

  private static final Credentials KEYS = new Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T03:04:05Z"), ZoneOffset.UTC);
  private static final SignedRequests.Limits QUICK = new SignedRequests.Limits(2, 1, 2_000, 2_000);

  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void theSignatureIsTheOneTheAwsSdkComputesForTheSameRequest() throws Exception {
    SignedRequests put = new SignedRequests(URI.create("http://127.0.0.1:9000"), "eu-central-1", true, KEYS, QUICK, CLOCK);
    byte[] body = "{\"format-version\":2}".getBytes(StandardCharsets.UTF_8);
    String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    URL url = put.url("lake", "sales/größe orders/metadata/00001-a+b=c&d~e(1).metadata.json");
    assertThat(url.getPath())
        .isEqualTo("/lake/sales/gr%C3%B6%C3%9Fe%20orders/metadata/00001-a%2Bb%3Dc%26d~e%281%29.metadata.json");

    Map<String, String> headers = new TreeMap<>(Map.of(
        "host", "127.0.0.1:9000", "x-amz-content-sha256", hash, "x-amz-date", "20261129T030405Z"));
    String ours = put.authorization("PUT", url.getPath(), headers, hash, "20261129T030405Z");

    SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.PUT).uri(url.toURI())
        .putHeader("x-amz-content-sha256", hash).build();
    String sdks = AwsV4HttpSigner.create().sign(r -> r
            .identity(AwsCredentialsIdentity.create(KEYS.accessKeyId(), KEYS.secretAccessKey()))
            .request(request)
            .payload(ContentStreamProvider.fromByteArray(body))
            .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
            .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-central-1")
            .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
            .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
            .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true)
            .putProperty(HttpSigner.SIGNING_CLOCK, CLOCK))
        .request().firstMatchingHeader("Authorization").orElseThrow();

    assertThat(ours).isEqualTo(sdks);
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
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      try (exchange) {
        handler.handle(exchange);
      }
    });
    server.start();
    return new SignedRequests(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "us-east-1", true, KEYS,
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
