package io.ailake.storage;

import io.ailake.AilakeConfig;
import io.ailake.api.ApiException;
import io.ailake.organization.Organizations;
import io.ailake.storage.StorageProbe.ProbeFailedException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hibernate.exception.ConstraintViolationException;
import org.jboss.logging.Logger;

/**
 * The registry of object storages: validates a storage, proves it works with its own keys, seals the
 * keys and keeps the row. Network checks run outside any transaction; each write is its own short one.
 */
@ApplicationScoped
public class ObjectStorageService {

  /** The name of the storage of the default warehouse. */
  public static final String DEFAULT_NAME = "default";

  private static final Logger LOG = Logger.getLogger(ObjectStorageService.class);
  private static final UUID DEFAULT_ORGANIZATION = Organizations.DEFAULT_ID;
  /** AWS's rule for bucket names, which MinIO and most S3-compatible stores share. */
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final String DEFAULT_REGION = "us-east-1";

  private final AilakeConfig config;
  private final SecretBox secrets;
  private final FileIOs fileIOs;
  private final LocalRoots localRoots;

  ObjectStorageService(AilakeConfig config, SecretBox secrets, FileIOs fileIOs, LocalRoots localRoots) {
    this.config = config;
    this.secrets = secrets;
    this.fileIOs = fileIOs;
    this.localRoots = localRoots;
  }

  /**
   * Who registers or changes a storage. A LOCAL storage reaches the service's own disk, so only the
   * server admin ({@code AILAKE_ADMIN_TOKEN}) registers or changes one; an organization's admin registers
   * S3 and MINIO storages, which its own keys must reach.
   */
  public enum Registrar {
    SERVER_ADMIN,
    ORGANIZATION_ADMIN
  }

  /** A request after validation: complete and normalized, ready to probe and store. */
  record Spec(
      String name,
      ObjectStorage.Type type,
      String root,
      String endpoint,
      String region,
      boolean pathStyle,
      Optional<Credentials> credentials) {

    Storage storage() {
      return type == ObjectStorage.Type.LOCAL
          ? Storage.local()
          : Storage.s3(endpoint, region, pathStyle);
    }
  }

  public List<ObjectStorage> list(UUID organizationId) {
    return QuarkusTransaction.joiningExisting().call(() -> ObjectStorage.listByName(organizationId));
  }

  public ObjectStorage get(UUID organizationId, String idOrName) {
    return QuarkusTransaction.joiningExisting()
        .call(() -> ObjectStorage.findByIdOrName(organizationId, idOrName))
        .orElseThrow(() -> ApiException.notFound("Object storage does not exist: %s", idOrName));
  }

  /** As an organization's admin registers it: S3 and MINIO only. */
  public ObjectStorage create(UUID organizationId, ObjectStorageRequest request) {
    return create(organizationId, request, Registrar.ORGANIZATION_ADMIN);
  }

  /**
   * Registers a storage after probing it with its own keys: 400 when invalid or not working, 403 for a
   * LOCAL one the registrar may not make or the operator does not allow, 409 on a taken name or a root
   * overlapping another organization's.
   */
  public ObjectStorage create(UUID organizationId, ObjectStorageRequest request, Registrar registrar) {
    if (request != null && isLocal(request.storageType())) {
      requireServerAdmin(registrar);
    }
    Spec spec = validate(request, false);
    if (ObjectStorage.findByName(organizationId, spec.name()).isPresent()) {
      throw ApiException.conflict("Object storage already exists: %s", spec.name());
    }
    refuseOverlap(organizationId, spec, null);
    probe(spec);
    ObjectStorage storage = new ObjectStorage();
    storage.id = UUID.randomUUID();
    storage.organizationId = organizationId;
    storage.origin = ObjectStorage.ORIGIN_API;
    apply(storage, spec);
    write(spec.name(), () -> storage.persistAndFlush());
    LOG.infof("Registered object storage '%s' (%s at %s)", storage.name, storage.storageType, storage.root);
    return storage;
  }

