package io.ailake.iceberg;

import io.ailake.auth.CallRecords;
import io.ailake.auth.ChangeKeepsAnswer;
import io.ailake.auth.Idempotent;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * A route whose change is an append the service commits itself through {@link ServerTables}, as the
 * row routes do: for tests only (hidden from the document).
 */
@Path("/api/v1/test-only/server-appends")
@Idempotent
public class ServerAppendsResource {

  /** The next call dies after its commit, before it answers, as a process that stops there would. */
  static final AtomicBoolean DIE_AFTER_COMMIT = new AtomicBoolean();

  private final WarehouseService warehouses;
  private final ServerTables serverTables;
  private final CallRecords callRecords;

  ServerAppendsResource(WarehouseService warehouses, ServerTables serverTables, CallRecords callRecords) {
    this.warehouses = warehouses;
    this.serverTables = serverTables;
    this.callRecords = callRecords;
  }

  @POST
  @Path("/{prefix}/{namespace}/{table}")
  @Operation(hidden = true)
  @ChangeKeepsAnswer
  public Response append(
      @PathParam("prefix") String prefix, @PathParam("namespace") String namespace, @PathParam("table") String name) {
    Warehouse warehouse = warehouses.resolve(prefix);
    String path = "data/" + UUID.randomUUID() + ".parquet";
    String answer = "{\"appended\": \"" + path + "\"}";
    Table table = serverTables.load(
        warehouse, TableIdentifier.of(Namespace.of(namespace), name), callRecords.keepingAnswer(201, () -> answer));
    DataFile file = DataFiles.builder(PartitionSpec.unpartitioned())
        .withPath(table.location() + "/" + path).withFormat(FileFormat.PARQUET)
        .withFileSizeInBytes(100).withRecordCount(1).build();
    AppendFiles append = table.newAppend();
    append.appendFile(file);
    append.commit();
    if (DIE_AFTER_COMMIT.getAndSet(false)) {
      throw new IllegalStateException("died after the commit");
    }
    return Response.status(201).entity(answer).type(MediaType.APPLICATION_JSON_TYPE).build();
  }
}
