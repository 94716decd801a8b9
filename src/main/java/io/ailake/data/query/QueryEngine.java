package io.ailake.data.query;

import io.ailake.AilakeConfig;
import io.ailake.api.ApiException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.sql.Blob;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.iceberg.FileScanTask;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBStruct;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Runs a checked SELECT on embedded DuckDB, in an in-memory database of the query's own. Each table is
 * a view over read_parquet of the files Iceberg's planning selected, columns mapped by Parquet field id,
 * the rows of delete files removed; then the database is closed to everything else before the user's
 * SQL runs: no file but the query's own, no extension, no setting may change. A database of small
 * tables is kept for the next query of exactly those table versions ({@link KeptEngines}).
 */
@ApplicationScoped
public class QueryEngine {

  /** Names of the engine's own objects; no SQL may name them. */
  static final String RESERVED_PREFIX = "__ailake";
  private static final String HELPERS = RESERVED_PREFIX;

  private final AilakeConfig.Query config;
  private final QueryFileCache cache;
  private final KeptEngines kept;
  private final Semaphore turns;
  private DuckDBConnection parser;
  private final Deque<Parser> parsers = new ConcurrentLinkedDeque<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "query-timeout");
    thread.setDaemon(true);
    return thread;
  });

  QueryEngine(AilakeConfig config, QueryFileCache cache, KeptEngines kept) {
    this.config = config.query();
    this.cache = cache;
    this.kept = kept;
    this.turns = new Semaphore(Math.max(1, config.query().concurrency()), true);
    try {
      Class.forName("org.duckdb.DuckDBDriver");
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("DuckDB's JDBC driver is missing", e);
    }
  }

  /** A column of an answer: its name and DuckDB's type. */
  @Schema(name = "AiLakeQueryColumn",
      requiredProperties = {"name", "type"}, example = "{\"name\": \"total\", \"type\": \"DECIMAL(38,2)\"}")
  public record Column(String name, String type) {}

  /** What DuckDB answered: at most {@code maxRows} rows, and whether there were more. */
  record Rows(List<Column> columns, List<List<Object>> rows, boolean truncated) {}

  /** A connection to the shared parser with its statement prepared, used by one check at a time. */
  private record Parser(Connection connection, PreparedStatement serialize) {
    void close() {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // closing the connection closes its statement; nothing else holds them
      }
    }
  }

  /**
   * Checks {@code sql} with the parser of an engine that holds nothing and may open nothing. That engine is
   * opened once and shared: it only parses, and opening a database costs more than a small query. Its
   * connections stay open between checks with the statement prepared (preparing it took as long as running
   * it), at most {@code ailake.query.concurrency} of them idle.
   */
  SelectStatement check(String sql) {
    Parser parser = parsers.pollFirst();
    try {
      if (parser == null) {
        Connection connection = parser().duplicate();
        parser = new Parser(connection, connection.prepareStatement(SelectStatement.SERIALIZE));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("DuckDB could not start: " + e.getMessage(), e);
    }
    boolean checked = false;
    try {
      SelectStatement statement = SelectStatement.check(sql, parser.serialize());
      checked = true;
      return statement;
    } finally {
      // a failed check may have left the statement in any state: only a clean one is used again
      if (checked && parsers.size() < Math.max(1, config.concurrency())) {
        parsers.offerFirst(parser);
      } else {
        parser.close();
      }
    }
  }

  private synchronized DuckDBConnection parser() throws SQLException {
    if (parser == null) {
      Connection connection = open();
      lockDown(connection, List.of());
      execute(connection, "SET lock_configuration = true");
      parser = connection.unwrap(DuckDBConnection.class);
    }
    return parser;
  }

  @PreDestroy
  synchronized void close() throws SQLException {
    for (Parser idle = parsers.pollFirst(); idle != null; idle = parsers.pollFirst()) {
      idle.close();
    }
    if (parser != null) {
      parser.close();
      parser = null;
    }
  }

  Rows run(UUID database, String sql, List<QueryTables.Planned> tables, int maxRows, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean turn;
    try {
      turn = turns.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.unavailable("The query was interrupted while waiting for a turn");
    }
    if (!turn) {
      throw timedOut(timeout, "waiting for one of the " + config.concurrency() + " queries that run at once");
    }
    List<Path> held = new ArrayList<>();
    try {
      Map<String, Path> local = hold(tables, held);
      String key = kept.key(database, tables);
      DuckDBConnection engine = key == null ? null : kept.take(key);
      if (engine == null) {
        engine = build(true, tables, local, held);
      }
      boolean answered = false;
      try {
        Rows rows = runOn(engine, sql, maxRows, timeout, deadline, held, true);
        answered = true;
        return rows;
      } catch (StreamedFailure unexplained) {
        // a streamed result loses DuckDB's message ("Invalid result set"); a materialized one keeps it
        DuckDBConnection materialized = build(false, tables, local, held);
        try {
          return runOn(materialized, sql, maxRows, timeout, deadline, held, false);
        } finally {
          KeptEngines.close(materialized);
        }
      } finally {
        // a database whose query failed is not kept: a failure may have left it unusable
        if (answered && key != null) {
          kept.giveBack(key, engine);
        } else {
          KeptEngines.close(engine);
        }
      }
    } finally {
      cache.release(held);
      turns.release();
    }
  }

  /** A local path of each data file of {@code tables} (held until the query ends), by location. */
  private Map<String, Path> hold(List<QueryTables.Planned> tables, List<Path> held) {
    Map<String, Path> local = new HashMap<>();
    for (QueryTables.Planned table : tables) {
      for (FileScanTask task : table.tasks()) {
        String location = task.file().location();
        if (!local.containsKey(location)) {
          Path path = cache.hold(table.table().io(), location, task.file().fileSizeInBytes());
          held.add(path);
          local.put(location, path);
        }
      }
    }
    return local;
  }

  /** A failure of a streamed result, whose message DuckDB's JDBC driver does not pass on. */
  private static final class StreamedFailure extends RuntimeException {
    StreamedFailure() {
      super(null, null, false, false);
    }
  }

  /**
   * A new database that holds the views of {@code tables} and may read their files ({@code held}) and
   * nothing else, its settings locked.
   */
  private DuckDBConnection build(boolean streaming, List<QueryTables.Planned> tables, Map<String, Path> local,
      List<Path> held) {
    DuckDBConnection engine;
    try {
      engine = duck(open(streaming));
    } catch (SQLException e) {
      throw new IllegalStateException("DuckDB could not start: " + e.getMessage(), e);
    }
    try {
      lockDown(engine, held);
      for (int i = 0; i < tables.size(); i++) {
        try {
          TableView.of(tables.get(i), cache, local).create(engine, i);
        } catch (SQLException e) {
          // a data file that is no Parquet, or whose columns do not have the table's types
          throw ApiException.conflict("The files of table %s cannot be read: %s", tables.get(i).display(),
              userMessage(e.getMessage(), held));
        }
      }
      execute(engine, "SET lock_configuration = true");
      return engine;
    } catch (SQLException e) {
      KeptEngines.close(engine);
      throw new IllegalStateException("DuckDB could not prepare the query: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      KeptEngines.close(engine);
      throw e;
    }
  }

  /** Runs {@code sql} on a connection of its own to {@code engine}. */
  private Rows runOn(DuckDBConnection engine, String sql, int maxRows, Duration timeout, long deadline,
      List<Path> files, boolean streaming) {
    try (Connection connection = engine.duplicate()) {
      return query(connection, sql, maxRows, timeout, deadline, files, streaming);
    } catch (SQLException e) {
      throw new IllegalStateException("DuckDB could not run the query: " + e.getMessage(), e);
    }
  }

  private Rows query(Connection connection, String sql, int maxRows, Duration timeout, long deadline,
      List<Path> files, boolean streaming) {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw timedOut(timeout, "reading the tables' files");
    }
    AtomicBoolean cancelled = new AtomicBoolean();
    try (Statement statement = connection.createStatement()) {
      ScheduledFuture<?> cancel = timer.schedule(() -> {
        cancelled.set(true);
        try {
          statement.cancel();
        } catch (SQLException ignored) {
          // the statement finished meanwhile
        }
      }, left, TimeUnit.NANOSECONDS);
      try (ResultSet result = statement.executeQuery(sql)) {
        ResultSetMetaData meta = result.getMetaData();
        List<Column> columns = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          columns.add(new Column(meta.getColumnName(i), meta.getColumnTypeName(i)));
        }
        List<List<Object>> rows = new ArrayList<>();
        boolean truncated = false;
        while (result.next()) {
          if (rows.size() == maxRows) {
            truncated = true;
            break;
          }
          List<Object> row = new ArrayList<>(columns.size());
          for (int i = 1; i <= columns.size(); i++) {
            row.add(value(result, i, columns.get(i - 1).type()));
          }
          rows.add(row);
        }
        return new Rows(columns, rows, truncated);
      } finally {
        cancel.cancel(false);
      }
    } catch (SQLException e) {
      if (cancelled.get()) {
        throw timedOut(timeout, "running");
      }
      if (streaming && String.valueOf(e.getMessage()).endsWith("Invalid result set")) {
        throw new StreamedFailure();
      }
      String message = userMessage(e.getMessage(), files);
      if (e.getMessage() != null && files.stream().anyMatch(file -> e.getMessage().contains(file.toString()))) {
        // DuckDB names one of the tables' files: the table's data is at fault, not the SQL
        throw ApiException.conflict("A data file of the query's tables cannot be read: %s", message);
      }
      if (message.startsWith("Out of Memory Error")) {
        throw ApiException.badRequest("The query needs more memory than the %s a query may use: %s",
            config.memoryLimit(), message);
      }
      throw ApiException.badRequest("%s", message);
    }
  }

  private static ApiException timedOut(Duration timeout, String while_) {
    return new ApiException(408, "Request Timeout", String.format(
        "The query did not finish within its timeout of %d ms (it was %s) and was cancelled; narrow it, or give a"
            + " larger timeoutMs", timeout.toMillis(), while_));
  }

  private Connection open() throws SQLException {
    return open(false);
  }

  /** A new in-memory database; {@code streaming}: its results are fetched as they are read, not first held whole. */
  private Connection open(boolean streaming) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("jdbc_stream_results", Boolean.toString(streaming));
    properties.setProperty("memory_limit", config.memoryLimit().asLongValue() / 1024 + "KiB");
    properties.setProperty("threads", Integer.toString(Math.max(1, config.threads())));
    properties.setProperty("autoinstall_known_extensions", "false");
    properties.setProperty("autoload_known_extensions", "false");
    Connection connection = DriverManager.getConnection("jdbc:duckdb:", properties);
    execute(connection, "SET TimeZone = 'UTC'");
    return connection;
  }

  /**
   * The engine may read {@code files} and nothing else: no other file, no network, no extension, no
   * spill file (a query past its memory fails instead).
   */
  private static void lockDown(Connection connection, List<Path> files) throws SQLException {
    StringBuilder allowed = new StringBuilder("SET allowed_paths = [");
    Set<Path> distinct = new HashSet<>(files);
    int n = 0;
    for (Path file : distinct) {
      allowed.append(n++ == 0 ? "" : ", ").append(literal(file.toString()));
    }
    execute(connection, allowed.append(']').toString());
    execute(connection, "SET temp_directory = ''");
    execute(connection, "SET enable_external_access = false");
    execute(connection, "SET allow_community_extensions = false");
  }

  static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /** A value as JSON writes it: numbers, strings, booleans, lists and objects. */
  private static Object value(ResultSet result, int column, String type) throws SQLException {
    if (type.equals("TIMESTAMP") || type.equals("TIMESTAMP_NS") || type.equals("TIMESTAMP_MS") || type.equals("TIMESTAMP_S")) {
      LocalDateTime time = result.getObject(column, LocalDateTime.class);
      return time == null ? null : time.toString();
    }
    return plain(result.getObject(column));
  }

  private static Object plain(Object value) throws SQLException {
    if (value == null || value instanceof Number && !(value instanceof Double || value instanceof Float)
        || value instanceof Boolean || value instanceof String) {
      return value;
    }
    if (value instanceof Double || value instanceof Float) {
      double number = ((Number) value).doubleValue();
      return Double.isFinite(number) ? value : Double.toString(number); // JSON has no NaN or Infinity
    }
    if (value instanceof java.sql.Array array) {
      List<Object> list = new ArrayList<>();
      for (Object element : (Object[]) array.getArray()) {
        list.add(plain(element));
      }
      return list;
    }
    if (value instanceof DuckDBStruct struct) {
      Map<String, Object> object = new LinkedHashMap<>();
      for (Map.Entry<String, Object> field : struct.getMap().entrySet()) {
        object.put(field.getKey(), plain(field.getValue()));
      }
      return object;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> object = new LinkedHashMap<>();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        object.put(String.valueOf(entry.getKey()), plain(entry.getValue()));
      }
      return object;
    }
    if (value instanceof Blob blob) {
      return Base64.getEncoder().encodeToString(blob.getBytes(1, (int) blob.length()));
    }
    if (value instanceof byte[] bytes) {
      return Base64.getEncoder().encodeToString(bytes);
    }
    if (value instanceof java.sql.Timestamp timestamp) {
      return timestamp.toLocalDateTime().toString();
    }
    return value.toString(); // dates, times, offsets, UUIDs, intervals: their ISO text
  }

  /** DuckDB's words for the user, without what is none of the user's business (the server's paths). */
  static String userMessage(String message) {
    return userMessage(message, List.of());
  }

  /** The same, with the paths of {@code files} (the query's data files) replaced too, whatever their names. */
  static String userMessage(String message, List<Path> files) {
    if (message == null) {
      return "The query failed";
    }
    String text = message.replaceFirst("^(java\\.sql\\.)?SQLException: ", "");
    for (Path file : files) {
      text = text.replace(file.toString(), "<data file>");
    }
    return text.replaceAll("(/[^\\s\"'/]+)+/" + RESERVED_PREFIX + "[^\\s\"']*", "<file>")
        .replaceAll("\"?(/[^\\s\"']+)+\\.parquet\"?", "<data file>").strip();
  }

  static String identifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  static DuckDBConnection duck(Connection connection) throws SQLException {
    return connection.unwrap(DuckDBConnection.class);
  }
}
