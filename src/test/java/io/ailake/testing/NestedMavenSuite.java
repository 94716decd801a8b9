package io.ailake.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Runs a test suite that cannot share our classpath, in its own JVM: a standalone Maven project under
 * {@code src/test} ({@code rck/}: Iceberg's REST Compatibility Kit, built against iceberg-core 1.11.0;
 * {@code spark/}: Spark 3.5, whose dependency tree clashes with Quarkus), started as a subprocess
 * against the service our test started. Its Surefire reports are parsed into a {@link Result}.
 */
public final class NestedMavenSuite {

  /** Generous: a cold run downloads the suite's dependencies; a warm run takes about a minute. */
  static final Duration TIMEOUT = Duration.ofMinutes(20);

  static final String LOG_FILE = "maven.log";

  private NestedMavenSuite() {}

  public enum Status {
    PASS,
    FAIL,
    ERROR,
    SKIP
  }

  /** One test; {@code test} is {@code SimpleClassName#method}. */
  public record TestOutcome(Status status, String test, String message) {
    @Override
    public String toString() {
      return status + " " + test + (message.isEmpty() ? "" : "  -- " + message);
    }
  }

  /** Surefire's totals ({@code run} counts skipped tests too, as Surefire does) and each test. */
  public record Result(
      int run,
      int passed,
      int failed,
      int errors,
      int skipped,
      List<TestOutcome> tests,
      Path reportsDir) {

    public Result {
      tests = List.copyOf(tests);
    }

    public List<TestOutcome> failures() {
      return tests.stream()
          .filter(t -> t.status() == Status.FAIL || t.status() == Status.ERROR)
          .collect(Collectors.toUnmodifiableList());
    }

    /** Totals plus the failing tests, so that a failed assertion on a Result explains itself. */
    @Override
    public String toString() {
      StringBuilder sb =
          new StringBuilder(
              String.format(
                  "tests run %d, passed %d, failed %d, errors %d, skipped %d (reports: %s)",
                  run, passed, failed, errors, skipped, reportsDir));
      failures().forEach(f -> sb.append(System.lineSeparator()).append("  ").append(f));
      return sb.toString();
    }
  }

  /**
   * Runs the suite of {@code pom} (relative to the project root) and waits for it (at most {@link
   * #TIMEOUT}).
   *
   * @param environment added to the subprocess's environment
   * @param properties each passed as {@code -Dkey=value}
   * @param reportsDir this run's own directory: the Surefire XML reports, the Maven log ({@value
   *     #LOG_FILE}) and Maven's build directory ({@code maven-target/})
   * @throws IllegalStateException if Maven fails, times out or writes no reports. Failing tests are
   *     not an error: they are in the Result.
   */
  public static Result run(
      String pom, Map<String, String> environment, Map<String, String> properties, Path reportsDir) {
    Path root = projectRoot(pom);
    Path reports = reportsDir.toAbsolutePath().normalize();
    Path log = reports.resolve(LOG_FILE);
    try {
      Files.createDirectories(reports);
      deleteOldReports(reports);
    } catch (IOException e) {
      throw new IllegalStateException("cannot prepare " + reports, e);
    }

    List<String> command =
        new ArrayList<>(
            List.of(
                root.resolve("mvnw").toString(),
                "-B",
                "-ntp",
                "-f",
                root.resolve(pom).toString(),
                "test",
                "-Dsuite.buildDirectory=" + reports.resolve("maven-target"),
                "-Dsuite.reportsDirectory=" + reports));
    new TreeMap<>(properties).forEach((k, v) -> command.add("-D" + k + "=" + v));

    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    // only what we pass may configure the suite, not CATALOG_* or MAVEN_ARGS inherited from ours
    pb.environment().keySet().removeIf(k -> k.startsWith("CATALOG_") || k.equals("MAVEN_ARGS"));
    pb.environment().putAll(environment);
    if (!pb.environment().containsKey("JAVA_HOME")) {
      pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    }

    System.out.printf("%s: running, Maven log %s%n", pom, log);
    long start = System.nanoTime();
    int exit = runToCompletion(pb, log);
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
    if (exit != 0) {
      throw new IllegalStateException(
          pom + ": Maven run failed (exit " + exit + "), see " + log + tail(log));
    }
    Result result = parseReports(reports);
    if (result.run() == 0) {
      throw new IllegalStateException(
          pom + ": no test reports in " + reports + ", see " + log + tail(log));
    }
    System.out.println(pom + ": " + result + System.lineSeparator() + "took " + seconds + " s");
    return result;
  }

