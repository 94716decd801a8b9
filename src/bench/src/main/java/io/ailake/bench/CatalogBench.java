package io.ailake.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;

/**
 * A catalog workload through Iceberg's Java REST client, timed per call: namespaces, table creation by
 * several threads, listing, loads at several thread counts, sequential appends, appends racing on one
 * table (then a check that no acknowledged file is missing), drops. Prints one markdown row per
 * operation: calls, errors, ops/s, p50/p95/p99 in milliseconds.
 */
public final class CatalogBench {

  private static final Schema SCHEMA = new Schema(
      Types.NestedField.required(1, "id", Types.LongType.get()),
      Types.NestedField.optional(2, "ts", Types.TimestampType.withZone()),
      Types.NestedField.optional(3, "category", Types.StringType.get()),
      Types.NestedField.optional(4, "amount", Types.DecimalType.of(12, 2)),
      Types.NestedField.optional(5, "note", Types.StringType.get()),
      Types.NestedField.optional(6, "count", Types.IntegerType.get()),
      Types.NestedField.optional(7, "ratio", Types.DoubleType.get()),
      Types.NestedField.optional(8, "flag", Types.BooleanType.get()),
      Types.NestedField.optional(9, "day", Types.DateType.get()),
      Types.NestedField.optional(10, "payload", Types.BinaryType.get()));

  private final Map<String, String> options;
  private final RESTCatalog catalog;
  private final List<String> rows = new ArrayList<>();
  /** Per operation, the first call that failed and why: an error count alone does not say what broke. */
  private final Map<String, String> firstErrors = Collections.synchronizedMap(new LinkedHashMap<>());

