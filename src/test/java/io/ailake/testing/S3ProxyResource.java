package io.ailake.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3 API for the test run: S3Proxy in-process over an in-memory blob store, with signed
 * requests (SigV2/V4) and path-style addressing, bucket {@value #BUCKET} created up front.
 */
public class S3ProxyResource implements QuarkusTestResourceLifecycleManager {

  public static final String BUCKET = "warehouse";
  public static final String ACCESS_KEY = "test-access-key";
  public static final String SECRET_KEY = "test-secret-key";
  public static final String REGION = "us-east-1";

  private static volatile String endpoint;
  private S3Proxy proxy;
  private BlobStoreContext context;

  /** The endpoint of the running proxy, for tests that talk to it themselves. */
  public static String endpoint() {
    return endpoint;
  }

  @Override
  public Map<String, String> start() {
    Properties props = new Properties();
    props.setProperty("jclouds.filesystem.basedir", "target/s3proxy"); // unused by transient, harmless
    context =
        ContextBuilder.newBuilder("transient")
            .credentials("identity", "credential")
            .overrides(props)
            .build(BlobStoreContext.class);
    BlobStore store = context.getBlobStore();
    store.createContainerInLocation(null, BUCKET);
    endpoint = "http://127.0.0.1:" + freePort();
    proxy =
        S3Proxy.builder()
            .blobStore(store)
            .endpoint(URI.create(endpoint))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .ignoreUnknownHeaders(true)
            .build();
    try {
      proxy.start();
      while (!proxy.getState().equals("STARTED")) {
        Thread.sleep(10);
      }
    } catch (Exception e) {
      throw new IllegalStateException("S3Proxy did not start", e);
    }
    return Map.of(
        "ailake.s3.endpoint", endpoint,
        "ailake.s3.region", REGION,
        "ailake.s3.access-key-id", ACCESS_KEY,
        "ailake.s3.secret-access-key", SECRET_KEY,
        "ailake.s3.path-style-access", "true");
  }

  /** Client-side settings for an Iceberg client (RCK, Spark) writing data files to this S3. */
  public static Map<String, String> clientProperties() {
    return Map.of(
        "s3.endpoint", endpoint,
        "s3.path-style-access", "true",
        "s3.access-key-id", ACCESS_KEY,
        "s3.secret-access-key", SECRET_KEY,
        "client.region", REGION);
  }

  @Override
  public void stop() {
    try {
      if (proxy != null) {
        proxy.stop();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      if (context != null) {
        context.close();
      }
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
