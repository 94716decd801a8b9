package io.ailake.storage;

import io.ailake.organization.Organizations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ailake.testing.S3ProxyResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A FileIO for a registered storage signs with that storage's own keys, and stops using keys that a
 * patch replaced or a delete removed. The storage here is a second S3 that knows only its own keys.
 */
@QuarkusTest
class RegisteredStorageFileIOTest {

  private static final String BUCKET = "private-bucket";

  @Inject ObjectStorageService storages;
  @Inject FileIOs fileIOs;

  private String endpoint;
  private S3Proxy proxy;
  private BlobStoreContext blobs;

  @BeforeEach
  void startPrivateS3() throws Exception {
    endpoint = "http://127.0.0.1:" + freePort();
    startProxy("own-access-key", "own-secret-key");
  }

  @AfterEach
  void stopPrivateS3() throws Exception {
    stopProxy();
  }

  @Test
  void aRegisteredStoragesFileIOUsesItsOwnKeys() {
    ObjectStorage storage = storages.create(Organizations.DEFAULT_ID, request(unique(), "own-access-key", "own-secret-key"));

    FileIO io = fileIOs.forStorage(storage.storage());
    write(io, "s3://" + BUCKET + "/data/a.txt", "hello");

    assertThat(read(io, "s3://" + BUCKET + "/data/a.txt")).isEqualTo("hello");
    FileIO serviceKeys = fileIOs.forStorage(Storage.s3(endpoint, S3ProxyResource.REGION, true));
    assertThatThrownBy(() -> read(serviceKeys, "s3://" + BUCKET + "/data/a.txt"))
        .as("the service-wide keys do not open this bucket")
        .hasStackTraceContaining("403");
  }

  @Test
  void patchedKeysReplaceTheCachedClientAndADeletedStorageIsNotServed() throws Exception {
    String name = unique();
    ObjectStorage storage = storages.create(Organizations.DEFAULT_ID, request(name, "own-access-key", "own-secret-key"));
    FileIO io = fileIOs.forStorage(storage.storage());
    write(io, "s3://" + BUCKET + "/before.txt", "1");

    // the storage rotates its keys; the cached client still signs with the old ones
    stopProxy();
    startProxy("rotated-access-key", "rotated-secret-key");
    assertThatThrownBy(() -> write(io, "s3://" + BUCKET + "/stale.txt", "x")).hasStackTraceContaining("403");

    storages.patch(Organizations.DEFAULT_ID, name, new ObjectStorageRequest(
        null, null, null, null, null, null, null, null, "rotated-access-key", "rotated-secret-key"));
    write(io, "s3://" + BUCKET + "/after.txt", "2");
    assertThat(read(io, "s3://" + BUCKET + "/after.txt")).isEqualTo("2");

    storages.delete(Organizations.DEFAULT_ID, name);
    assertThatThrownBy(() -> read(io, "s3://" + BUCKET + "/after.txt"))
        .hasMessageContaining("not registered any more");
  }

  @Test
  void aFileTheCatalogWritesItselfIsSentWholeOnCloseWithTheStoragesOwnKeys() throws Exception {
    ObjectStorage storage = storages.create(Organizations.DEFAULT_ID, request(unique(), "own-access-key", "own-secret-key"));
    FileIO io = fileIOs.forStorage(storage.storage());
    String key = "table/metadata/00001-" + UUID.randomUUID() + ".metadata.json";
    OutputFile file = FileIOs.smallOutputFile(io, "s3://" + BUCKET + "/" + key);

    try (PositionOutputStream out = file.create()) {
      out.write("{\"format-version\":".getBytes(StandardCharsets.UTF_8));
      out.write('2');
      out.write('}');
      assertThat(out.getPos()).isEqualTo(20);
      assertThat(blobs.getBlobStore().blobExists(BUCKET, key)).as("nothing is sent before the close").isFalse();
    }
    assertThat(read(io, file.location())).isEqualTo("{\"format-version\":2}");
    assertThat(file.toInputFile().getLength()).isEqualTo(20);

    // keys the store no longer takes: the close fails, and no object is left behind
    stopProxy();
    startProxy("rotated-access-key", "rotated-secret-key");
    String refused = "table/metadata/00002-" + UUID.randomUUID() + ".metadata.json";
    assertThatThrownBy(() -> {
      try (PositionOutputStream out = FileIOs.smallOutputFile(io, "s3://" + BUCKET + "/" + refused).create()) {
        out.write('x');
      }
    }).hasStackTraceContaining("403");
    assertThat(blobs.getBlobStore().blobExists(BUCKET, refused)).isFalse();
  }

  @Test
  void aFileTheCatalogWritesItselfKeepsEveryCharacterOfItsName() throws Exception {
    ObjectStorage storage = storages.create(Organizations.DEFAULT_ID, request(unique(), "own-access-key", "own-secret-key"));
    FileIO io = fileIOs.forStorage(storage.storage());
    String key = "sales/größe orders/metadata/00001-a+b=c&d~e(1)%20;,'" + UUID.randomUUID() + ".metadata.json";

    try (PositionOutputStream out = FileIOs.smallOutputFile(io, "s3://" + BUCKET + "/" + key).create()) {
      out.write("{}".getBytes(StandardCharsets.UTF_8));
    }

    assertThat(blobs.getBlobStore().blobExists(BUCKET, key)).isTrue();
    assertThat(read(io, "s3://" + BUCKET + "/" + key)).isEqualTo("{}");
    assertThat(FileIOs.exists(io, "s3://" + BUCKET + "/" + key)).isTrue();
    assertThat(FileIOs.exists(io, "s3://" + BUCKET + "/" + key + ".gone")).isFalse();
    assertThat(FileIOs.readWhole(io, "s3://" + BUCKET + "/" + key)).isEqualTo("{}".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> FileIOs.readWhole(io, "s3://" + BUCKET + "/" + key + ".gone"))
        .isInstanceOf(org.apache.iceberg.exceptions.NotFoundException.class);
  }

  private ObjectStorageRequest request(String name, String accessKey, String secretKey) {
    return new ObjectStorageRequest(
        name, "MINIO", BUCKET, null, null, endpoint, S3ProxyResource.REGION, true, accessKey, secretKey);
  }

  private static String unique() {
    return "own-keys-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private void startProxy(String accessKey, String secretKey) throws Exception {
    blobs = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
        .build(BlobStoreContext.class);
    blobs.getBlobStore().createContainerInLocation(null, BUCKET);
    proxy = S3Proxy.builder()
        .blobStore(blobs.getBlobStore())
        .endpoint(URI.create(endpoint))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
        .ignoreUnknownHeaders(true)
        .build();
    proxy.start();
    while (!proxy.getState().equals("STARTED")) {
      Thread.sleep(10);
    }
  }

  private void stopProxy() throws Exception {
    if (proxy != null) {
      proxy.stop();
      proxy = null;
    }
    if (blobs != null) {
      blobs.close();
      blobs = null;
    }
  }

  private static void write(FileIO io, String location, String content) {
    try (PositionOutputStream out = io.newOutputFile(location).createOrOverwrite()) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(FileIO io, String location) {
    try (InputStream in = io.newInputFile(location).newStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
