package io.ailake.iceberg;

import io.ailake.storage.LocalFileIO;
import io.ailake.storage.Storage;
import java.nio.file.InvalidPathException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a purge or a deprovision deleted and what it left, and why: the operation's result. Only the
 * first {@value #LISTED} locations left are listed; {@code retainedCount} counts them all. Thread-safe:
 * a purge deletes in parallel.
 */
public final class DeletionReport {

  /** How many retained locations a result lists; a foreign dataset may hold millions of files. */
  public static final int LISTED = 100;

  static final String NOT_REACHED = "reached by no metadata of a deleted table: the catalog did not write it,"
      + " or wrote it for a commit that did not happen";
  static final String OUTSIDE_STORAGES = "outside the storages of the table's organization";
  static final String GC_DISABLED =
      "a data or delete file of a table with gc.enabled=false: it may be shared with other tables";

  private final AtomicLong deleted = new AtomicLong();
  private final AtomicLong retainedCount = new AtomicLong();
  private final List<Map<String, String>> retained = new ArrayList<>();
  /** Every location reported retained, in one spelling, so a later listing does not report it again. */
  private final Set<String> accounted = ConcurrentHashMap.newKeySet();
  void deleted() {
    deleted.incrementAndGet();
  }

  /** Records a location that stays, once per location. */
  public void retained(String location, String reason) {
    if (!accounted.add(key(location))) {
      return;
    }
    retainedCount.incrementAndGet();
    synchronized (retained) {
      if (retained.size() < LISTED) {
        Map<String, String> entry = new LinkedHashMap<>();
        entry.put("location", location);
        entry.put("reason", reason);
        retained.add(entry);
      }
    }
  }

  boolean isAccounted(String location) {
    return accounted.contains(key(location));
  }

  public long retainedCount() {
    return retainedCount.get();
  }

  /** The operation's result: {@code deletedFiles}, {@code retainedCount} and the listed {@code retained}. */
  public Map<String, Object> result() {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("deletedFiles", deleted.get());
    result.put("retainedCount", retainedCount.get());
    synchronized (retained) {
      result.put("retained", List.copyOf(retained));
    }
    return result;
  }

  /** One spelling per place ({@code file:/x} and {@code /x}; {@code s3a://} and {@code s3://}). */
  private static String key(String location) {
    if (Storage.typeOf(location) == Storage.Type.S3) {
      return "s3" + location.substring(location.indexOf("://"));
    }
    try {
      return LocalFileIO.location(LocalFileIO.parse(location).normalize());
    } catch (InvalidPathException e) {
      return location;
    }
  }
}