  private CatalogBench(Map<String, String> options, List<String> clientProps) {
    this.options = options;
    Map<String, String> props = new HashMap<>();
    props.put("uri", options.get("uri"));
    props.put("warehouse", options.getOrDefault("warehouse", "lake"));
    String token = options.getOrDefault("token", System.getenv("AILAKE_TOKEN"));
    if (token != null) {
      props.put("header.Authorization", "Bearer " + token);
    }
    // by default the client's manifests stay in memory: the catalog, not a store, is under test; a
    // client that writes where the service reads (--prop io-impl=... with the store's keys) lets the
    // service rebase racing appends instead of answering 409
    props.put("io-impl", "org.apache.iceberg.inmemory.InMemoryFileIO");
    props.put("rest-metrics-reporting-enabled", "false");
    for (String prop : clientProps) {
      int eq = prop.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--prop takes key=value: " + prop);
      }
      props.put(prop.substring(0, eq), prop.substring(eq + 1));
    }
    this.catalog = new RESTCatalog();
    catalog.initialize("bench", props);
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>(Map.of(
        "tables", "1000", "create-threads", "8", "load-threads", "1,8,32", "duration", "3",
        "list-repeats", "20", "namespaces", "50", "appends", "40", "commit-threads", "8",
        "commits-per-thread", "5"));
    List<String> clientProps = new ArrayList<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (args[i].equals("--prop")) {
        clientProps.add(args[i + 1]);
      } else {
        options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
      }
    }
    if (!options.containsKey("uri")) {
      System.err.println("usage: CatalogBench --uri http://HOST:8181/iceberg [--warehouse lake] [--token SECRET]"
          + " [--tables 1000] [--create-threads 8] [--load-threads 1,8,32] [--duration 3] [--appends 40]"
          + " [--commit-threads 8] [--commits-per-thread 5] [--prop client.property=value ...]");
      System.exit(2);
    }
    new CatalogBench(options, clientProps).run();
  }

  private int option(String name) {
    return Integer.parseInt(options.get(name));
  }

  private void run() throws Exception {
    String run = "bench_" + UUID.randomUUID().toString().substring(0, 8);
    Namespace namespace = Namespace.of(run);
    catalog.createNamespace(namespace);

    List<Namespace> extra = new ArrayList<>();
    for (int i = 0; i < option("namespaces"); i++) {
      extra.add(Namespace.of(run + "_" + i));
    }
    // a mutable map: Iceberg's request builder probes the map for a null key
    sequential("create_namespace", extra,
        ns -> catalog.createNamespace(ns, new HashMap<>(Map.of("owner", "bench", "i", ns.level(0)))));

    List<TableIdentifier> tables = new ArrayList<>();
    for (int i = 0; i < option("tables"); i++) {
      tables.add(TableIdentifier.of(namespace, "t" + i));
    }
    PartitionSpec spec = PartitionSpec.builderFor(SCHEMA).day("ts").identity("category").build();
    parallel("create_table", option("create-threads"), tables, t -> catalog.createTable(t, SCHEMA, spec));

    List<Integer> repeats = Collections.nCopies(option("list-repeats"), 0);
    sequential("list_tables", repeats, r -> {
      if (catalog.listTables(namespace).size() != tables.size()) {
        throw new IllegalStateException("the list misses tables");
      }
    });

    for (String threads : options.get("load-threads").split(",")) {
      timed("load_table", Integer.parseInt(threads.trim()), option("duration"),
          () -> catalog.loadTable(tables.get(ThreadLocalRandom.current().nextInt(tables.size()))));
    }

    TableIdentifier appended = TableIdentifier.of(namespace, "appends");
    Table appendTable = catalog.createTable(appended, SCHEMA);
    AtomicLong file = new AtomicLong();
    sequential("commit_append", Collections.nCopies(option("appends"), 0),
        r -> appendTable.newAppend().appendFile(dataFile(appendTable, file.incrementAndGet())).commit());

    concurrentCommits(TableIdentifier.of(namespace, "contended"));

    parallel("drop_table", option("create-threads"), tables, t -> catalog.dropTable(t, false));
    catalog.dropTable(appended, false);
    catalog.dropTable(TableIdentifier.of(namespace, "contended"), false);
    for (Namespace ns : extra) {
      catalog.dropNamespace(ns);
    }
    catalog.dropNamespace(namespace);

    System.out.println();
    System.out.println("| op | threads | calls | errors | ops/s | p50 ms | p95 ms | p99 ms |");
    System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
    rows.forEach(System.out::println);
    firstErrors.forEach((op, error) -> System.out.println("first error of " + op + ": " + error));
  }

  private static String describe(Exception e) {
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  /** C threads append to one table (Iceberg's own retries on conflicts); then every acknowledged file must be there. */
  private void concurrentCommits(TableIdentifier identifier) throws Exception {
    catalog.createTable(identifier, SCHEMA);
    int threads = option("commit-threads");
    int each = option("commits-per-thread");
    Set<String> acknowledged = Collections.synchronizedSet(new HashSet<>());
    List<Integer> work = Collections.nCopies(threads * each, 0);
    AtomicLong file = new AtomicLong(1_000_000);
    parallel("concurrent_commit", threads, work, r -> {
      Table table = catalog.loadTable(identifier);
      DataFile data = dataFile(table, file.incrementAndGet());
      table.newAppend().appendFile(data).commit();
      acknowledged.add(data.location());
    });
    Table table = catalog.loadTable(identifier);
    Set<String> present = new HashSet<>();
    for (ManifestFile manifest : table.currentSnapshot().allManifests(table.io())) {
      try (CloseableIterable<DataFile> files = ManifestFiles.read(manifest, table.io(), table.specs())) {
        files.forEach(f -> present.add(f.location()));
      }
    }
    Set<String> missing = new HashSet<>(acknowledged);
    missing.removeAll(present);
    rows.add("| concurrent_commit check | | " + acknowledged.size() + " acknowledged | " + missing.size()
        + " missing | | | | |");
  }

  private static DataFile dataFile(Table table, long n) {
    return DataFiles.builder(table.spec())
        .withPath(table.location() + "/data/bench-" + n + ".parquet")
        .withFormat(FileFormat.PARQUET)
        .withFileSizeInBytes(1024)
        .withRecordCount(10)
        .build();
  }

  private interface Call<T> {
    void run(T item) throws Exception;
  }

  private <T> void sequential(String op, List<T> items, Call<T> call) {
    List<Long> nanos = new ArrayList<>();
    long errors = 0;
    long start = System.nanoTime();
    for (T item : items) {
      long t0 = System.nanoTime();
      try {
        call.run(item);
        nanos.add(System.nanoTime() - t0);
      } catch (Exception e) {
        errors++;
        firstErrors.putIfAbsent(op, describe(e));
      }
    }
    report(op, 1, nanos, errors, System.nanoTime() - start);
  }

  private <T> void parallel(String op, int threads, List<T> items, Call<T> call) throws Exception {
    ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>(items);
    workers(op, threads, () -> {
      T item = queue.poll();
      return item == null ? null : () -> call.run(item);
    });
  }

  private void timed(String op, int threads, int seconds, Runnable call) throws Exception {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    workers(op, threads, () -> System.nanoTime() < end ? call::run : null);
  }

  private interface Attempt {
    void run() throws Exception;
  }

  /** {@code threads} workers time the calls they take from {@code next} until it has none left (null). */
  private void workers(String op, int threads, Supplier<Attempt> next) throws Exception {
    ConcurrentLinkedQueue<Long> nanos = new ConcurrentLinkedQueue<>();
    AtomicLong errors = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    List<Future<?>> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      workers.add(pool.submit(() -> {
        Attempt attempt;
        while ((attempt = next.get()) != null) {
          long t0 = System.nanoTime();
          try {
            attempt.run();
            nanos.add(System.nanoTime() - t0);
          } catch (Exception e) {
            errors.incrementAndGet();
            firstErrors.putIfAbsent(op, describe(e));
          }
        }
      }));
    }
    for (Future<?> worker : workers) {
      worker.get();
    }
    pool.shutdown();
    report(op, threads, new ArrayList<>(nanos), errors.get(), System.nanoTime() - start);
  }

  private void report(String op, int threads, List<Long> nanos, long errors, long wallNanos) {
    long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    double seconds = wallNanos / 1e9;
    String row = String.format(Locale.ROOT, "| %s | %d | %d | %d | %.1f | %.2f | %.2f | %.2f |",
        op, threads, sorted.length, errors, sorted.length / seconds,
        percentile(sorted, 50), percentile(sorted, 95), percentile(sorted, 99));
    rows.add(row);
    System.err.println(row);
  }

  private static double percentile(long[] sorted, int p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }
}
