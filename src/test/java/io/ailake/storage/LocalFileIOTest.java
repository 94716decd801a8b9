package io.ailake.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.io.SeekableInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFileIOTest {

  @TempDir Path dir;

  private final LocalFileIO io = new LocalFileIO();

  @Test
  void aFileIsInvisibleUntilItsStreamIsClosed() throws IOException {
    String location = "file:" + dir.resolve("a/b/metadata.json");
    PositionOutputStream out = io.newOutputFile(location).create();
    out.write("{}".getBytes(StandardCharsets.UTF_8));

    assertThat(io.newInputFile(location).exists()).isFalse();
    out.close();
    assertThat(io.newInputFile(location).exists()).isTrue();
    assertThat(Files.readString(dir.resolve("a/b/metadata.json"))).isEqualTo("{}");
    assertThat(Files.list(dir.resolve("a/b"))).hasSize(1); // no temporary file left behind
  }

  @Test
  void positionStaysReadableAfterCloseAndCloseIsIdempotent() throws IOException {
    PositionOutputStream out = io.newOutputFile("file://" + dir.resolve("f")).create();
    out.write(new byte[] {1, 2, 3});
    out.write(new byte[] {9, 4, 5, 9}, 1, 2);
    out.close();
    out.close();

    assertThat(out.getPos()).isEqualTo(5);
    assertThat(io.newInputFile(dir.resolve("f").toString()).getLength()).isEqualTo(5);
  }

  @Test
  void createRefusesAnExistingFileButCreateOrOverwriteReplacesIt() throws IOException {
    String location = "file:" + dir.resolve("x");
    try (PositionOutputStream out = io.newOutputFile(location).create()) {
      out.write(1);
    }

    assertThatThrownBy(() -> io.newOutputFile(location).create())
        .isInstanceOf(AlreadyExistsException.class);
    try (PositionOutputStream out = io.newOutputFile(location).createOrOverwrite()) {
      out.write(new byte[] {7, 7});
    }
    assertThat(io.newInputFile(location).getLength()).isEqualTo(2);
  }

  @Test
  void readsSeekAndSkip() throws IOException {
    Files.write(dir.resolve("r"), new byte[] {0, 1, 2, 3, 4, 5});
    try (SeekableInputStream in = io.newInputFile("file:" + dir.resolve("r")).newStream()) {
      in.seek(4);
      assertThat(in.read()).isEqualTo(4);
      assertThat(in.getPos()).isEqualTo(5);
      in.seek(1);
      assertThat(in.skip(2)).isEqualTo(2);
      assertThat(in.read()).isEqualTo(3);
    }
  }

  @Test
  void aMissingFileIsNotFoundWithItsLocationInTheMessage() {
    String location = "file:" + dir.resolve("missing.json");

    assertThatThrownBy(() -> io.newInputFile(location).newStream())
        .isInstanceOf(NotFoundException.class)
        .hasMessage("Failed to open input stream for file: " + location);
  }

  @Test
  void listsAndDeletesByPrefix() throws IOException {
    Files.createDirectories(dir.resolve("t/data"));
    Files.write(dir.resolve("t/data/1.parquet"), new byte[3]);
    Files.write(dir.resolve("t/m.json"), new byte[2]);
    Files.write(dir.resolve("other"), new byte[1]);

    assertThat(io.listPrefix("file:" + dir.resolve("t")))
        .extracting(FileInfo::size)
        .containsExactlyInAnyOrder(3L, 2L);
    io.deletePrefix("file:" + dir.resolve("t"));
    assertThat(dir.resolve("t")).doesNotExist();
    assertThat(dir.resolve("other")).exists();
    io.deleteFile("file:" + dir.resolve("other"));
    io.deleteFile("file:" + dir.resolve("other")); // deleting what is gone is fine
    assertThat(dir.resolve("other")).doesNotExist();
  }

  @Test
  void listingAndDeletingToleratesFilesVanishingMeanwhile() throws Exception {
    for (int d = 0; d < 50; d++) {
      Files.createDirectories(dir.resolve("busy/d" + d));
      for (int f = 0; f < 20; f++) {
        Files.write(dir.resolve("busy/d" + d + "/f" + f), new byte[1]);
      }
    }
    String prefix = "file:" + dir.resolve("busy");
    Thread deleter = new Thread(() -> io.deletePrefix(prefix));
    deleter.start();
    for (int i = 0; i < 20 && deleter.isAlive(); i++) {
      io.listPrefix(prefix).forEach(info -> assertThat(info.location()).startsWith(prefix));
    }
    deleter.join();
    io.deletePrefix(prefix); // a second delete of what is gone is fine

    assertThat(io.listPrefix(prefix)).isEmpty();
    assertThat(dir.resolve("busy")).doesNotExist();
  }

  @Test
  void locationsAreTakenAsWrittenSoNamesMayHoldSpaces() throws IOException {
    String location = "file:" + dir.resolve("my table-1/metadata/v1.json");
    try (PositionOutputStream out = io.newOutputFile(location).create()) {
      out.write(new byte[] {1, 2});
    }

    assertThat(dir.resolve("my table-1/metadata/v1.json")).exists();
    assertThat(io.newInputFile(location).getLength()).isEqualTo(2);
    assertThat(io.listPrefix("file:" + dir.resolve("my table-1")))
        .extracting(FileInfo::location)
        .containsExactly(location);
  }

  @Test
  void rejectsRelativeLocations() {
    assertThatThrownBy(() -> io.newInputFile("relative/path"))
        .isInstanceOf(IllegalArgumentException.class);
  }

}
