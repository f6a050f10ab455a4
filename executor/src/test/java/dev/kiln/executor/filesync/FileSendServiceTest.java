package dev.kiln.executor.filesync;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.kiln.executor.proto.fsutil.Packet;
import dev.kiln.executor.proto.fsutil.PacketType;
import dev.kiln.executor.proto.fsutil.Stat;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The receiving side of an export, driven packet by packet as an engine would (or a hostile one). */
class FileSendServiceTest {
  @TempDir Path base;
  Path target;
  Path outside;
  final List<Packet> sent = new ArrayList<>();
  final List<Throwable> errors = new ArrayList<>();
  FileSendService service;
  StreamObserver<Packet> receiver;

  @BeforeEach
  void start() throws Exception {
    target = base.resolve("staging");
    outside = Files.createDirectories(base.resolve("outside"));
    service = new FileSendService(target);
    receiver = service.diffCopy(new StreamObserver<>() {
      @Override
      public void onNext(Packet p) {
        sent.add(p);
      }

      @Override
      public void onError(Throwable t) {
        errors.add(t);
      }

      @Override
      public void onCompleted() {}
    });
  }

  private void stat(String path, int mode, String linkname) {
    receiver.onNext(Packet.newBuilder().setType(PacketType.PACKET_STAT).setStat(Stat.newBuilder().setPath(path)
        .setMode(mode).setLinkname(linkname)).build());
  }

  private void endOfListing() {
    receiver.onNext(Packet.newBuilder().setType(PacketType.PACKET_STAT).build());
  }

  private void data(int id, String text) {
    receiver.onNext(Packet.newBuilder().setType(PacketType.PACKET_DATA).setID(id)
        .setData(ByteString.copyFromUtf8(text)).build());
  }

  @Test
  void writesATreeWithItsLinksAsLinks() throws Exception {
    stat("dir", FileTree.GO_DIR | 0755, "");
    stat("dir/f.txt", 0644, "");
    stat("dir/up", FileTree.GO_SYMLINK | 0777, "/etc");
    endOfListing();
    data(1, "hello");
    data(1, "");
    receiver.onNext(Packet.newBuilder().setType(PacketType.PACKET_FIN).build());
    assertThat(errors).isEmpty();
    assertThat(service.completion()).isCompleted();
    assertThat(Files.readString(target.resolve("dir/f.txt"))).isEqualTo("hello");
    assertThat(Files.readSymbolicLink(target.resolve("dir/up"))).isEqualTo(Path.of("/etc"));
  }

  @Test
  void anEntryUnderALinkItSentIsRefusedAndNothingLandsOutside() throws Exception {
    stat("d", FileTree.GO_SYMLINK | 0777, outside.toString());
    stat("d/x", 0644, "");
    assertThat(errors).hasSize(1);
    assertThat(service.failure()).hasValueSatisfying(e -> assertThat(e.getMessage())
        .isEqualTo("the engine sent `d/x` under `d`, which it did not send as a directory"));
    assertThat(outside).isEmptyDirectory();
  }

  @Test
  void aDirectoryUnderALinkIsRefusedToo() throws Exception {
    stat("d", FileTree.GO_SYMLINK | 0777, outside.toString());
    stat("d/sub", FileTree.GO_DIR | 0755, "");
    assertThat(service.failure()).isPresent();
    assertThat(outside).isEmptyDirectory();
  }

  @Test
  void aHardLinkToAFileOutsideTheExportIsRefused() throws Exception {
    Files.writeString(outside.resolve("secret"), "outside");
    stat("l", FileTree.GO_SYMLINK | 0777, outside.toString());
    stat("h", 0644, "l/secret");
    assertThat(service.failure()).hasValueSatisfying(e -> assertThat(e.getMessage()).contains("not a file of this export"));
    assertThat(target.resolve("h")).doesNotExist();
  }

  @Test
  void pathsThatClimbOutAreRefused() throws Exception {
    stat("../escaped", 0644, "");
    assertThat(service.failure()).hasValueSatisfying(e -> assertThat(e.getMessage()).contains("escapes"));
    assertThat(base.resolve("escaped")).doesNotExist();
  }
}
