package io.ailake.storage;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Where a storage root really is, in one spelling per place, so that two roots can be told to overlap:
 * a local directory by its real path (symlinks, {@code .}, {@code ..} and {@code /proc/...} aliases
 * resolved), an S3 prefix by its endpoint (case, default port, loopback aliases), bucket and key segments.
 */
public final class StoragePlaces {

  /** The endpoint key of AWS S3 itself: bucket names are global there, whatever the regional host. */
  static final String AWS = "aws";

  private StoragePlaces() {}

  /** A namespace (local disk, or one S3 endpoint) and the path segments of a root within it. */
  public record Place(String namespace, List<String> segments) {

    /** Whether one holds the other: whole segments, so {@code /a/b} and {@code /a/bc} do not overlap. */
    public boolean overlaps(Place other) {
      return namespace.equals(other.namespace) && (startsWith(segments, other.segments)
          || startsWith(other.segments, segments));
    }

    /** Whether {@code other} is this place or lies under it. */
    public boolean contains(Place other) {
      return namespace.equals(other.namespace) && startsWith(other.segments, segments);
    }

    private static boolean startsWith(List<String> path, List<String> prefix) {
      return path.size() >= prefix.size() && path.subList(0, prefix.size()).equals(prefix);
    }
  }

  /** A local directory, by its real path. */
  public static Place local(Path directory) {
    List<String> segments = new ArrayList<>();
    realPathOrNormal(directory).forEach(name -> segments.add(name.toString()));
    return new Place("file", segments);
  }

  /**
   * An S3 root ({@code s3://bucket/prefix}) on an endpoint (null: AWS). Stored roots are normalized when
   * registered; older ones may still hold {@code .}, {@code ..} or empty segments, resolved here as a
   * store that keeps objects as files would resolve them.
   */
  public static Place s3(String root, String endpoint) {
    String path = root.replaceFirst("^(?i)s3[an]?://", "");
    Deque<String> segments = new ArrayDeque<>();
    for (String segment : path.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        if (segments.size() > 1) { // never above the bucket
          segments.removeLast();
        }
        continue;
      }
      segments.addLast(segment);
    }
    return new Place("s3|" + endpointKey(endpoint), List.copyOf(segments));
  }

  /**
   * One key per S3 endpoint: host in lower case, the scheme's default port made explicit, loopback
   * names as one, every AWS host as one. Two keys that differ may still be one store behind DNS; the
   * operator's network decides that, not the service.
   */
  public static String endpointKey(String endpoint) {
    if (endpoint == null || endpoint.isBlank()) {
      return AWS;
    }
    String trimmed = endpoint.trim();
    URI uri;
    try {
      uri = new URI(trimmed);
    } catch (URISyntaxException e) {
      return trimmed.toLowerCase(Locale.ROOT);
    }
    if (uri.getHost() == null) {
      return trimmed.toLowerCase(Locale.ROOT);
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT).replaceFirst("\\.$", "");
    if (host.equals("amazonaws.com") || host.endsWith(".amazonaws.com")) {
      return AWS;
    }
    if (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1")
        || host.equals("0.0.0.0")) {
      host = "loopback";
    }
    int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    return host + ":" + port;
  }

  /**
   * An endpoint as stored: scheme and host in lower case, no trailing slash; port and path as given.
   */
  static String normalizeEndpoint(URI uri) {
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    String port = uri.getPort() >= 0 ? ":" + uri.getPort() : "";
    String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceFirst("/+$", "");
    return scheme + "://" + host + port + path;
  }

  /**
   * The real path of a directory that may not exist yet: the deepest existing ancestor's real path
   * (every symlink resolved) with the rest appended. A dangling symlink on the way is an
   * {@link IOException}: where it would lead is not known.
   */
  public static Path realPath(Path path) throws IOException {
    Path absolute = path.toAbsolutePath();
    Deque<Path> missing = new ArrayDeque<>();
    Path existing = absolute;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      missing.push(existing.getFileName());
      existing = existing.getParent();
    }
    Path real = existing == null ? absolute.getRoot() : existing.toRealPath();
    for (Path name : missing) {
      real = real.resolve(name);
    }
    Path normal = real.normalize();
    if (!normal.equals(real)) {
      // ".." after a missing directory: resolve what is left again, from a place that exists
      return normal.equals(absolute) ? normal : realPath(normal);
    }
    return normal;
  }

  /** The real path, or the normalized absolute path when it cannot be resolved. */
  static Path realPathOrNormal(Path path) {
    try {
      return realPath(path);
    } catch (IOException | InvalidPathException | SecurityException e) {
      return path.toAbsolutePath().normalize();
    }
  }
}
