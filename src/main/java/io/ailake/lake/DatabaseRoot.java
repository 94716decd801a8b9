package io.ailake.lake;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ailake.storage.FileIOs;
import io.ailake.storage.LocalFileIO;
import io.ailake.storage.Storage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.SupportsPrefixOperations;

/**
 * A database's root in its storage: the directory or key prefix its tables live under, and the marker
 * object the service writes there when it provisions it. A root that already holds something belongs
 * to someone else until the caller asks to adopt it.
 */
final class DatabaseRoot {

  static final String MARKER = ".ailake-database";
  private static final ObjectMapper JSON = new ObjectMapper();

  private DatabaseRoot() {}

  static String marker(String root) {
    return root + "/" + MARKER;
  }

  static byte[] markerContent(UUID databaseId, String name) {
    try {
      return JSON.writeValueAsBytes(Map.of("id", databaseId.toString(), "name", name));
    } catch (com.fasterxml.jackson.core.JsonProcessingException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  /**
   * The first thing under {@code root} other than the marker of database {@code ownId} (null: any
   * marker counts), or empty when the root holds nothing else. Reads one directory entry or one page
   * of a listing, whatever the root holds.
   */
  static Optional<String> firstForeignEntry(FileIO io, String root, UUID ownId) {
    if (Storage.typeOf(root) == Storage.Type.LOCAL) {
      return firstForeignLocalEntry(io, root, ownId);
    }
    Iterator<FileInfo> files = ((SupportsPrefixOperations) io).listPrefix(root + "/").iterator();
    while (files.hasNext()) {
      String location = files.next().location();
      if (!isOwnMarker(io, root, location, ownId)) {
        return Optional.of(location);
      }
    }
    return Optional.empty();
  }

  private static Optional<String> firstForeignLocalEntry(FileIO io, String root, UUID ownId) {
    Path directory = LocalFileIO.parse(root);
    if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.of(root);
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        String location = LocalFileIO.location(entry);
        if (!isOwnMarker(io, root, location, ownId)) {
          return Optional.of(location);
        }
      }
      return Optional.empty();
    } catch (NoSuchFileException gone) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + root, e);
    }
  }

  /** Whether {@code location} is the marker that database {@code id} wrote in {@code root}. */
  static boolean isOwnMarker(FileIO io, String root, String location, UUID id) {
    if (id == null || !location.endsWith("/" + MARKER) || !sameFile(location, marker(root))) {
      return false;
    }
    try {
      return id.toString().equals(JSON.readTree(FileIOs.readWhole(io, location)).path("id").asText());
    } catch (NotFoundException gone) {
      return false;
    } catch (IOException unreadable) {
      return false; // not a marker this service wrote
    }
  }

  private static boolean sameFile(String a, String b) {
    if (Storage.typeOf(a) == Storage.Type.LOCAL) {
      return LocalFileIO.parse(a).normalize().equals(LocalFileIO.parse(b).normalize());
    }
    return a.substring(a.indexOf("://")).equals(b.substring(b.indexOf("://")));
  }
}
