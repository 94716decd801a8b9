package io.ailake.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * The requests the catalog makes most on its own small files, sent to an S3-compatible endpoint signed
 * with AWS Signature Version 4 by the AWS SDK's signer: a PUT of a whole object (its SHA-256 signed too,
 * so the store rejects a body changed on the way) at every create and commit, a HEAD when a conditional
 * load checks that the current metadata file is still there, and a GET of a whole manifest list or
 * metadata file. They go out over the JDK's HttpURLConnection rather than through the SDK's S3 client,
 * whose request pipeline costs several times the CPU of such a request (docs/security.md has the
 * measurements).
 *
 * <p>Only for a storage with an explicit endpoint and static keys; AWS's own endpoints and the SDK's
 * credential chain stay with the SDK. A connection failure, a 5xx or a 429 is retried with a doubling
 * pause; what still fails, or any other status, is an {@link UncheckedIOException} that names the
 * object and the store's error code (503 to API clients), never the keys.
 */
final class SignedRequests {

  private static final Logger LOG = Logger.getLogger(SignedRequests.class);
  private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();
  private static final Pattern ERROR_CODE = Pattern.compile("<Code>([^<]{1,100})</Code>");

  /** How long to wait for the store and how often to try again. */
  record Limits(int retries, long firstPauseMillis, int connectTimeoutMillis, int readTimeoutMillis) {
    /** The catalog's own requests: five retries, 3.1 s of pauses in all. */
    static final Limits STANDARD = new Limits(5, 100, 10_000, 60_000);
    /** A storage's check before it is registered: a wrong setting fails at once. */
    static final Limits FAIL_FAST = new Limits(0, 0, 5_000, 10_000);
  }

  private final URI endpoint;
  /** The endpoint's own path, without trailing slashes, that every object's path starts with. */
  private final String basePath;
  private final String region;
  private final boolean pathStyle;
  private final Limits limits;
  private final Clock clock;
  private final AwsCredentialsIdentity identity;

  SignedRequests(URI endpoint, String region, boolean pathStyle, Credentials keys, Limits limits) {
    this(endpoint, region, pathStyle, keys, limits, Clock.systemUTC());
  }

