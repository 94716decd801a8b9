package io.ailake.api;

import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * PostgreSQL refusing what a request asked for, found among a failure's causes: a duplicate (a create
 * that lost a race to the same name, SQL state 23505) or a reference to a row removed meanwhile (23503)
 * is a conflict, a value it cannot store (class 22, or an index entry over its size limit, 54000) is bad
 * input. Both API families' error mappers ask here before they call a failure a fault of ours.
 */
public record SqlRefusal(int status, Kind kind, String message) {

  public enum Kind { DUPLICATE, GONE, INVALID_VALUE }

  /** What a user calls the rows of each table with a unique name. */
  private static final Map<String, String> THINGS = Map.of(
      "warehouse", "A database",
      "data_source", "A data source",
      "organization", "An organization",
      "catalog_object", "A table or view",
      "namespace", "A namespace",
      "pipe_table", "A pipe table",
      "object_storage", "An object storage",
      "api_token", "A token");

  private static final Pattern KEY = Pattern.compile("Key \\((.+)\\)=\\((.+)\\) already exists\\.?");

  public static Optional<SqlRefusal> of(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        ServerErrorMessage server = sql instanceof PSQLException psql ? psql.getServerErrorMessage() : null;
        String said = server != null && server.getMessage() != null ? server.getMessage() : String.valueOf(sql.getMessage());
        if (state.equals("23505")) {
          return Optional.of(new SqlRefusal(409, Kind.DUPLICATE, duplicate(server)));
        }
        if (state.equals("23503")) {
          return Optional.of(new SqlRefusal(409, Kind.GONE,
              "Conflict: the request refers to something a concurrent request removed; retry after reloading it"));
        }
        if (state.startsWith("22") || state.equals("54000")) {
          return Optional.of(new SqlRefusal(400, Kind.INVALID_VALUE, "Invalid value in the request: " + said));
        }
      }
    }
    return Optional.empty();
  }

  private static String duplicate(ServerErrorMessage server) {
    String thing = server == null ? null : THINGS.get(server.getTable());
    String subject = thing == null ? "The object" : thing;
    String name = null;
    if (server != null && server.getDetail() != null) {
      Matcher key = KEY.matcher(server.getDetail());
      if (key.matches()) {
        String[] columns = key.group(1).split(", ");
        String values = key.group(2);
        // the name is the key's last column; the others are the ids of its owners
        if (!columns[columns.length - 1].endsWith("id")) {
          name = columns.length == 1 ? values : values.substring(values.lastIndexOf(", ") + 2);
        }
      }
    }
    return name == null
        ? subject + " of that name already exists (created by a concurrent request)"
        : subject + " named '" + name + "' already exists (created by a concurrent request)";
  }
}
