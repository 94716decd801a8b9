package io.ailake.storage;

import io.ailake.AilakeConfig;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;

/**
 * The one place that opens a FileIO: one shared instance per storage, closed at shutdown. A warehouse's
 * FileIO reaches local paths and S3 locations alike. S3 uses the keys of the registered object storage
 * when the {@link Storage} names one ({@code id}), else the service's {@code ailake.s3.*} settings.
 */
@ApplicationScoped
public class FileIOs {

  /**
   * How long a registered storage's FileIO is trusted before its row's {@code updated_at} is read
   * again: another replica may have changed the keys, and only this replica's changes evict at once.
   */
  static final Duration RECHECK = Duration.ofSeconds(30);

  private static final FileIO LOCAL = new LocalFileIO();

  /** The size of the parts in which S3FileIO uploads a large file (S3's least is 5 MiB). */
  static final long MULTIPART_PART_SIZE = 8L << 20;

  /** What {@link #readWhole} reads at most through a FileIO that is not one of this factory's. */
  static final long DEFAULT_SMALL_FILE_LIMIT = 64L << 20;

  private final AilakeConfig.S3 s3;
  private final SecretBox secrets;
  private final long smallFileLimit;
  private final ConcurrentMap<Storage, FileIO> open = new ConcurrentHashMap<>();
  private final ConcurrentMap<UUID, Registered> registered = new ConcurrentHashMap<>();
  /** Replaced clients stay open until shutdown: a request may still be reading through one. */
  private final List<FileIO> retired = new CopyOnWriteArrayList<>();

  private record Registered(FileIO io, Instant version, long checkedAtNanos) {
    boolean fresh() {
      return System.nanoTime() - checkedAtNanos < RECHECK.toNanos();
    }
  }

  FileIOs(AilakeConfig config, SecretBox secrets) {
    this.s3 = config.s3();
    this.secrets = secrets;
    this.smallFileLimit = config.storage().maxSmallFileSize().asLongValue();
  }

  public FileIO forStorage(Storage storage) {
    if (storage.type() == Storage.Type.S3 && storage.id() != null) {
      UUID id = storage.id();
      return new RoutingFileIO(LOCAL, () -> registeredIO(id), smallFileLimit);
    }
    Storage s3Storage =
        storage.type() == Storage.Type.S3
            ? storage
            : Storage.s3(s3.endpoint().orElse(null), s3.region(), s3.pathStyleAccess());
    return new RoutingFileIO(LOCAL, () -> open.computeIfAbsent(s3Storage, this::openServiceWide), smallFileLimit);
  }

  /**
   * Where the catalog writes a file of its own (a metadata file, a manifest list: kilobytes), on a FileIO
   * from here: sent whole, in one request. Data files and other FileIOs use {@link FileIO#newOutputFile}.
   */
  public static OutputFile smallOutputFile(FileIO io, String location) {
    FileIO serving = serving(io, location);
    return serving instanceof S3StorageFileIO s3
        ? new WholeObjectOutputFile(s3, location)
        : serving.newOutputFile(location);
  }

  /** Whether a file exists, asked as cheaply as the FileIO allows (see {@link S3StorageFileIO#exists}). */
  public static boolean exists(FileIO io, String location) {
    FileIO serving = serving(io, location);
    return serving instanceof S3StorageFileIO s3 ? s3.exists(location) : serving.newInputFile(location).exists();
  }

  /**
   * A small file (a manifest list, a metadata file) read whole, in one request where the FileIO allows;
   * {@link FileTooLargeException} beyond {@code ailake.storage.max-small-file-size}, before the excess is read.
   */
  public static byte[] readWhole(FileIO io, String location) {
    long limit = io instanceof RoutingFileIO routing ? routing.smallFileLimit() : DEFAULT_SMALL_FILE_LIMIT;
    FileIO serving = serving(io, location);
    return serving instanceof S3StorageFileIO s3
        ? s3.readWhole(location, limit)
        : readAll(serving.newInputFile(location), limit);
  }

  /** The FileIO that serves {@code location}: a warehouse's routes it by scheme. */
  private static FileIO serving(FileIO io, String location) {
    return io instanceof RoutingFileIO routing ? routing.route(location) : io;
  }

