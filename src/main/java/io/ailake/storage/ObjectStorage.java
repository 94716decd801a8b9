package io.ailake.storage;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A registered object storage: an S3-compatible bucket (with a prefix) or a local directory. Its
 * credentials are sealed in {@link #sealedSecret} and never leave the service.
 */
@Entity
@Table(name = "object_storage")
public class ObjectStorage extends PanacheEntityBase {

  /** As the AI Lake API names them. MINIO is S3 with path-style addressing on its own endpoint. */
  public enum Type {
    S3,
    MINIO,
    LOCAL
  }

  /** The rule of warehouse names: URL-safe, so a name can stand in a path as is. */

  /** {@code s3://bucket} or {@code s3://bucket/prefix}. */
  static final Pattern S3_ROOT = Pattern.compile("s3://([^/]+)(?:/(.*))?");

  public static final String ORIGIN_API = "api";
  public static final String ORIGIN_CONFIG = "config";
  public static final String ORIGIN_DEFAULT = "default";

  @Id public UUID id;

  @Column(name = "organization_id")
  public UUID organizationId;

  public String name;

  @Column(name = "storage_type")
  @jakarta.persistence.Enumerated(jakarta.persistence.EnumType.STRING)
  public Type storageType;

  /** {@code s3://bucket/prefix} or {@code file:/directory}, without a trailing slash. */
  public String root;

  public String endpoint;

  public String region;

  @Column(name = "path_style")
  public boolean pathStyle;

  @Column(name = "sealed_secret")
  public byte[] sealedSecret;

  /** {@code api}, {@code config} or {@code default}. */
  public String origin = "api";

  @Column(name = "created_at")
  public Instant createdAt = Instant.now();

  @Column(name = "updated_at")
  public Instant updatedAt = Instant.now();

  /** How to reach the bytes; credentials are looked up by id when a FileIO is opened. */
  public Storage storage() {
    return storageType == Type.LOCAL
        ? Storage.local()
        : new Storage(id, Storage.Type.S3, endpoint, region, pathStyle);
  }

  /** The bucket of an S3 or MINIO storage; null for LOCAL. */
  public String bucket() {
    Matcher m = S3_ROOT.matcher(root);
    return storageType != Type.LOCAL && m.matches() ? m.group(1) : null;
  }

  /** The key prefix under the bucket, without slashes at either end; empty for the whole bucket. */
  public String prefix() {
    if (storageType == Type.LOCAL) {
      return null;
    }
    Matcher m = S3_ROOT.matcher(root);
    return m.matches() && m.group(2) != null ? m.group(2) : "";
  }

  /** What may be shown about the storage: where it is and how to address it, never credentials. */
  public Map<String, String> storageConfig() {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("root", root);
    if (storageType != Type.LOCAL) {
      config.put("bucket", bucket());
      if (!prefix().isEmpty()) {
        config.put("prefix", prefix());
      }
      if (endpoint != null) {
        config.put("endpoint", endpoint);
      }
      if (region != null) {
        config.put("region", region);
      }
      config.put("pathStyleAccess", Boolean.toString(pathStyle));
    }
    return config;
  }

  /** Whether a warehouse keeps data in this storage, which then must stay where it is. */
  public static boolean usedByAWarehouse(UUID id) {
    Number uses = (Number) getEntityManager()
        .createNativeQuery("SELECT count(*) FROM warehouse_storage WHERE storage_id = ?1")
        .setParameter(1, id)
        .getSingleResult();
    return uses.longValue() > 0;
  }

  public static boolean usedByAPipeTable(UUID id) {
    Number uses = (Number) getEntityManager()
        .createNativeQuery("SELECT count(*) FROM pipe_table WHERE source_storage_id = ?1")
        .setParameter(1, id)
        .getSingleResult();
    return uses.longValue() > 0;
  }

  /** The places of every storage and warehouse of the organizations other than {@code organizationId}. */
  public static List<StoragePlaces.Place> placesOfOthers(UUID organizationId) {
    return placesOfOthers(organizationId, null);
  }

  /** The places of every other organization's storages and warehouses. */
  @SuppressWarnings("unchecked")
  static List<StoragePlaces.Place> placesOfOthers(UUID organizationId, UUID exceptStorage) {
    List<Object[]> rows = getEntityManager()
        .createNativeQuery(
            "SELECT storage_type, root, endpoint FROM object_storage WHERE organization_id <> ?1 AND id <> ?2"
                + " UNION ALL SELECT storage_type, location, s3_endpoint FROM warehouse WHERE organization_id <> ?1")
        .setParameter(1, organizationId)
        .setParameter(2, exceptStorage == null ? new UUID(0, 0) : exceptStorage)
        .getResultList();
    return rows.stream().map(row -> place((String) row[0], (String) row[1], (String) row[2])).toList();
  }

  /** Where a root of the given type ({@code LOCAL}, {@code S3} or {@code MINIO}) on an endpoint really is. */
  static StoragePlaces.Place place(String type, String root, String endpoint) {
    return Type.LOCAL.name().equals(type)
        ? StoragePlaces.local(LocalFileIO.parse(root))
        : StoragePlaces.s3(root, endpoint);
  }

  /** This storage's place. */
  public StoragePlaces.Place place() {
    return place(storageType.name(), root, endpoint);
  }

  /**
   * Whether this storage overlaps a storage or database of another organization: a storage registered
   * before roots were compared as places may.
   */
  public boolean overlapsAnotherOrganization() {
    StoragePlaces.Place place = place();
    return placesOfOthers(organizationId, id).stream().anyMatch(place::overlaps);
  }

  public static List<ObjectStorage> listByName(UUID organizationId) {
    return list("organizationId = ?1 order by name", organizationId);
  }

  /** By UUID or by name, as the API's path parameters allow. */
  public static Optional<ObjectStorage> findByIdOrName(UUID organizationId, String idOrName) {
    return io.ailake.api.Names.asUuid(idOrName)
        .flatMap(id -> find("organizationId = ?1 and id = ?2", organizationId, id).<ObjectStorage>firstResultOptional())
        .or(() -> findByName(organizationId, idOrName));
  }

  /**
   * The id in SQL, then the row by id: a start looks the default object storage up before anything has
   * parsed HQL, and a process's first HQL query sets the parser up (about 180 ms of a start).
   */
  public static Optional<ObjectStorage> findByName(UUID organizationId, String name) {
    return getEntityManager()
        .createNativeQuery("SELECT id FROM object_storage WHERE organization_id = ?1 AND name = ?2")
        .setParameter(1, organizationId)
        .setParameter(2, name)
        .getResultStream()
        .findFirst()
        .map(id -> findById(id));
  }
}