  /**
   * Changes the fields the request carries, keeps the others, and probes the result before storing
   * it. A storage that holds a warehouse's data cannot move (409); LOCAL cannot turn into S3.
   */
  public ObjectStorage patch(UUID organizationId, String idOrName, ObjectStorageRequest patch) {
    return patch(organizationId, idOrName, patch, Registrar.ORGANIZATION_ADMIN);
  }

  public ObjectStorage patch(
      UUID organizationId, String idOrName, ObjectStorageRequest patch, Registrar registrar) {
    if (patch == null) {
      throw ApiException.badRequest("A JSON body is required");
    }
    ObjectStorage current = get(organizationId, idOrName);
    refuseConfigured(current, "changed");
    if (patch.storageType() != null
        && (parseType(patch.storageType()) == ObjectStorage.Type.LOCAL)
            != (current.storageType == ObjectStorage.Type.LOCAL)) {
      throw ApiException.badRequest(
          "storageType cannot change between LOCAL and S3/MINIO; register a new storage instead");
    }
    if (current.storageType == ObjectStorage.Type.LOCAL) {
      requireServerAdmin(registrar);
    }
    Spec spec = validate(merge(current, patch), false);
    if (!spec.name().equals(current.name) && ObjectStorage.findByName(organizationId, spec.name()).isPresent()) {
      throw ApiException.conflict("Object storage already exists: %s", spec.name());
    }
    refuseOverlap(organizationId, spec, current.id);
    probe(spec);
    ObjectStorage updated = write(spec.name(), () -> {
      ObjectStorage row = ObjectStorage.<ObjectStorage>findByIdOptional(current.id)
          .orElseThrow(() -> ApiException.notFound("Object storage does not exist: %s", idOrName));
      if (!spec.root().equals(row.root) && ObjectStorage.usedByAWarehouse(row.id)) {
        throw ApiException.conflict(
            "Object storage %s holds a warehouse's data; its root cannot move", row.name);
      }
      apply(row, spec);
      ObjectStorage.flush();
      return row;
    });
    fileIOs.evict(updated.id);
    LOG.infof("Updated object storage '%s' (%s at %s)", updated.name, updated.storageType, updated.root);
    return updated;
  }

  private static boolean isLocal(String storageType) {
    return storageType != null && storageType.trim().equalsIgnoreCase(ObjectStorage.Type.LOCAL.name());
  }

  private static void requireServerAdmin(Registrar registrar) {
    if (registrar != Registrar.SERVER_ADMIN) {
      throw new ApiException(403, "Forbidden", "A LOCAL storage reaches the service's own disk: only the server "
          + "admin registers or changes one (POST /api/v1/admin/organizations/{orgId}/objectStorages), under the "
          + "directories the operator allows (ailake.storage.local-roots)");
    }
  }

  /**
   * A root that holds, or lies inside, another organization's storage or warehouse would reach that
   * organization's files (its tables, purges, probes): 409, without naming what it overlaps. Places are
   * compared, not strings: real local paths, and S3 prefixes per endpoint and bucket.
   */
  private static void refuseOverlap(UUID organizationId, Spec spec, UUID exceptStorage) {
    StoragePlaces.Place place = ObjectStorage.place(spec.type().name(), spec.root(), spec.endpoint());
    if (overlapsAnother(organizationId, place, exceptStorage)) {
      throw ApiException.conflict(
          "Object storage root %s overlaps the storage of another organization; choose another bucket,"
              + " prefix or directory", spec.root());
    }
  }

  private static boolean overlapsAnother(UUID organizationId, StoragePlaces.Place place, UUID exceptStorage) {
    return QuarkusTransaction.joiningExisting().call(() -> ObjectStorage.placesOfOthers(organizationId, exceptStorage))
        .stream().anyMatch(place::overlaps);
  }