  SignedRequests(URI endpoint, String region, boolean pathStyle, Credentials keys, Limits limits, Clock clock) {
    if (endpoint.getHost() == null || !("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))) {
      throw new IllegalArgumentException("Not an http(s) endpoint: " + endpoint);
    }
    this.endpoint = endpoint;
    this.basePath = endpoint.getRawPath() == null ? "" : endpoint.getRawPath().replaceAll("/+$", "");
    this.region = region;
    this.pathStyle = pathStyle;
    this.identity = keys.sessionToken() == null
        ? AwsCredentialsIdentity.create(keys.accessKeyId(), keys.secretAccessKey())
        : AwsSessionCredentialsIdentity.create(keys.accessKeyId(), keys.secretAccessKey(), keys.sessionToken());
    this.limits = limits;
    this.clock = clock;
  }

  /** Writes {@code content} as {@code key} of {@code bucket}, replacing what may be there. */
  void put(String bucket, String key, byte[] content) {
    send("PUT", bucket, key, content);
  }

  /** Whether {@code key} of {@code bucket} exists: a HEAD answered 200 or 404. */
  boolean exists(String bucket, String key) {
    return send("HEAD", bucket, key, null).status() == HttpURLConnection.HTTP_OK;
  }

  /** The whole of {@code key} of {@code bucket}, however large, or empty when there is no such object. */
  Optional<byte[]> get(String bucket, String key) {
    return get(bucket, key, Long.MAX_VALUE);
  }

  /**
   * The whole of {@code key} of {@code bucket} (a small object, {@code limit} bytes at most), or empty when
   * there is no such object; {@link FileTooLargeException} when it is larger.
   */
  Optional<byte[]> get(String bucket, String key, long limit) {
    Answer answer = send("GET", bucket, key, null, limit);
    return answer.status() == HttpURLConnection.HTTP_OK ? Optional.of(answer.body()) : Optional.empty();
  }

  /** The answer of the request, once it is 200 (or 404 to a HEAD or GET); else the last failure, thrown. */
  private Answer send(String method, String bucket, String key, byte[] content) {
    return send(method, bucket, key, content, Long.MAX_VALUE);
  }

  private Answer send(String method, String bucket, String key, byte[] content, long bodyLimit) {
    URL url = url(bucket, key);
    long pause = limits.firstPauseMillis();
    for (int attempt = 0; ; attempt++) {
      String failure;
      IOException cause = null;
      try {
        Answer answer = send(method, url, content, bodyLimit);
        if (answer.status() == HttpURLConnection.HTTP_OK
            || content == null && answer.status() == HttpURLConnection.HTTP_NOT_FOUND) {
          return answer;
        }
        failure = answer.toString();
        if (answer.status() < 500 && answer.status() != 429) {
          throw failed(method, bucket, key, failure, null);
        }
      } catch (IOException e) {
        failure = e.toString();
        cause = e;
      }
      if (attempt == limits.retries()) {
        throw failed(method, bucket, key, failure, cause);
      }
      LOG.debugf("%s s3://%s/%s failed (%s), again in %d ms", method, bucket, key, failure, pause);
      sleep(pause);
      pause *= 2;
    }
  }

  /** A request's status, the body of a GET's 200, and the store's error code when its error document has one. */
  private record Answer(int status, byte[] body, String code) {
    @Override
    public String toString() {
      return "status " + status + (code == null ? "" : " (" + code + ")");
    }
  }

  private Answer send(String method, URL url, byte[] content, long bodyLimit) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) url.openConnection();
    connection.setConnectTimeout(limits.connectTimeoutMillis());
    connection.setReadTimeout(limits.readTimeoutMillis());
    connection.setRequestMethod(method);
    if (content != null) {
      connection.setDoOutput(true);
      connection.setFixedLengthStreamingMode(content.length);
    }
    signedHeaders(method, url, content).forEach(connection::setRequestProperty);
    if (content != null) {
      try (OutputStream out = connection.getOutputStream()) {
        out.write(content);
      }
    }
    int status = connection.getResponseCode();
    String code = null;
    byte[] body = null;
    // read to the end, so the connection goes back to the JDK's keep-alive cache
    try (InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
      if (in != null) {
        if (status == HttpURLConnection.HTTP_OK && "GET".equals(method)) {
          // refused before its bytes are read when the store says how long it is, else after the limit
          if (connection.getContentLengthLong() > bodyLimit) {
            throw new FileTooLargeException(url.toString(), bodyLimit);
          }
          body = in.readNBytes((int) Math.min(bodyLimit, Integer.MAX_VALUE - 9) + 1);
          if (body.length > bodyLimit) {
            throw new FileTooLargeException(url.toString(), bodyLimit);
          }
        } else if (status >= 400) {
          Matcher error = ERROR_CODE.matcher(new String(in.readNBytes(4096), StandardCharsets.UTF_8));
          code = error.find() ? error.group(1) : null;
        }
        in.transferTo(OutputStream.nullOutputStream());
      }
    }
    return new Answer(status, body, code);
  }

  /**
   * The headers that sign a request, as the AWS SDK's SigV4 signer makes them for S3 (the body's SHA-256
   * signed too, a session token as {@code x-amz-security-token}), but Host, which HttpURLConnection
   * sends itself as {@link #hostHeader} spells it.
   */
  Map<String, String> signedHeaders(String method, URL url, byte[] content) {
    SdkHttpRequest request;
    try {
      request = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(url.toURI()).build();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("Not a valid object URL: " + url, e);
    }
    SignedRequest signed = SIGNER.sign(r -> r
        .identity(identity)
        .request(request)
        .payload(content == null ? null : ContentStreamProvider.fromByteArrayUnsafe(content))
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
        // S3 signs the path as sent: encoded once, not normalized
        .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
        .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
        .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true)
        .putProperty(HttpSigner.SIGNING_CLOCK, clock));
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    signed.request().forEachHeader((name, values) -> {
      if (!"host".equalsIgnoreCase(name)) {
        headers.put(name, String.join(",", values));
      }
    });
    return headers;
  }

  URL url(String bucket, String key) {
    String authority = pathStyle ? endpoint.getRawAuthority() : bucket + "." + endpoint.getRawAuthority();
    String path = basePath + (pathStyle ? "/" + encode(bucket) : "") + "/" + encode(key);
    try {
      return URI.create(endpoint.getScheme() + "://" + authority + path).toURL();
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("Not a valid object location: s3://" + bucket + "/" + key, e);
    }
  }

  /** The Host header HttpURLConnection sends: the port only when it is not the scheme's default. */
  static String hostHeader(URL url) {
    int port = url.getPort();
    return port == -1 || port == url.getDefaultPort() ? url.getHost() : url.getHost() + ":" + port;
  }

  /** S3's URI encoding of an object key: every byte but the unreserved characters and '/' as %XX. */
  static String encode(String key) {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length + 16);
    for (byte b : bytes) {
      char c = (char) (b & 0xff);
      if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
          || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
        out.append(c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  private static UncheckedIOException failed(
      String method, String bucket, String key, String why, IOException cause) {
    String what = switch (method) {
      case "PUT" -> "write";
      case "GET" -> "read";
      default -> "check";
    };
    IOException e = new IOException("Cannot " + what + " s3://" + bucket + "/" + key + ": " + why, cause);
    return new UncheckedIOException(e.getMessage(), e);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new java.io.InterruptedIOException("Interrupted between attempts"));
    }
  }
}
