package dev.kiln.executor.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.kiln.executor.proto.content.ContentGrpc;
import dev.kiln.executor.proto.content.InfoRequest;
import dev.kiln.executor.proto.content.ReadContentRequest;
import dev.kiln.executor.proto.content.ReadContentResponse;
import dev.kiln.executor.proto.content.WriteAction;
import dev.kiln.executor.proto.content.WriteContentRequest;
import dev.kiln.executor.proto.content.WriteContentResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The content store as the engine uses it for a {@code type=local} cache (in-process gRPC peer). */
class ContentServiceTest {
  @TempDir Path dir;
  Server server;
  ManagedChannel channel;
  OciLayout layout;

  @BeforeEach
  void serve() throws Exception {
    layout = new OciLayout(dir.resolve("cache"));
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name)
        .addService(new ContentService(Map.of(ContentService.storeId("/ci/cache"), layout)).definition())
        .build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  private ContentGrpc.ContentStub async(String storeId) {
    Metadata md = new Metadata();
    md.put(ContentService.STORE_ID, storeId);
    return ContentGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
  }

  private ContentGrpc.ContentBlockingStub blocking(String storeId) {
    Metadata md = new Metadata();
    md.put(ContentService.STORE_ID, storeId);
    return ContentGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
  }

  private static String sha256(byte[] data) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  /** Sends {@code requests} on one Write stream, each after the previous answer, as the engine does. */
  private List<WriteContentResponse> write(List<WriteContentRequest> requests) throws Exception {
    List<WriteContentResponse> answers = new ArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    BlockingQueue<Object> replies = new LinkedBlockingQueue<>();
    StreamObserver<WriteContentRequest> out = async("local:/ci/cache").write(new StreamObserver<>() {
      @Override
      public void onNext(WriteContentResponse r) {
        replies.add(r);
      }

      @Override
      public void onError(Throwable t) {
        replies.add(t);
        done.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        done.complete(null);
      }
    });
    for (WriteContentRequest r : requests) {
      out.onNext(r);
      Object reply = replies.poll(10, TimeUnit.SECONDS);
      if (reply instanceof Throwable t) {
        throw (Exception) t;
      }
      answers.add((WriteContentResponse) reply);
    }
    out.onCompleted();
    done.get(10, TimeUnit.SECONDS);
    return answers;
  }

  @Test
  void aBlobWrittenInChunksIsCommittedVerifiedAndReadBack() throws Exception {
    byte[] blob = new byte[3 * 1024 * 1024 + 17];
    new Random(1).nextBytes(blob);
    String digest = sha256(blob);
    int half = blob.length / 2;
    List<WriteContentResponse> answers = write(List.of(
        WriteContentRequest.newBuilder().setAction(WriteAction.STAT).setRef("layer-1").setTotal(blob.length)
            .build(),
        WriteContentRequest.newBuilder().setAction(WriteAction.WRITE).setOffset(0)
            .setData(ByteString.copyFrom(blob, 0, half)).build(),
        WriteContentRequest.newBuilder().setAction(WriteAction.WRITE).setOffset(half)
            .setData(ByteString.copyFrom(blob, half, blob.length - half)).build(),
        WriteContentRequest.newBuilder().setAction(WriteAction.COMMIT).setOffset(blob.length)
            .setTotal(blob.length).setExpected(digest).build()));
    assertThat(answers.get(0).getOffset()).isZero();
    assertThat(answers.get(0).getTotal()).isEqualTo(blob.length);
    assertThat(answers.get(1).getOffset()).isEqualTo(half);
    assertThat(answers.get(3).getDigest()).isEqualTo(digest);
    assertThat(answers.get(3).getOffset()).isEqualTo(blob.length);
    assertThat(Files.readAllBytes(layout.blob(digest))).isEqualTo(blob);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
        layout.blob(digest)))).isEqualTo("rw-r--r--");
    assertThat(Files.list(dir.resolve("cache/ingest"))).as("nothing partial is left").isEmpty();

    var info = blocking("local:/ci/cache").info(InfoRequest.newBuilder().setDigest(digest).build()).getInfo();
    assertThat(info.getSize()).isEqualTo(blob.length);
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    long offset = 100;
    var chunks = blocking("local:/ci/cache").read(ReadContentRequest.newBuilder().setDigest(digest)
        .setOffset(offset).build());
    int n = 0;
    while (chunks.hasNext()) {
      ReadContentResponse r = chunks.next();
      assertThat(r.getOffset()).isEqualTo(offset + read.size());
      assertThat(r.getData().size()).isLessThanOrEqualTo(1 << 20);
      r.getData().writeTo(read);
      n++;
    }
    assertThat(n).isGreaterThan(1);
    assertThat(read.toByteArray()).isEqualTo(Arrays.copyOfRange(blob, (int) offset, blob.length));
  }

  @Test
  void contentThatDoesNotMatchItsDigestIsNeverStored() throws Exception {
    byte[] blob = "the real layer".getBytes();
    String other = sha256("another layer".getBytes());
    assertThatThrownBy(() -> write(List.of(
        WriteContentRequest.newBuilder().setAction(WriteAction.STAT).setRef("x").build(),
        WriteContentRequest.newBuilder().setAction(WriteAction.COMMIT).setData(ByteString.copyFrom(blob))
            .setTotal(blob.length).setExpected(other).build())))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
          assertThat(e.getStatus().getDescription()).contains("unexpected commit digest");
        });
    assertThat(Files.exists(layout.blob(other))).isFalse();
    assertThat(Files.exists(layout.blob(sha256(blob)))).isFalse();
  }

  @Test
  void aBlobTheCacheHoldsIsAlreadyThereAndUnknownOnesAreNotFound() throws Exception {
    byte[] blob = "config".getBytes();
    String digest = sha256(blob);
    write(List.of(WriteContentRequest.newBuilder().setAction(WriteAction.COMMIT).setRef("c")
        .setData(ByteString.copyFrom(blob)).setExpected(digest).build()));
    // The engine takes ALREADY_EXISTS as "nothing to send".
    assertThatThrownBy(() -> write(List.of(WriteContentRequest.newBuilder().setAction(WriteAction.STAT)
        .setRef("c2").setExpected(digest).build())))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS));
    String missing = sha256("missing".getBytes());
    assertThatThrownBy(() -> blocking("local:/ci/cache").info(InfoRequest.newBuilder().setDigest(missing).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void theStoreIsChosenByItsHeader() {
    String digest = "sha256:" + "0".repeat(64);
    assertThatThrownBy(() -> blocking("local:/elsewhere").info(InfoRequest.newBuilder().setDigest(digest).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
          assertThat(e.getStatus().getDescription()).contains("unknown store local:/elsewhere");
        });
    assertThatThrownBy(() -> ContentGrpc.newBlockingStub(channel).info(InfoRequest.newBuilder().setDigest(digest)
        .build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }
}