  /** 409 while a warehouse uses the storage: its data would be unreachable. */
  public void delete(UUID organizationId, String idOrName) {
    ObjectStorage deleted = write(idOrName, () -> {
      ObjectStorage row = ObjectStorage.findByIdOrName(organizationId, idOrName)
          .orElseThrow(() -> ApiException.notFound("Object storage does not exist: %s", idOrName));
      refuseConfigured(row, "deleted");
      if (ObjectStorage.usedByAWarehouse(row.id)) {
        throw ApiException.conflict(
            "Object storage %s is used by a warehouse; delete the warehouse first", row.name);
      }
      if (ObjectStorage.usedByAPipeTable(row.id)) {
        throw ApiException.conflict(
            "Object storage %s is the source of a pipe table; delete the pipe table first", row.name);
      }
      row.delete();
      ObjectStorage.flush();
      return row;
    });
    fileIOs.evict(deleted.id);
    LOG.infof("Deleted object storage '%s'", deleted.name);
  }

  /**
   * The storage of the default warehouse, registered under {@value #DEFAULT_NAME} the first time and
   * returned as it is afterwards: LOCAL for a directory or {@code file:} location, S3 (with the
   * service's {@code ailake.s3.*} settings and keys) for {@code s3://bucket/prefix}. Not probed: the
   * warehouse start must not depend on the storage being up.
   */
  @Transactional
  public ObjectStorage ensureDefaultStorage(String location) {
    Optional<ObjectStorage> existing = ObjectStorage.findByName(DEFAULT_ORGANIZATION, DEFAULT_NAME);
    if (existing.isPresent()) {
      return existing.get();
    }
    ObjectStorage storage = new ObjectStorage();
    storage.id = UUID.randomUUID();
    storage.organizationId = DEFAULT_ORGANIZATION;
    storage.origin = ObjectStorage.ORIGIN_DEFAULT;
    apply(storage, defaultSpec(location));
    storage.persist();
    LOG.infof("Registered the default object storage (%s at %s)", storage.storageType, storage.root);
    return storage;
  }

  Spec defaultSpec(String location) {
    String trimmed = location.trim();
    if (Storage.typeOf(trimmed) == Storage.Type.LOCAL) {
      localRoots.requireOutsideDataDirectory(LocalFileIO.parse(trimmed));
      return new Spec(DEFAULT_NAME, ObjectStorage.Type.LOCAL, localRoot(trimmed, true), null, null, false,
          Optional.empty());
    }
    AilakeConfig.S3 s3 = config.s3();
    Optional<Credentials> keys =
        s3.accessKeyId().isPresent() && s3.secretAccessKey().isPresent()
            ? Optional.of(new Credentials(s3.accessKeyId().get(), s3.secretAccessKey().get()))
            : Optional.empty();
    // s3a:// and s3n:// are the same objects; the registry keeps one spelling
    String root = s3Root(trimmed.replaceFirst("^(?i)s3[an]?://", "s3://"), null, null);
    return new Spec(DEFAULT_NAME, ObjectStorage.Type.S3, root, s3.endpoint().orElse(null), s3.region(),
        s3.pathStyleAccess(), keys);
  }

  /**
   * Brings the storages declared in {@code ailake.storages} into the registry at every start. An
   * invalid declaration stops the start (a deployment error); one that fails its probe is still
   * registered, with a warning, because the storage may come up after the service.
   */
  void registerConfiguredStorages(@Observes StartupEvent event) {
    for (Map.Entry<String, AilakeConfig.StorageSettings> entry : config.storages().entrySet()) {
      String name = entry.getKey();
      AilakeConfig.StorageSettings settings = entry.getValue();
      Spec spec;
      try {
        spec = validate(new ObjectStorageRequest(
            name, settings.type(), null, null, settings.root(),
            settings.endpoint().orElse(null), settings.region().orElse(null),
            settings.pathStyle().orElse(null),
            settings.accessKeyId().orElse(null), settings.secretAccessKey().orElse(null)), true);
      } catch (ApiException e) {
        throw new IllegalStateException("ailake.storages.\"" + name + "\" is invalid: " + e.getMessage());
      }
      try {
        StorageProbe.run(fileIOs, spec.storage(), spec.root(), spec.endpoint(), spec.credentials());
      } catch (ProbeFailedException e) {
        LOG.warnf("Object storage '%s' from the configuration does not work yet: %s", name, e.getMessage());
      }
      registerConfigured(spec).ifPresent(fileIOs::evict);
    }
  }

