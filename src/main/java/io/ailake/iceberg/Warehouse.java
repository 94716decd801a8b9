package io.ailake.iceberg;

import io.ailake.storage.Storage;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.Optional;
import java.util.UUID;

/** A catalog root in one storage; its name is the {@code warehouse} and {@code {prefix}} clients use. */
@Entity
@Table(name = "warehouse")
public class Warehouse extends PanacheEntityBase {

  @Id public UUID id;

  @Column(name = "organization_id")
  public UUID organizationId;

  public String name;

  /** Root location without a trailing slash, e.g. {@code file:/srv/lake} or {@code s3://bucket/lake}. */
  public String location;

  @Enumerated(EnumType.STRING)
  @Column(name = "storage_type")
  public Storage.Type storageType;

  @Column(name = "s3_endpoint")
  public String s3Endpoint;

  @Column(name = "s3_region")
  public String s3Region;

  @Column(name = "s3_path_style")
  public boolean s3PathStyle;

  /** {@code provisioning}, {@code ready}, {@code deleting} or {@code failed}. */
  public String state = READY;

  @Column(name = "state_detail")
  public String stateDetail;

  /** The registered storage whose keys reach the files: the first of the warehouse's storages. */
  @org.hibernate.annotations.Formula(
      "(SELECT ws.storage_id FROM warehouse_storage ws WHERE ws.warehouse_id = id AND ws.position = 0)")
  public UUID storageId;

  public static final String PROVISIONING = "provisioning";
  public static final String READY = "ready";
  public static final String DELETING = "deleting";
  public static final String FAILED = "failed";

  public Storage storage() {
    return storageType == Storage.Type.LOCAL
        ? Storage.local()
        : new Storage(storageId, Storage.Type.S3, s3Endpoint, s3Region, s3PathStyle);
  }

  /** By UUID or by name, as the AI Lake API's {@code instanceId} allows. */
  public static Optional<Warehouse> findByIdOrName(UUID organizationId, String idOrName) {
    return io.ailake.api.Names.asUuid(idOrName)
        .flatMap(id -> find("organizationId = ?1 and id = ?2", organizationId, id).<Warehouse>firstResultOptional())
        .or(() -> findByName(organizationId, idOrName));
  }

  /**
   * The id in SQL, then the row by id: a start looks the default warehouse up before anything has
   * parsed HQL, and a process's first HQL query sets the parser up (about 180 ms of a start).
   */
  public static Optional<Warehouse> findByName(UUID organizationId, String name) {
    return getEntityManager()
        .createNativeQuery("SELECT id FROM warehouse WHERE organization_id = ?1 AND name = ?2")
        .setParameter(1, organizationId)
        .setParameter(2, name)
        .getResultStream()
        .findFirst()
        .map(id -> findById(id));
  }
}
