package io.ailake.logs;

import io.ailake.api.ApiException;
import io.ailake.iceberg.IcebergNames;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.QueryParam;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/**
 * The query of every log route ({@code @BeanParam}), documented once. Read as text so that a bad value is
 * our 400 naming it.
 */
public class LogParameters {

  /** The most lines one answer holds: the last ones. */
  public static final int MAX_TAIL = 10_000;
  private static final Pattern AGO = Pattern.compile("([0-9]{1,9})([smhd])");
  /** PostgreSQL's timestamps end in the year 294276; no line is older than 1970. */
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  @QueryParam("since")
  @Parameter(description = "Only lines from this long ago (30s, 30m, 1h, 1d) or from this time (RFC 3339,"
      + " e.g. 2026-05-07T10:15:30Z) on", schema = @Schema(type = SchemaType.STRING, example = "1h"))
  public String since;

  @QueryParam("tail")
  @Parameter(description = "Only the last this many lines (of those since); without it the last 10000",
      schema = @Schema(type = SchemaType.INTEGER, format = "int32", minimum = "0", maximum = "10000"))
  public String tail;

  @QueryParam("follow")
  @Parameter(description = "true: stream the lines, then new ones as they are written, until the operation or"
      + " sync ends (a database's or pipe table's until the client leaves): Server-Sent Events, or NDJSON"
      + " with Accept: application/x-ndjson",
      schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "false"))
  public String follow;

  @HeaderParam("Accept")
  @Parameter(hidden = true)
  public String accept;

  /** The checked query: since (null for all), tail, follow. */
  record Query(Instant since, int tail, boolean follow) {}

  Query check() {
    return new Query(since(), tail(), follow());
  }

  private Instant since() {
    if (since == null || since.isBlank()) {
      return null;
    }
    String value = since.trim();
    Matcher ago = AGO.matcher(value);
    Instant from;
    if (ago.matches()) {
      long amount = Long.parseLong(ago.group(1));
      Duration duration = switch (ago.group(2)) {
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
      from = Instant.now().minus(duration);
    } else {
      try {
        from = OffsetDateTime.parse(value.replace(' ', '+')).toInstant(); // an unescaped + of an offset arrives as a space
      } catch (DateTimeParseException e) {
        throw ApiException.badRequest("since is a duration (30s, 30m, 1h, 1d) or a time such as 2026-05-07T10:15:30Z;"
            + " got '%s'", IcebergNames.shown(since));
      }
    }
    return from.isBefore(Instant.EPOCH) ? Instant.EPOCH : from.isAfter(LATEST) ? LATEST : from;
  }

  private int tail() {
    if (tail == null || tail.isBlank()) {
      return MAX_TAIL;
    }
    try {
      int lines = Integer.parseInt(tail.trim());
      if (lines >= 0 && lines <= MAX_TAIL) {
        return lines;
      }
    } catch (NumberFormatException e) {
      // the 400 below
    }
    throw ApiException.badRequest("tail is a number of lines from 0 to %d; got '%s'", MAX_TAIL, IcebergNames.shown(tail));
  }

  private boolean follow() {
    if (follow == null || follow.isBlank() || follow.trim().equals("false")) {
      return false;
    }
    if (follow.trim().equals("true")) {
      return true;
    }
    throw ApiException.badRequest("follow is true or false; got '%s'", IcebergNames.shown(follow));
  }
}
