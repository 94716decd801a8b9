package io.ailake.postgres;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The statements on every request's path (reading the bearer token, the warehouse, a table's pointer, a
 * page of names; claiming an idempotency key, keeping the response, the audit record) as plain JDBC on a pooled
 * connection, without an ORM session: through Hibernate's query machinery (and, for a read, a JTA
 * transaction of its own) each cost several times the statement itself. Inside a transaction the pool
 * hands out that transaction's connection, so they are part of it; they do not see changes the ORM has
 * not flushed yet, so they serve steps that come before a route changes anything, or touch rows the
 * ORM does not.
 */
@ApplicationScoped
public class RequestPathSql {

  /** Maps the current row of a result. */
  @FunctionalInterface
  public interface Row<T> {
    T map(ResultSet row) throws SQLException;
  }

  private final AgroalDataSource dataSource;

  RequestPathSql(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The first row {@code sql} selects, if any. */
  public <T> Optional<T> first(String sql, Row<T> row, Object... parameters) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = prepare(connection, sql, parameters);
        ResultSet rows = statement.executeQuery()) {
      return rows.next() ? Optional.of(row.map(rows)) : Optional.empty();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** The first row {@code sql} selects, if any. */
  public <T> Optional<T> first(NamedSql sql, NamedSql.Parameters parameters, Row<T> row) {
    return first(sql.positional(), row, sql.values(parameters));
  }

  /** Runs an INSERT, UPDATE or DELETE; the number of rows it changed. */
  public int update(NamedSql sql, NamedSql.Parameters parameters) {
    return update(sql.positional(), sql.values(parameters));
  }

  /** Every row {@code sql} selects. */
  public <T> List<T> all(String sql, Row<T> row, Object... parameters) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = prepare(connection, sql, parameters);
        ResultSet rows = statement.executeQuery()) {
      List<T> all = new ArrayList<>();
      while (rows.next()) {
        all.add(row.map(rows));
      }
      return all;
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** Runs an INSERT, UPDATE or DELETE; the number of rows it changed. */
  public int update(String sql, Object... parameters) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = prepare(connection, sql, parameters)) {
      return statement.executeUpdate();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  private static PreparedStatement prepare(Connection connection, String sql, Object... parameters)
      throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    for (int i = 0; i < parameters.length; i++) {
      statement.setObject(i + 1, parameters[i]);
    }
    return statement;
  }

  // the error mappers answer 503 for an unreachable database (SQL state class 08) found in the causes
  private static PersistenceException failure(SQLException e) {
    return new PersistenceException("PostgreSQL refused a statement: " + e.getMessage(), e);
  }
}
