package dev.kiln.executor.filesync;

import com.google.protobuf.ByteString;
import dev.kiln.executor.proto.filesync.FileSyncGrpc;
import dev.kiln.executor.proto.fsutil.Packet;
import dev.kiln.executor.proto.fsutil.PacketType;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The session's FileSync service: the engine pulls a named local directory from Kiln. Kiln lists the
 * directory (filtered by the patterns the engine forwards), then sends the files the engine asks
 * for. File I/O runs on its own thread: the engine's health checks share the connection.
 */
public final class FileSyncService extends FileSyncGrpc.FileSyncImplBase {
  static final int CHUNK = 32 * 1024;
  private static final Context.Key<Metadata> HEADERS = Context.key("kiln-filesync-headers");

  private final Map<String, Path> dirs;
  private final AtomicLong filesSent = new AtomicLong();
  private final AtomicLong transfers = new AtomicLong();

  /** @param dirs the directories the engine may read, by local source name */
  public FileSyncService(Map<String, Path> dirs) {
    this.dirs = Map.copyOf(dirs);
  }

  /** How many files the engine asked for and got: fewer than listed when it kept the rest from an earlier sync. */
  public long filesSent() {
    return filesSent.get();
  }

  /** How many times the engine pulled a directory. */
  public long transfers() {
    return transfers.get();
  }

  /** This service with the interceptor that gives it the call's metadata (dir name, patterns). */
  public ServerServiceDefinition definition() {
    ServerInterceptor capture = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        return Contexts.interceptCall(Context.current().withValue(HEADERS, headers), call, headers, next);
      }
    };
    return ServerInterceptors.intercept(this, capture);
  }

  @Override
  public StreamObserver<Packet> diffCopy(StreamObserver<Packet> responses) {
    Metadata md = HEADERS.get();
    ServerCallStreamObserver<Packet> out = (ServerCallStreamObserver<Packet>) responses;
    String name = md == null ? null : first(md, "dir-name");
    Path dir = name == null ? null : dirs.get(name);
    if (dir == null) {
      responses.onError(Status.NOT_FOUND.withDescription("no access allowed to dir \"" + name + "\"").asRuntimeException());
      return new NoOp();
    }
    List<String> include = values(md, "include-patterns");
    List<String> exclude = values(md, "exclude-patterns");
    List<String> follow = values(md, "followpaths");
    transfers.incrementAndGet();
    Sender sender = new Sender(dir, include, exclude, follow, out, filesSent);
    sender.start();
    return sender;
  }

  private static String first(Metadata md, String key) {
    List<String> v = values(md, key);
    return v.isEmpty() ? null : v.get(0);
  }

  /** Multi-valued metadata; newer engines URL-escape values and say so with {@code <key>-encoded}. */
  static List<String> values(Metadata md, String key) {
    Iterable<String> raw = md.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
    List<String> out = new ArrayList<>();
    if (raw == null) {
      return out;
    }
    boolean encoded = md.containsKey(Metadata.Key.of(key + "-encoded", Metadata.ASCII_STRING_MARSHALLER));
    for (String v : raw) {
      out.add(encoded ? URLDecoder.decode(v, StandardCharsets.UTF_8) : v);
    }
    return out;
  }

  /** One transfer: lists, then answers requests, all on one thread in arrival order. */
  private static final class Sender implements StreamObserver<Packet> {
    private final Path dir;
    private final List<String> include;
    private final List<String> exclude;
    private final List<String> follow;
    private final ServerCallStreamObserver<Packet> out;
    private final AtomicLong filesSent;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "kiln-filesync");
      t.setDaemon(true);
      return t;
    });
    private final Object ready = new Object();
    private volatile List<FileTree.Entry> entries;
    private final Set<Integer> sent = new HashSet<>();
    private volatile boolean done;

    Sender(Path dir, List<String> include, List<String> exclude, List<String> follow,
        ServerCallStreamObserver<Packet> out, AtomicLong filesSent) {
      this.filesSent = filesSent;
      this.dir = dir;
      this.include = include;
      this.exclude = exclude;
      this.follow = follow;
      this.out = out;
      out.setOnReadyHandler(() -> {
        synchronized (ready) {
          ready.notifyAll();
        }
      });
      out.setOnCancelHandler(() -> {
        done = true;
        worker.shutdownNow();
      });
    }

    void start() {
      worker.execute(() -> {
        try {
          // Each entry goes out as the walk finds it: the engine compares what it has while the
          // walk goes on. Its requests wait on this thread until the listing is complete.
          entries = FileTree.list(dir, include, exclude, follow, e -> {
            if (done) {
              throw new CancellationException(); // the engine went away: the rest of the walk is not needed
            }
            send(Packet.newBuilder().setType(PacketType.PACKET_STAT).setStat(e.stat()).build());
          });
          send(Packet.newBuilder().setType(PacketType.PACKET_STAT).build()); // end of listing
        } catch (IOException | RuntimeException e) {
          fail("listing " + dir + ": " + e.getMessage());
        }
      });
    }

    @Override
    public void onNext(Packet p) {
      switch (p.getType()) {
        case PACKET_REQ -> worker.execute(() -> sendFile(p.getID()));
        case PACKET_FIN -> worker.execute(() -> {
          send(Packet.newBuilder().setType(PacketType.PACKET_FIN).build());
          finish();
        });
        case PACKET_ERR -> {
          done = true;
          worker.shutdownNow();
        }
        default -> { }
      }
    }

    private void sendFile(int id) {
      if (done) {
        return;
      }
      List<FileTree.Entry> list = entries;
      if (list == null || id < 0 || id >= list.size() || list.get(id).file() == null || !sent.add(id)) {
        fail("invalid file id " + id);
        return;
      }
      byte[] buf = new byte[CHUNK];
      // Listed as a regular file; never followed if it became a link since (it would lead anywhere).
      try (InputStream in = Files.newInputStream(list.get(id).file(), LinkOption.NOFOLLOW_LINKS)) {
        int n;
        while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
          send(Packet.newBuilder().setType(PacketType.PACKET_DATA).setID(id).setData(ByteString.copyFrom(buf, 0, n)).build());
        }
        send(Packet.newBuilder().setType(PacketType.PACKET_DATA).setID(id).build()); // end of this file
        filesSent.incrementAndGet();
      } catch (IOException e) {
        fail("reading " + list.get(id).stat().getPath() + ": " + e.getMessage());
      }
    }

    private void send(Packet p) {
      if (done) {
        return;
      }
      synchronized (ready) {
        while (!out.isReady() && !done && !out.isCancelled()) {
          try {
            ready.wait(100); // flow control: wait for grpc to drain what it holds
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done = true;
            return;
          }
        }
      }
      if (!out.isCancelled()) {
        out.onNext(p);
      }
    }

    private void fail(String message) {
      send(Packet.newBuilder().setType(PacketType.PACKET_ERR)
          .setData(ByteString.copyFromUtf8(message)).build());
      if (!done) {
        done = true;
        out.onError(Status.INTERNAL.withDescription(message).asRuntimeException());
      }
      worker.shutdown();
    }

    private void finish() {
      if (!done) {
        done = true;
        out.onCompleted();
      }
      worker.shutdown();
    }

    @Override
    public void onError(Throwable t) {
      done = true;
      worker.shutdownNow();
    }

    @Override
    public void onCompleted() {
      worker.execute(this::finish);
    }
  }

  private static final class NoOp implements StreamObserver<Packet> {
    @Override
    public void onNext(Packet value) {}

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }
}