  /** The id of the row written, or empty when the name belongs to a storage registered otherwise. */
  private Optional<UUID> registerConfigured(Spec spec) {
    return QuarkusTransaction.requiringNew().call(() -> {
      ObjectStorage row = ObjectStorage.findByName(DEFAULT_ORGANIZATION, spec.name()).orElse(null);
      if (row != null && !ObjectStorage.ORIGIN_CONFIG.equals(row.origin)) {
        LOG.warnf("Object storage '%s' from the configuration is skipped: a storage of that name was "
            + "registered through the %s origin; rename one of them", spec.name(), row.origin);
        return Optional.<UUID>empty();
      }
      if (row == null) {
        row = new ObjectStorage();
        row.id = UUID.randomUUID();
        row.organizationId = DEFAULT_ORGANIZATION;
        row.origin = ObjectStorage.ORIGIN_CONFIG;
      }
      apply(row, spec);
      row.persist();
      return Optional.of(row.id);
    });
  }

  private void apply(ObjectStorage row, Spec spec) {
    row.name = spec.name();
    row.storageType = spec.type();
    row.root = spec.root();
    row.endpoint = spec.endpoint();
    row.region = spec.region();
    row.pathStyle = spec.pathStyle();
    row.sealedSecret = spec.credentials().map(keys -> secrets.seal(keys, row.id)).orElse(null);
    // PostgreSQL keeps microseconds; FileIOs compares this value with what it reads back
    row.updatedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  private static void refuseConfigured(ObjectStorage storage, String what) {
    if (ObjectStorage.ORIGIN_CONFIG.equals(storage.origin)) {
      throw ApiException.conflict(
          "Object storage %s is declared in the service configuration (ailake.storages) and cannot be %s "
              + "through the API; change the configuration instead", storage.name, what);
    }
  }

  private void probe(Spec spec) {
    try {
      StorageProbe.run(fileIOs, spec.storage(), spec.root(), spec.endpoint(), spec.credentials());
    } catch (ProbeFailedException e) {
      throw ApiException.badRequest(
          "Object storage '%s' did not pass its probe under %s: %s", spec.name(), spec.root(), e.getMessage());
    }
  }

  /**
   * Runs one write in a transaction (the request's, when an idempotency key holds one open); a unique or
   * foreign-key violation is the conflict it is.
   */
  private static <T> T write(String name, java.util.concurrent.Callable<T> work) {
    try {
      return QuarkusTransaction.joiningExisting().call(work);
    } catch (RuntimeException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof ConstraintViolationException) {
          throw ApiException.conflict(
              "Object storage %s conflicts with another change (name taken or storage in use)", name);
        }
      }
      throw e;
    }
  }

  private static void write(String name, Runnable work) {
    write(name, () -> {
      work.run();
      return null;
    });
  }

  /** The stored storage as a request, overlaid with what the patch sends. */
  private ObjectStorageRequest merge(ObjectStorage current, ObjectStorageRequest patch) {
    String name = or(patch.name(), current.name);
    String type = or(patch.storageType(), current.storageType.name());
    if (current.storageType == ObjectStorage.Type.LOCAL) {
      return new ObjectStorageRequest(name, type, patch.bucket(), patch.prefix(), or(patch.root(), current.root),
          patch.endpoint(), patch.region(), patch.pathStyleAccess(), patch.accessKeyId(), patch.secretAccessKey());
    }
    Optional<Credentials> keys =
        Optional.ofNullable(current.sealedSecret).map(sealed -> secrets.open(sealed, current.id));
    boolean newRoot = patch.root() != null;
    return new ObjectStorageRequest(
        name,
        type,
        newRoot ? patch.bucket() : or(patch.bucket(), current.bucket()),
        newRoot ? patch.prefix() : or(patch.prefix(), current.prefix()),
        patch.root(),
        or(patch.endpoint(), current.endpoint),
        or(patch.region(), current.region),
        patch.pathStyleAccess() != null ? patch.pathStyleAccess() : current.pathStyle,
        or(patch.accessKeyId(), keys.map(Credentials::accessKeyId).orElse(null)),
        or(patch.secretAccessKey(), keys.map(Credentials::secretAccessKey).orElse(null)));
  }

  private static String or(String given, String current) {
    return given != null ? given : current;
  }

  // ---- validation: every rule answers 400 with what is wrong and what is expected ----------------

  /** {@code declaredInConfiguration}: the operator's own storage, which may lie outside the allowed roots. */
  Spec validate(ObjectStorageRequest r, boolean declaredInConfiguration) {
    if (r == null) {
      throw ApiException.badRequest("A JSON body is required");
    }
    if (r.name() == null || !io.ailake.api.Names.isValid(r.name())) {
      throw ApiException.badRequest(
          "Invalid name '%s': 1-63 letters, digits, '_' or '-', starting with a letter or digit", r.name());
    }
    ObjectStorage.Type type = parseType(r.storageType());
    Optional<Credentials> keys = credentials(r.accessKeyId(), r.secretAccessKey());
    if (type == ObjectStorage.Type.LOCAL) {
      if (r.bucket() != null || r.prefix() != null || r.endpoint() != null || r.region() != null
          || keys.isPresent()) {
        throw ApiException.badRequest("A LOCAL storage takes only 'root', an absolute directory; "
            + "bucket, prefix, endpoint, region and keys belong to S3 and MINIO storages");
      }
      String root = realLocalRoot(r.root());
      localRoots.require(LocalFileIO.parse(root), declaredInConfiguration);
      return new Spec(r.name(), type, root, null, null, false, Optional.empty());
    }
    String endpoint = endpoint(r.endpoint(), type);
    String region = r.region() == null || r.region().isBlank() ? DEFAULT_REGION : r.region().trim();
    boolean pathStyle = r.pathStyleAccess() != null ? r.pathStyleAccess() : type == ObjectStorage.Type.MINIO;
    return new Spec(r.name(), type, s3Root(r.root(), r.bucket(), r.prefix()), endpoint, region, pathStyle, keys);
  }

  private static ObjectStorage.Type parseType(String storageType) {
    if (storageType == null || storageType.isBlank()) {
      throw ApiException.badRequest("storageType is required: S3, MINIO or LOCAL");
    }
    try {
      return ObjectStorage.Type.valueOf(storageType.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("Unknown storageType '%s': expected S3, MINIO or LOCAL", storageType);
    }
  }

  private static Optional<Credentials> credentials(String accessKeyId, String secretAccessKey) {
    boolean hasId = accessKeyId != null && !accessKeyId.isBlank();
    boolean hasSecret = secretAccessKey != null && !secretAccessKey.isBlank();
    if (hasId != hasSecret) {
      throw ApiException.badRequest("accessKeyId and secretAccessKey go together: give both or neither "
          + "(neither means the AWS SDK's default credentials of the service)");
    }
    return hasId ? Optional.of(new Credentials(accessKeyId.trim(), secretAccessKey)) : Optional.empty();
  }

  private static String endpoint(String endpoint, ObjectStorage.Type type) {
    if (endpoint == null || endpoint.isBlank()) {
      if (type == ObjectStorage.Type.MINIO) {
        throw ApiException.badRequest("A MINIO storage needs an endpoint, e.g. http://minio:9000");
      }
      return null;
    }
    String trimmed = endpoint.trim().replaceFirst("/+$", "");
    try {
      URI uri = new URI(trimmed);
      if (("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
          && uri.getHost() != null && uri.getRawQuery() == null && uri.getRawFragment() == null
          && uri.getRawUserInfo() == null) {
        return StoragePlaces.normalizeEndpoint(uri);
      }
    } catch (URISyntaxException e) {
      // answered below
    }
    throw ApiException.badRequest("Invalid endpoint '%s': expected http(s)://host[:port]", endpoint);
  }

  /**
   * {@code s3://bucket[/prefix]} from a root or from bucket + prefix; slashes at the prefix's ends dropped.
   * A prefix with an empty, {@code .} or {@code ..} segment is refused: a store that keeps objects as
   * files resolves them, and {@code ./a} would then be another organization's {@code a}.
   */
  private static String s3Root(String root, String bucket, String prefix) {
    if (root != null && (bucket != null || prefix != null)) {
      throw ApiException.badRequest("Give either 'root' or 'bucket' (with an optional 'prefix'), not both");
    }
    if (root != null) {
      // s3a:// and s3n:// are the same objects, and a scheme's case means nothing
      Matcher m = ObjectStorage.S3_ROOT.matcher(root.trim().replaceFirst("^(?i)s3[an]?://", "s3://"));
      if (!m.matches()) {
        throw ApiException.badRequest("Invalid root '%s' for an S3 storage: expected s3://bucket[/prefix]", root);
      }
      bucket = m.group(1);
      prefix = m.group(2);
    }
    if (bucket == null || bucket.isBlank()) {
      throw ApiException.badRequest("An S3 or MINIO storage needs a bucket ('bucket', or 'root' = s3://bucket[/prefix])");
    }
    if (!BUCKET.matcher(bucket).matches()) {
      throw ApiException.badRequest(
          "Invalid bucket '%s': 3-63 lowercase letters, digits, '.' or '-', starting and ending with a letter or digit",
          bucket);
    }
    String cleanPrefix = prefix == null ? "" : prefix.trim().replaceAll("^/+|/+$", "");
    if (!cleanPrefix.isEmpty()) {
      for (String segment : cleanPrefix.split("/", -1)) {
        if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
          throw ApiException.badRequest(
              "Invalid prefix '%s': no empty ('//'), '.' or '..' segments; name the prefix as it is, e.g. a/b",
              prefix == null ? root : prefix);
        }
      }
    }
    return "s3://" + bucket + (cleanPrefix.isEmpty() ? "" : "/" + cleanPrefix);
  }

  /**
   * {@code file:/real/dir}: every symlink, {@code .}, {@code ..} and {@code /proc/...} alias resolved, so
   * that roots compare by the directory they are (see {@link StoragePlaces#realPath}).
   */
  private static String realLocalRoot(String root) {
    localRoot(root, false); // the checks of form: absolute, a directory
    try {
      // resolved as written: "/proc/1/cwd/.." is the parent of that process's directory, not "/proc/1"
      Path real = StoragePlaces.realPath(LocalFileIO.parse(root.trim()));
      if (Files.exists(real) && !Files.isDirectory(real)) {
        throw ApiException.badRequest("Invalid root '%s' for a LOCAL storage: it is a file, not a directory", root);
      }
      return LocalFileIO.location(real);
    } catch (java.io.IOException e) {
      throw ApiException.badRequest("Invalid root '%s' for a LOCAL storage: its real path cannot be resolved (%s)",
          root, e.getClass().getSimpleName());
    }
  }

  /** {@code file:/absolute/dir}; a relative directory is only accepted for the default warehouse's. */
  private static String localRoot(String root, boolean relativeAllowed) {
    if (root == null || root.isBlank()) {
      throw ApiException.badRequest("A LOCAL storage needs 'root': an absolute directory");
    }
    String trimmed = root.trim();
    Path dir;
    try {
      dir = LocalFileIO.parse(trimmed);
    } catch (IllegalArgumentException e) { // InvalidPathException included
      throw ApiException.badRequest("Invalid root '%s' for a LOCAL storage: %s", root, e.getMessage());
    }
    if (!dir.isAbsolute() && !relativeAllowed) {
      throw ApiException.badRequest("Invalid root '%s' for a LOCAL storage: the directory must be absolute", root);
    }
    dir = dir.toAbsolutePath().normalize();
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw ApiException.badRequest("Invalid root '%s' for a LOCAL storage: it is a file, not a directory", root);
    }
    return LocalFileIO.location(dir);
  }
}
