package io.ailake.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.ailake.testing.IcebergClients;
import io.ailake.testing.Warehouses;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.StreamSupport;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HistoryEntry;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.UpdateRequirements;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import io.restassured.http.ContentType;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.rest.RESTCatalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Appends that lose the race for their branch's head are rebased on the server: writers whose clients
 * never retry all succeed, and the table equals the same appends applied one after another.
 */
@QuarkusTest
class AppendRebaseTest {

  private static final int WRITERS = 8;
  private static final int APPENDS = 5;

  @TestHTTPResource("/iceberg")
  URL catalog;

  @Inject ServerTables serverTables;
  @Inject TableCommits commits;

  private Warehouse warehouse;
  private RESTCatalog client;

  @BeforeEach
  void freshWarehouse() {
    warehouse = Warehouses.local("rebase");
    client = IcebergClients.connect(catalog, warehouse);
    client.createNamespace(Namespace.of("ns"));
  }

  @AfterEach
  void close() throws Exception {
    client.close();
  }

  @Test
  void racingAppendsWithoutClientRetriesAllCommitAndEqualTheSameAppendsAppliedSerially() throws Exception {
    racedAppendsEqualSerialOnes();
  }

  /** On S3 the rebase writes its manifest lists from memory, each with one PUT, and reads them back. */
  @Test
  void onS3RacingAppendsAlsoAllCommitAndEqualTheSameAppendsAppliedSerially() throws Exception {
    client.close();
    warehouse = Warehouses.s3("rebase");
    client = IcebergClients.connect(catalog, warehouse);
    client.createNamespace(Namespace.of("ns"));
    racedAppendsEqualSerialOnes();
    Table raced = client.loadTable(TableIdentifier.of("ns", "raced"));
    assertThat(chain(raced)).extracting(Snapshot::manifestListLocation)
        .allMatch(location -> location.startsWith("s3://"))
        .anyMatch(location -> location.contains("-rebased-"));
  }

  private void racedAppendsEqualSerialOnes() throws Exception {
    TableIdentifier raced = TableIdentifier.of("ns", "raced");
    TableIdentifier serial = TableIdentifier.of("ns", "serial");
    createWithoutClientRetries(raced);
    createWithoutClientRetries(serial);

    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<String>>> results = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      int writer = w;
      Callable<List<String>> task = () -> {
        List<String> acknowledged = new ArrayList<>();
        try (RESTCatalog own = IcebergClients.connect(catalog, warehouse)) {
          // loaded once, so every append after the first starts from a head others have moved
          Table table = own.loadTable(raced);
          start.await();
          for (int i = 0; i < APPENDS; i++) {
            DataFile file = TableRoutesTest.dataFile(table, "w" + writer + "-" + i);
            table.newAppend().appendFile(file).commit();
            acknowledged.add(name(file));
          }
        }
        return acknowledged;
      };
      results.add(pool.submit(task));
    }
    start.countDown();
    List<String> acknowledged = new ArrayList<>();
    for (Future<List<String>> result : results) {
      acknowledged.addAll(result.get()); // a 409 would surface here: these clients never retry
    }
    pool.shutdown();
    Table serialTable = client.loadTable(serial);
    for (String file : acknowledged) {
      serialTable.newAppend().appendFile(TableRoutesTest.dataFile(serialTable, file)).commit();
    }

