package io.ailake.data.tables;

import io.ailake.api.ApiException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;

/**
 * Partitioning as a list of terms, as engines write it: {@code category} (identity), {@code year(ts)},
 * {@code month(ts)}, {@code day(ts)}, {@code hour(ts)}, {@code bucket(16, id)}, {@code truncate(10, name)}.
 */
final class PartitionFields {

  private static final Pattern TERM = Pattern.compile(
      "\\s*(?:(?<fn>[A-Za-z]+)\\s*\\(\\s*(?:(?<n>\\d{1,9})\\s*,\\s*)?(?<arg>[^,()\\s][^,()]*?)\\s*\\)|(?<col>[^,()]+?))\\s*");

  static final String KNOWN = "a column (identity), year(col), month(col), day(col), hour(col), bucket(n, col),"
      + " truncate(width, col)";

  private PartitionFields() {}

  /** The spec the terms describe over {@code schema}; a term that does not fit is a 400 that names it. */
  static PartitionSpec spec(Schema schema, List<String> terms) {
    PartitionSpec.Builder spec = PartitionSpec.builderFor(schema);
    if (terms == null) {
      return spec.build();
    }
    for (String term : terms) {
      if (term == null || term.isBlank()) {
        throw ApiException.badRequest("partitionBy holds an empty term; each is %s", KNOWN);
      }
      Matcher m = TERM.matcher(term);
      if (!m.matches()) {
        throw ApiException.badRequest("partitionBy term '%s' is not one of %s", Shown.of(term), KNOWN);
      }
      try {
        if (m.group("col") != null) {
          spec.identity(column(schema, term, m.group("col")));
          continue;
        }
        String function = m.group("fn").toLowerCase(Locale.ROOT);
        String column = column(schema, term, m.group("arg"));
        Integer n = m.group("n") == null ? null : Integer.valueOf(m.group("n"));
        boolean takesNumber = function.equals("bucket") || function.equals("truncate");
        if (takesNumber != (n != null)) {
          throw ApiException.badRequest("partitionBy term '%s': %s", Shown.of(term),
              takesNumber ? function + " takes a number first: " + function + "(16, col)"
                  : function + " takes only a column: " + function + "(col)");
        }
        switch (function) {
          case "identity" -> spec.identity(column);
          case "year", "years" -> spec.year(column);
          case "month", "months" -> spec.month(column);
          case "day", "days" -> spec.day(column);
          case "hour", "hours" -> spec.hour(column);
          case "bucket" -> spec.bucket(column, positive(term, n));
          case "truncate" -> spec.truncate(column, positive(term, n));
          default -> throw ApiException.badRequest("partitionBy term '%s': unknown transform '%s' (%s)",
              Shown.of(term), Shown.of(function), KNOWN);
        }
      } catch (IllegalArgumentException | org.apache.iceberg.exceptions.ValidationException e) {
        throw ApiException.badRequest("partitionBy term '%s': %s", Shown.of(term), e.getMessage());
      }
    }
    try {
      return spec.build();
    } catch (IllegalArgumentException | org.apache.iceberg.exceptions.ValidationException e) {
      // the spec checks a transform against its source's type only when built: tell which term it refused
      if (terms.size() > 1) {
        for (String term : terms) {
          spec(schema, List.of(term));
        }
      }
      throw ApiException.badRequest("partitionBy%s: %s",
          terms.size() == 1 ? " term '" + Shown.of(terms.get(0)) + "'" : "", e.getMessage());
    }
  }

  private static String column(Schema schema, String term, String name) {
    String column = name.trim();
    if (schema.findField(column) == null) {
      throw ApiException.badRequest("partitionBy term '%s': no column '%s'", Shown.of(term), Shown.of(column));
    }
    return column;
  }

  private static int positive(String term, int n) {
    if (n < 1) {
      throw ApiException.badRequest("partitionBy term '%s': the number must be at least 1", Shown.of(term));
    }
    return n;
  }

  /** The terms that describe {@code spec}, as {@link #spec} reads them. */
  static List<String> terms(PartitionSpec spec, Schema schema) {
    return spec.fields().stream().map(field -> term(field, schema)).toList();
  }

  static String term(PartitionField field, Schema schema) {
    String column = schema.findColumnName(field.sourceId());
    String source = column == null ? "#" + field.sourceId() : column;
    String transform = field.transform().toString();
    Matcher numbered = Pattern.compile("(bucket|truncate)\\[(\\d+)]").matcher(transform);
    if (numbered.matches()) {
      return numbered.group(1) + "(" + numbered.group(2) + ", " + source + ")";
    }
    return transform.equals("identity") ? source : transform + "(" + source + ")";
  }
}
