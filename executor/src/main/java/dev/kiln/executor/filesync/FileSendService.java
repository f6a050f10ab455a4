package dev.kiln.executor.filesync;

import dev.kiln.executor.proto.filesync.FileSendGrpc;
import dev.kiln.executor.proto.fsutil.Packet;
import dev.kiln.executor.proto.fsutil.PacketType;
import dev.kiln.executor.proto.fsutil.Stat;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The session's FileSend service: the engine pushes a {@code local} export, and Kiln writes it under
 * one directory. Kiln requests every regular file, writes them, restores modes and modification
 * times, and ends the transfer. The caller installs the result atomically (see ExportInstaller).
 */
public final class FileSendService extends FileSendGrpc.FileSendImplBase {
  private final Path target;
  private final CompletableFuture<Path> completion = new CompletableFuture<>();

  /** @param target the directory to create and fill; it must not exist yet */
  public FileSendService(Path target) {
    this.target = target;
  }

  /** Completes with the target when a transfer ended well, or exceptionally when it failed. */
  public CompletableFuture<Path> completion() {
    return completion;
  }

  @Override
  public StreamObserver<Packet> diffCopy(StreamObserver<Packet> requests) {
    return new Receiver(requests);
  }

  private final class Receiver implements StreamObserver<Packet> {
    private final StreamObserver<Packet> out;
    private final Map<Integer, Stat> files = new HashMap<>();
    private final Map<Integer, OutputStream> open = new HashMap<>();
    private final Deque<Stat> times = new ArrayDeque<>();
    private int nextId;
    private int remaining;
    private boolean listed;
    private boolean finSent;

    Receiver(StreamObserver<Packet> out) {
      this.out = out;
    }

    @Override
    public synchronized void onNext(Packet p) {
      try {
        switch (p.getType()) {
          case PACKET_STAT -> onStat(p);
          case PACKET_DATA -> onData(p);
          case PACKET_FIN -> done();
          case PACKET_ERR -> fail(new IOException("the engine aborted the export: " + p.getData().toStringUtf8()));
          default -> { }
        }
      } catch (IOException | RuntimeException e) {
        fail(e);
      }
    }

    private void onStat(Packet p) throws IOException {
      if (!p.hasStat()) { // end of listing: ask for every file
        listed = true;
        Files.createDirectories(target);
        for (int id : files.keySet()) {
          out.onNext(Packet.newBuilder().setType(PacketType.PACKET_REQ).setID(id).build());
        }
        maybeFinish();
        return;
      }
      int id = nextId++;
      Stat s = p.getStat();
      Path path = resolve(s.getPath());
      Files.createDirectories(path.getParent());
      int mode = s.getMode();
      if ((mode & FileTree.GO_DIR) != 0) {
        Files.createDirectories(path);
        times.push(s);
      } else if ((mode & FileTree.GO_SYMLINK) != 0) {
        Files.createSymbolicLink(path, Path.of(s.getLinkname()));
      } else if (!s.getLinkname().isEmpty()) {
        Files.createLink(path, resolve(s.getLinkname())); // hardlink to an entry already listed
      } else if ((mode & (FileTree.GO_DEVICE | FileTree.GO_NAMED_PIPE | FileTree.GO_SOCKET)) == 0) {
        Files.createFile(path);
        files.put(id, s);
        remaining++;
        times.push(s);
      }
    }

    private void onData(Packet p) throws IOException {
      Stat s = files.get(p.getID());
      if (s == null) {
        throw new IOException("data for unknown file id " + p.getID());
      }
      if (p.getData().isEmpty()) {
        OutputStream o = open.remove(p.getID());
        if (o != null) {
          o.close();
        }
        files.remove(p.getID());
        remaining--;
        maybeFinish();
        return;
      }
      OutputStream o = open.get(p.getID());
      if (o == null) {
        o = Files.newOutputStream(resolve(s.getPath()));
        open.put(p.getID(), o);
      }
      p.getData().writeTo(o);
    }

    private void maybeFinish() throws IOException {
      if (listed && remaining == 0 && !finSent) {
        applyModesAndTimes();
        finSent = true;
        out.onNext(Packet.newBuilder().setType(PacketType.PACKET_FIN).build());
      }
    }

    private void applyModesAndTimes() throws IOException {
      // Children first (the stack holds the listing reversed): a directory's mtime is set last.
      while (!times.isEmpty()) {
        Stat s = times.pop();
        Path path = resolve(s.getPath());
        Files.setPosixFilePermissions(path, permissions(s.getMode()));
        Files.setLastModifiedTime(path, FileTime.from(s.getModTime(), TimeUnit.NANOSECONDS));
      }
    }

    private Path resolve(String rel) throws IOException {
      Path p = target.resolve(rel).normalize();
      if (!p.startsWith(target)) {
        throw new IOException("export path escapes the destination: " + rel);
      }
      return p;
    }

    private void done() {
      if (finSent) {
        out.onCompleted();
        completion.complete(target);
      } else {
        fail(new IOException("the engine ended the export before all files arrived"));
      }
    }

    private void fail(Exception e) {
      closeAll();
      completion.completeExceptionally(e);
      out.onError(Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException());
    }

    private void closeAll() {
      for (OutputStream o : open.values()) {
        try {
          o.close();
        } catch (IOException ignored) {
          // the transfer failed already
        }
      }
      open.clear();
    }

    @Override
    public synchronized void onError(Throwable t) {
      closeAll();
      // A cancel right after our FIN is how some engines end the call.
      if (finSent) {
        completion.complete(target);
      } else {
        completion.completeExceptionally(t);
      }
    }

    @Override
    public synchronized void onCompleted() {
      if (finSent) {
        out.onCompleted();
        completion.complete(target);
      } else {
        fail(new IOException("the engine ended the export before all files arrived"));
      }
    }
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ
    };
    for (int i = 0; i < 9; i++) {
      if ((mode & (1 << i)) != 0) {
        perms.add(order[i]);
      }
    }
    return perms;
  }
}