    Table racedTable = client.loadTable(raced);
    serialTable = client.loadTable(serial);
    assertThat(acknowledged).hasSize(WRITERS * APPENDS);
    assertThat(filesInCurrentSnapshot(racedTable)).containsExactlyInAnyOrderElementsOf(acknowledged);
    assertThat(filesInCurrentSnapshot(serialTable)).containsExactlyInAnyOrderElementsOf(acknowledged);
    assertThat(lineage(racedTable)).isEqualTo(lineage(serialTable));
    assertThat(totals(racedTable.currentSnapshot())).isEqualTo(totals(serialTable.currentSnapshot()))
        .containsEntry(SnapshotSummary.TOTAL_DATA_FILES_PROP, "40")
        .containsEntry(SnapshotSummary.TOTAL_RECORDS_PROP, "400");
    assertValidSequenceNumbers(racedTable);
    assertThat(racedTable.history()).extracting(HistoryEntry::snapshotId)
        .as("every append is in the snapshot log, in commit order, also when several commit in one turn")
        .containsExactlyElementsOf(chain(racedTable).stream().map(Snapshot::snapshotId).toList());
  }

  /**
   * Writers queued behind a commit that holds the table's turn commit together when it ends: their
   * changes one after the other in one metadata file, each as if committed alone; a change that
   * conflicts with the state the others left is refused alone.
   */
  @Test
  void writersQueuedForTheSameTurnCommitInOneMetadataFileAsIfOneAfterAnother() throws Exception {
    TableIdentifier id = TableIdentifier.of("ns", "queued");
    createWithoutClientRetries(id);
    Table table = client.loadTable(id);
    DataFile kept = TableRoutesTest.dataFile(table, "kept");
    table.newFastAppend().appendFile(kept).commit();
    List<StaleCommit> queued = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      String file = "b" + i;
      queued.add(prepare(id, tx -> tx.newFastAppend().appendFile(TableRoutesTest.dataFile(tx.table(), file)).commit()));
    }
    queued.add(prepare(id, tx -> tx.newDelete().deleteFile(kept).commit()));

    ExecutorService pool = Executors.newFixedThreadPool(queued.size());
    List<Future<Integer>> statuses = new ArrayList<>();
    QuarkusTransaction.requiringNew().run(() -> {
      // this commit keeps the turn until its transaction ends, as an idempotency key's does
      Table held = serverTables.load(warehouse, id);
      held.newFastAppend().appendFile(TableRoutesTest.dataFile(held, "a")).commit();
      for (StaleCommit stale : queued) {
        statuses.add(pool.submit(
            () -> given().contentType(ContentType.JSON).body(stale.body()).post(stale.path()).statusCode()));
      }
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (commits.waiting(warehouse, id) < queued.size()) {
        assertThat(System.nanoTime()).as("all writers queued").isLessThan(deadline);
        Thread.onSpinWait();
      }
    });
    List<Integer> answered = new ArrayList<>();
    for (Future<Integer> status : statuses) {
      answered.add(status.get());
    }
    pool.shutdown();

    assertThat(answered).containsExactly(200, 200, 200, 200, 409);
    table = client.loadTable(id);
    assertThat(filesInCurrentSnapshot(table)).containsExactlyInAnyOrder("kept", "a", "b1", "b2", "b3", "b4");
    assertThat(chain(table)).extracting(Snapshot::snapshotId)
        .containsAll(queued.subList(0, 4).stream().map(StaleCommit::snapshotId).toList())
        .hasSize(6);
    assertValidSequenceNumbers(table);
    assertThat(table.history()).extracting(HistoryEntry::snapshotId)
        .containsExactlyElementsOf(chain(table).stream().map(Snapshot::snapshotId).toList());
    // created, then "kept", then "a": the four appends share the fourth metadata file
    assertThat(((HasTableOperations) table).operations().current().previousFiles()).hasSize(3);
  }

  @Test
  void anAppendFromAStaleHeadIsRebasedAndKeepsItsSnapshotId() {
    TableIdentifier id = TableIdentifier.of("ns", "stale");
    createWithoutClientRetries(id);
    StaleCommit stale = appendOfBAfterAnotherAppendedA(id);

    given().contentType(ContentType.JSON).body(stale.body()).post(stale.path()).then().statusCode(200);

    Table table = client.loadTable(id);
    Snapshot head = table.currentSnapshot();
    assertThat(head.snapshotId()).isEqualTo(stale.snapshotId());
    // its parent is the other writer's append, the table's first snapshot
    Snapshot parent = table.snapshot(head.parentId());
    assertThat(parent.parentId()).isNull();
    assertThat(parent.addedDataFiles(table.io())).extracting(AppendRebaseTest::name).containsExactly("a");
    assertThat(head.sequenceNumber()).isEqualTo(2);
    assertThat(filesInCurrentSnapshot(table)).containsExactlyInAnyOrder("a", "b");
    assertThat(head.summary())
        .containsEntry(SnapshotSummary.TOTAL_DATA_FILES_PROP, "2")
        .containsEntry(SnapshotSummary.TOTAL_RECORDS_PROP, "20")
        .containsEntry(SnapshotSummary.TOTAL_FILE_SIZE_PROP, "200");
    assertValidSequenceNumbers(table);
  }

  @Test
  void aDeleteFromAStaleHeadIsStillAConflict() {
    TableIdentifier id = TableIdentifier.of("ns", "deletes");
    createWithoutClientRetries(id);
    Table writer = client.loadTable(id);
    DataFile kept = TableRoutesTest.dataFile(writer, "kept");
    writer.newFastAppend().appendFile(kept).commit();
    StaleCommit stale = prepare(id, tx -> tx.newDelete().deleteFile(kept).commit());
    writer.newFastAppend().appendFile(TableRoutesTest.dataFile(writer, "more")).commit();

    given().contentType(ContentType.JSON).body(stale.body()).post(stale.path())
        .then().statusCode(409).body("error.type", equalTo("CommitFailedException"));
    assertThat(filesInCurrentSnapshot(client.loadTable(id))).containsExactlyInAnyOrder("kept", "more");
  }

  @Test
  void theTablePropertyTurnsRebasingOff() {
    TableIdentifier id = TableIdentifier.of("ns", "strict");
    client.buildTable(id, TableRoutesTest.ICEBERG_SCHEMA)
        .withProperty(TableProperties.COMMIT_NUM_RETRIES, "0")
        .withProperty(AppendRebase.PROPERTY, "false")
        .create();
    StaleCommit stale = appendOfBAfterAnotherAppendedA(id);

    given().contentType(ContentType.JSON).body(stale.body()).post(stale.path())
        .then().statusCode(409).body("error.type", equalTo("CommitFailedException"));
    assertThat(filesInCurrentSnapshot(client.loadTable(id))).containsExactly("a");
  }

  /** An append of file b prepared on the empty table, held back while another writer appends file a. */
  private StaleCommit appendOfBAfterAnotherAppendedA(TableIdentifier id) {
    StaleCommit stale = prepare(id, tx -> tx.newFastAppend().appendFile(TableRoutesTest.dataFile(tx.table(), "b")).commit());
    Table other = client.loadTable(id);
    other.newFastAppend().appendFile(TableRoutesTest.dataFile(other, "a")).commit();
    return stale;
  }

  /** A commit request exactly as Iceberg's client would send it for {@code change}, held back for later. */
  private record StaleCommit(String path, byte[] body, Long snapshotId) {}

  private StaleCommit prepare(TableIdentifier id, java.util.function.Consumer<Transaction> change) {
    Table table = client.loadTable(id);
    TableMetadata base = ((HasTableOperations) table).operations().current();
    Transaction tx = table.newTransaction();
    change.accept(tx);
    TableMetadata staged = ((HasTableOperations) tx.table()).operations().current();
    UpdateTableRequest request =
        new UpdateTableRequest(UpdateRequirements.forUpdateTable(base, staged.changes()), staged.changes());
    Snapshot snapshot = staged.currentSnapshot();
    return new StaleCommit(
        "/iceberg/v1/" + warehouse.name + "/namespaces/ns/tables/" + id.name(),
        IcebergJson.write(request),
        snapshot == null ? null : snapshot.snapshotId());
  }

  private void createWithoutClientRetries(TableIdentifier id) {
    client.buildTable(id, TableRoutesTest.ICEBERG_SCHEMA)
        .withProperty(TableProperties.COMMIT_NUM_RETRIES, "0")
        .create();
  }

  /** Every snapshot from the first to the current one adds files inheriting its own sequence number. */
  private static void assertValidSequenceNumbers(Table table) {
    List<Snapshot> chain = chain(table);
    for (int i = 0; i < chain.size(); i++) {
      Snapshot snapshot = chain.get(i);
      assertThat(snapshot.sequenceNumber()).as("sequence number of snapshot %d", i + 1).isEqualTo(i + 1);
      for (DataFile added : snapshot.addedDataFiles(table.io())) {
        assertThat(added.dataSequenceNumber()).isEqualTo(snapshot.sequenceNumber());
        assertThat(added.fileSequenceNumber()).isEqualTo(snapshot.sequenceNumber());
      }
    }
    assertThat(chain).hasSize(count(table.snapshots()));
  }

  /** Per snapshot, oldest first: operation, files added, and the summary's totals. */
  private static List<Map<String, String>> lineage(Table table) {
    List<Map<String, String>> lineage = new ArrayList<>();
    for (Snapshot snapshot : chain(table)) {
      Map<String, String> entry = totals(snapshot);
      entry.put("operation", snapshot.operation());
      entry.put("added", Integer.toString(count(snapshot.addedDataFiles(table.io()))));
      lineage.add(entry);
    }
    return lineage;
  }

  private static Map<String, String> totals(Snapshot snapshot) {
    Map<String, String> totals = new HashMap<>();
    snapshot.summary().forEach((key, value) -> {
      if (key.startsWith("total-")) {
        totals.put(key, value);
      }
    });
    return totals;
  }

  private static List<Snapshot> chain(Table table) {
    List<Snapshot> chain = new ArrayList<>();
    for (Snapshot s = table.currentSnapshot(); s != null; s = s.parentId() == null ? null : table.snapshot(s.parentId())) {
      chain.add(0, s);
    }
    return chain;
  }

  private static int count(Iterable<?> items) {
    int n = 0;
    for (Object ignored : items) {
      n++;
    }
    return n;
  }

  private static List<String> filesInCurrentSnapshot(Table table) {
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      return StreamSupport.stream(tasks.spliterator(), false).map(t -> name(t.file())).toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String name(DataFile file) {
    String location = file.location();
    return location.substring(location.lastIndexOf('/') + 1).replace(".parquet", "");
  }
}
