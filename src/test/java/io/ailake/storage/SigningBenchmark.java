package io.ailake.storage;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.util.Arrays;

/**
 * What signing the catalog's own requests costs: the signature of a metadata file's PUT alone (its body's SHA-256 included), and a
 * whole PUT to a server on this host that answers at once. Not a test: run it with
 * {@code java -cp target/classes:target/test-classes:$(cat target/test.classpath) io.ailake.storage.SigningBenchmark}
 * after {@code ./mvnw -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test.classpath};
 * the argument {@code first} prints only a fresh JVM's first thousand signatures. Each figure is the median of
 * several rounds, after rounds that warm the JIT up. docs/security.md keeps the results.
 */
public final class SigningBenchmark {

  private static final int ROUNDS = 7;

  public static void main(String[] args) throws Exception {
    Credentials keys = new Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    byte[] metadata = new byte[6_000];
    Arrays.fill(metadata, (byte) 'm');

    SignedRequests offline = new SignedRequests(URI.create("http://127.0.0.1:9000"), "us-east-1", true, keys,
        SignedRequests.Limits.STANDARD);
    URL url = offline.url("lake", "sales/orders/metadata/00001-6f1c2a.metadata.json");
    // a fresh JVM's first signatures: class loading and the JIT compiler's work included
    System.out.printf("%-24s %,8d ns/op%n", "sign a PUT, first 1000", time(1_000, () -> offline.signedHeaders("PUT", url, metadata)));
    if (args.length > 0 && args[0].equals("first")) {
      return;
    }
    report("sign a PUT", 200_000, () -> offline.signedHeaders("PUT", url, metadata));

    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      try (exchange) {
        exchange.getRequestBody().readAllBytes();
        exchange.sendResponseHeaders(200, -1);
      }
    });
    server.start();
    try {
      SignedRequests local = new SignedRequests(URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
          "us-east-1", true, keys, SignedRequests.Limits.STANDARD);
      report("PUT to a local server", 5_000, () -> local.put("lake", "t/metadata/v1.metadata.json", metadata));
    } finally {
      server.stop(0);
    }
    System.out.println("(JVM " + System.getProperty("java.version") + ", " + metadata.length + "-byte body)");
  }

  private static void report(String what, int perRound, Runnable operation) {
    for (int warm = 0; warm < 3; warm++) {
      time(perRound, operation);
    }
    long[] nanos = new long[ROUNDS];
    for (int round = 0; round < ROUNDS; round++) {
      nanos[round] = time(perRound, operation);
    }
    Arrays.sort(nanos);
    System.out.printf("%-24s median %,8d ns/op (rounds: %s)%n", what, nanos[ROUNDS / 2], Arrays.toString(nanos));
  }

  /** CPU time of this thread per operation, so that waiting for the server is not counted. */
  private static long time(int count, Runnable operation) {
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long start = threads.getCurrentThreadCpuTime();
    for (int i = 0; i < count; i++) {
      operation.run();
    }
    return (threads.getCurrentThreadCpuTime() - start) / count;
  }
}
