package dev.kiln.executor.cache;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import com.google.protobuf.Timestamp;
import dev.kiln.executor.proto.content.AbortRequest;
import dev.kiln.executor.proto.content.ContentGrpc;
import dev.kiln.executor.proto.content.Info;
import dev.kiln.executor.proto.content.InfoRequest;
import dev.kiln.executor.proto.content.InfoResponse;
import dev.kiln.executor.proto.content.ReadContentRequest;
import dev.kiln.executor.proto.content.ReadContentResponse;
import dev.kiln.executor.proto.content.WriteAction;
import dev.kiln.executor.proto.content.WriteContentRequest;
import dev.kiln.executor.proto.content.WriteContentResponse;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.Map;

/**
 * The session's content store: the engine reads and writes the blobs of {@code type=local} caches
 * through it, choosing the directory by the {@code buildkit-attachable-store-id} header
 * ({@code "local:" + dir}). Semantics follow containerd's content server, which the engine's
 * client expects: a write of a blob that exists fails with ALREADY_EXISTS, which the engine takes
 * as done.
 */
public final class ContentService extends ContentGrpc.ContentImplBase {
  static final Metadata.Key<String> STORE_ID =
      Metadata.Key.of("buildkit-attachable-store-id", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<String> STORE = Context.key("kiln-content-store");
  /** The engine accepts messages up to 16 MiB; containerd's server reads in 1 MiB chunks too. */
  private static final int CHUNK = 1 << 20;

  private final Map<String, OciLayout> stores;

  /** @param stores the layouts by store id ({@code "local:" + dir}, as the solve's attrs name them) */
  public ContentService(Map<String, OciLayout> stores) {
    this.stores = Map.copyOf(stores);
  }

  /** The store id under which the engine asks for {@code dir}. */
  public static String storeId(String dir) {
    return "local:" + dir;
  }

  /** The service with the interceptor that reads the store id header. */
  public ServerServiceDefinition definition() {
    return ServerInterceptors.intercept(this, new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        String id = headers.get(STORE_ID);
        return Contexts.interceptCall(Context.current().withValue(STORE, id == null ? "" : id), call, headers, next);
      }
    });
  }

  private OciLayout store() throws StatusException {
    String id = STORE.get();
    if (id == null || id.isEmpty()) {
      throw Status.INVALID_ARGUMENT.withDescription("request lacks metadata " + STORE_ID.name()).asException();
    }
    OciLayout store = stores.get(id);
    if (store == null) {
      throw Status.NOT_FOUND.withDescription("unknown store " + id).asException();
    }
    return store;
  }

  private static String digest(String digest) throws StatusException {
    if (!OciLayout.isDigest(digest)) {
      throw Status.INVALID_ARGUMENT.withDescription("unsupported digest " + digest).asException();
    }
    return digest;
  }

  @Override
  public void info(InfoRequest request, StreamObserver<InfoResponse> response) {
    try {
      String digest = digest(request.getDigest());
      OciLayout store = store();
      long size = store.size(digest).orElseThrow(() ->
          Status.NOT_FOUND.withDescription("content " + digest + ": not found").asException());
      Timestamp modified = timestamp(Files.getLastModifiedTime(store.blob(digest)).toInstant());
      response.onNext(InfoResponse.newBuilder().setInfo(Info.newBuilder().setDigest(digest).setSize(size)
          .setCreatedAt(modified).setUpdatedAt(modified)).build());
      response.onCompleted();
    } catch (StatusException e) {
      response.onError(e);
    } catch (IOException e) {
      response.onError(Status.INTERNAL.withDescription(e.getMessage()).asException());
    }
  }

  @Override
  public void read(ReadContentRequest request, StreamObserver<ReadContentResponse> response) {
    InputStream in;
    long offset;
    long remaining;
    try {
      String digest = digest(request.getDigest());
      OciLayout store = store();
      long size = store.size(digest).orElseThrow(() ->
          Status.NOT_FOUND.withDescription("content " + digest + ": not found").asException());
      offset = Math.max(0, request.getOffset());
      if (offset > size) {
        throw Status.OUT_OF_RANGE.withDescription("read past object length " + size + " bytes").asException();
      }
      remaining = request.getSize() <= 0 || offset + request.getSize() > size ? size - offset : request.getSize();
      in = Files.newInputStream(store.blob(digest));
      in.skipNBytes(offset);
    } catch (StatusException e) {
      response.onError(e);
      return;
    } catch (NoSuchFileException e) {
      response.onError(Status.NOT_FOUND.withDescription("content not found").asException());
      return;
    } catch (IOException e) {
      response.onError(Status.INTERNAL.withDescription(e.getMessage()).asException());
      return;
    }
    new Reader((ServerCallStreamObserver<ReadContentResponse>) response, in, offset, remaining).start();
  }

  /** Streams a blob as fast as the engine takes it, without buffering it all (layers can be large). */
  private static final class Reader implements Runnable {
    private final ServerCallStreamObserver<ReadContentResponse> out;
    private final InputStream in;
    private long offset;
    private long remaining;
    private boolean done;

    Reader(ServerCallStreamObserver<ReadContentResponse> out, InputStream in, long offset, long remaining) {
      this.out = out;
      this.in = in;
      this.offset = offset;
      this.remaining = remaining;
    }

    void start() {
      out.setOnCancelHandler(this::close);
      out.setOnReadyHandler(this);
      run();
    }

    @Override
    public synchronized void run() {
      try {
        while (!done && out.isReady()) {
          if (remaining == 0) {
            done = true;
            close();
            out.onCompleted();
            return;
          }
          byte[] chunk = in.readNBytes((int) Math.min(CHUNK, remaining));
          if (chunk.length == 0) {
            throw new IOException("content ended " + remaining + " bytes early");
          }
          out.onNext(ReadContentResponse.newBuilder().setOffset(offset).setData(ByteString.copyFrom(chunk)).build());
          offset += chunk.length;
          remaining -= chunk.length;
        }
      } catch (IOException e) {
        done = true;
        close();
        out.onError(Status.INTERNAL.withDescription(e.getMessage()).asException());
      }
    }

    private void close() {
      try {
        in.close();
      } catch (IOException ignored) {
        // Reading is over either way.
      }
    }
  }

  @Override
  public StreamObserver<WriteContentRequest> write(StreamObserver<WriteContentResponse> response) {
    return new Writer(response);
  }

  /** One {@code Write} stream: STAT, then WRITEs, then a COMMIT, on one ingest. */
  private final class Writer implements StreamObserver<WriteContentRequest> {
    private final StreamObserver<WriteContentResponse> response;
    private final Timestamp started = timestamp(Instant.now());
    private OciLayout store;
    private OciLayout.Ingest ingest;
    private long total;
    private String expected = "";
    private boolean finished;

    Writer(StreamObserver<WriteContentResponse> response) {
      this.response = response;
    }

    @Override
    public void onNext(WriteContentRequest req) {
      if (finished) {
        return;
      }
      try {
        if (ingest == null) {
          if (req.getRef().isEmpty()) {
            throw Status.INVALID_ARGUMENT.withDescription("first message must have a reference").asException();
          }
          store = store();
          ingest = store.ingest();
        }
        if (!req.getExpected().isEmpty()) {
          expected = digest(req.getExpected());
          if (store.size(expected).isPresent()) {
            throw Status.ALREADY_EXISTS.withDescription("blob with expected digest " + expected + " exists")
                .asException();
          }
        }
        if (req.getTotal() > 0) {
          total = req.getTotal();
        }
        WriteContentResponse.Builder msg = WriteContentResponse.newBuilder().setAction(req.getAction())
            .setOffset(ingest.offset());
        switch (req.getAction()) {
          case STAT -> msg.setStartedAt(started).setUpdatedAt(timestamp(Instant.now())).setTotal(total);
          case WRITE, COMMIT -> {
            if (req.getOffset() > 0 && req.getOffset() != ingest.offset()) {
              throw Status.OUT_OF_RANGE.withDescription("write @" + req.getOffset() + " must occur at current offset "
                  + ingest.offset()).asException();
            }
            if (req.getOffset() == 0 && ingest.offset() > 0) {
              ingest.reset();
            }
            if (!req.getData().isEmpty()) {
              ingest.write(req.getData().toByteArray());
            }
            msg.setOffset(ingest.offset());
            if (req.getAction() == WriteAction.COMMIT) {
              msg.setDigest(commit());
            }
          }
          default -> throw Status.INVALID_ARGUMENT.withDescription("unknown write action " + req.getAction())
              .asException();
        }
        response.onNext(msg.build());
        if (req.getAction() == WriteAction.COMMIT) {
          finish();
          response.onCompleted();
        }
      } catch (StatusException e) {
        fail(e);
      } catch (IOException e) {
        fail(Status.INTERNAL.withDescription(e.getMessage()).asException());
      }
    }

    private String commit() throws StatusException, IOException {
      try {
        return ingest.commit(total, expected);
      } catch (OciLayout.CommitMismatchException e) {
        throw Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asException();
      }
    }

    private void fail(StatusException e) {
      finish();
      response.onError(e);
    }

    private void finish() {
      finished = true;
      if (ingest != null) {
        try {
          ingest.close();
        } catch (IOException ignored) {
          // A leftover partial file in ingest/ is harmless; the next export writes its own.
        }
      }
    }

    @Override
    public void onError(Throwable t) {
      finish();
    }

    @Override
    public void onCompleted() {
      // The engine closes its side after a STAT when the blob needs no writing; nothing was committed.
      if (!finished) {
        finish();
        response.onCompleted();
      }
    }
  }

  @Override
  public void abort(AbortRequest request, StreamObserver<Empty> response) {
    // Each Write stream has its own ingest, dropped when the stream ends: nothing outlives it.
    response.onNext(Empty.getDefaultInstance());
    response.onCompleted();
  }

  private static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