  static byte[] readAll(InputFile file, long limit) {
    try (InputStream in = file.newStream()) {
      byte[] bytes = in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE - 9) + 1);
      if (bytes.length > limit) {
        throw new FileTooLargeException(file.location(), limit);
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("Failed to read " + file.location(), e);
    }
  }

  /** Forgets the FileIO of a registered storage whose settings or keys changed, or that is gone. */
  public void evict(UUID storageId) {
    Registered gone = registered.remove(storageId);
    if (gone != null) {
      retired.add(gone.io());
    }
  }

  /**
   * A FileIO of its own for checking a storage before it is registered: with the given keys, short
   * timeouts and no retries, so a wrong setting fails fast. The caller closes it.
   */
  FileIO openUnshared(Storage storage, Optional<Credentials> credentials) {
    if (storage.type() == Storage.Type.LOCAL) {
      return new LocalFileIO();
    }
    Map<String, String> failFast = Map.of(
        "s3.retry.num-retries", "0",
        "http-client.urlconnection.connection-timeout-ms", "5000",
        "http-client.urlconnection.socket-timeout-ms", "10000");
    return openS3(storage, credentials, failFast, SignedRequests.Limits.FAIL_FAST);
  }

  private FileIO registeredIO(UUID id) {
    Registered current = registered.get(id);
    if (current != null && current.fresh()) {
      return current.io();
    }
    return registered.compute(id, (key, entry) -> {
      if (entry != null && entry.fresh()) {
        return entry; // another thread rechecked meanwhile
      }
      ObjectStorage row = QuarkusTransaction.joiningExisting()
          .call(() -> ObjectStorage.<ObjectStorage>findByIdOptional(key))
          .orElseThrow(() -> new IllegalStateException("Object storage " + key + " is not registered any more"));
      if (entry != null && entry.version().equals(row.updatedAt)) {
        return new Registered(entry.io(), entry.version(), System.nanoTime());
      }
      if (entry != null) {
        retired.add(entry.io());
      }
      Optional<Credentials> keys =
          Optional.ofNullable(row.sealedSecret).map(sealed -> secrets.open(sealed, row.id));
      return new Registered(openS3(row.storage(), keys, Map.of(), SignedRequests.Limits.STANDARD), row.updatedAt,
          System.nanoTime());
    }).io();
  }

  private FileIO openServiceWide(Storage storage) {
    Optional<Credentials> keys =
        s3.accessKeyId().isPresent() && s3.secretAccessKey().isPresent()
            ? Optional.of(new Credentials(s3.accessKeyId().get(), s3.secretAccessKey().get()))
            : Optional.empty();
    return openS3(storage, keys, Map.of(), SignedRequests.Limits.STANDARD);
  }

  /**
   * Without keys the AWS SDK's default chain applies (environment, instance or pod role). With keys and
   * an explicit endpoint, the catalog's whole writes and reads of its own small files and its existence
   * checks go out as {@link SignedRequests}.
   */
  private static FileIO openS3(
      Storage storage, Optional<Credentials> keys, Map<String, String> extra, SignedRequests.Limits limits) {
    Map<String, String> props = new HashMap<>(storage.clientConfig());
    keys.ifPresent(k -> {
      props.put("s3.access-key-id", k.accessKeyId());
      props.put("s3.secret-access-key", k.secretAccessKey());
      if (k.sessionToken() != null) {
        props.put("s3.session-token", k.sessionToken());
      }
    });
    props.put("http-client.type", "urlconnection");
    // parts of the AWS SDK transfer manager's size: a file's last part, sent after its last byte came, stays small
    props.put("s3.multipart.part-size-bytes", Long.toString(MULTIPART_PART_SIZE));
    props.putAll(extra);
    boolean explicit = storage.endpoint() != null && !storage.endpoint().isBlank()
        && storage.region() != null && !storage.region().isBlank();
    SignedRequests signed = explicit && keys.isPresent()
        ? new SignedRequests(URI.create(storage.endpoint()), storage.region(), storage.pathStyleAccess(), keys.get(), limits)
        : null;
    S3StorageFileIO io = new S3StorageFileIO(signed);
    io.initialize(props);
    return io;
  }

  @PreDestroy
  void closeAll() {
    open.values().forEach(FileIO::close);
    open.clear();
    registered.values().forEach(entry -> entry.io().close());
    registered.clear();
    retired.forEach(FileIO::close);
    retired.clear();
  }
}