  /** Reads the Surefire XML reports ({@code TEST-*.xml}) in {@code reportsDir}. */
  public static Result parseReports(Path reportsDir) {
    List<TestOutcome> tests = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(reportsDir, "TEST-*.xml")) {
      DocumentBuilder parser = DocumentBuilderFactory.newInstance().newDocumentBuilder();
      for (Path file : files) {
        NodeList cases = parser.parse(file.toFile()).getElementsByTagName("testcase");
        for (int i = 0; i < cases.getLength(); i++) {
          tests.add(outcome((Element) cases.item(i)));
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the reports in " + reportsDir, e);
    }
    tests.sort(Comparator.comparing(TestOutcome::test));
    return new Result(
        tests.size(),
        count(tests, Status.PASS),
        count(tests, Status.FAIL),
        count(tests, Status.ERROR),
        count(tests, Status.SKIP),
        tests,
        reportsDir);
  }

  private static TestOutcome outcome(Element testcase) {
    String className = testcase.getAttribute("classname");
    String method = testcase.getAttribute("name");
    // a class-level failure (e.g. a @BeforeAll) has no method name
    String test =
        className.substring(className.lastIndexOf('.') + 1)
            + "#"
            + (method.isEmpty() ? "(class)" : method);
    String[][] kinds = {{"failure", "FAIL"}, {"error", "ERROR"}, {"skipped", "SKIP"}};
    for (String[] kind : kinds) {
      NodeList found = testcase.getElementsByTagName(kind[0]);
      if (found.getLength() > 0) {
        Element element = (Element) found.item(0);
        String message = element.getAttribute("message");
        if (message.isEmpty()) { // assumption failures: the reason is the text before the stack
          message = element.getTextContent().split("\n\\s*at |Caused by:")[0];
        }
        return new TestOutcome(Status.valueOf(kind[1]), test, shorten(message));
      }
    }
    return new TestOutcome(Status.PASS, test, "");
  }

  private static String shorten(String message) {
    String oneLine = message.replaceAll("\\s+", " ").trim();
    return oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine;
  }

  private static int count(List<TestOutcome> tests, Status status) {
    return (int) tests.stream().filter(t -> t.status() == status).count();
  }

  private static int runToCompletion(ProcessBuilder pb, Path log) {
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + pb.command(), e);
    }
    try {
      if (!process.waitFor(TIMEOUT.toMinutes(), TimeUnit.MINUTES)) {
        kill(process);
        throw new IllegalStateException(
            "the suite did not finish within " + TIMEOUT + ", see " + log + tail(log));
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      kill(process);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the suite", e);
    }
  }

  /** Maven forks the test JVM, so the whole process tree must go, not only the wrapper script. */
  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  /** Reports left in the same directory by an earlier run would otherwise be counted again. */
  private static void deleteOldReports(Path reports) throws IOException {
    try (DirectoryStream<Path> old = Files.newDirectoryStream(reports, "TEST-*.xml")) {
      for (Path file : old) {
        Files.delete(file);
      }
    }
  }

  /** The directory holding {@code mvnw} and {@code pom}, searched from the working directory up. */
  static Path projectRoot(String pom) {
    String start = System.getProperty("user.dir");
    for (Path dir = Path.of(start).toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isRegularFile(dir.resolve(pom))) {
        return dir;
      }
    }
    throw new IllegalStateException("no mvnw with " + pom + " in " + start + " or above");
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      List<String> last = lines.subList(Math.max(0, lines.size() - 30), lines.size());
      return System.lineSeparator() + String.join(System.lineSeparator(), last);
    } catch (IOException e) {
      return "";
    }
  }
}
