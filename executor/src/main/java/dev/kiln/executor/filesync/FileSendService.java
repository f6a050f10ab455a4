package dev.kiln.executor.filesync;

import dev.kiln.executor.proto.filesync.FileSendGrpc;
import dev.kiln.executor.proto.fsutil.Packet;
import dev.kiln.executor.proto.fsutil.PacketType;
import dev.kiln.executor.proto.fsutil.Stat;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The session's FileSend service: the engine pushes a {@code local} export, and Kiln writes it under
 * one directory. Kiln requests every regular file, writes them, restores modes and modification
 * times, and ends the transfer. The caller installs the result (see {@code exports.ExportSet}).
 *
 * <p>Nothing is written outside the directory: an entry is written only under directories this
 * transfer made (never through a link it received), and a hard link only to a file it received.
 */
public final class FileSendService extends FileSendGrpc.FileSendImplBase {
  private final Path target;
  private final CompletableFuture<Path> completion = new CompletableFuture<>();
  private volatile IOException failure;

  /** @param target the directory to fill (created when missing); it should be empty */
  public FileSendService(Path target) {
    this.target = target;
  }

  /** Completes with the target when a transfer ended well, or exceptionally when it failed. */
  public CompletableFuture<Path> completion() {
    return completion;
  }

  /**
   * The I/O error that ended a transfer on Kiln's side (a full disk, a permission), if one did: the
   * engine then reports only that the client went away.
   */
  public Optional<IOException> failure() {
    return Optional.ofNullable(failure);
  }

  @Override
  public StreamObserver<Packet> diffCopy(StreamObserver<Packet> requests) {
    return new Receiver(requests);
  }

  private final class Receiver implements StreamObserver<Packet> {
    private final StreamObserver<Packet> out;
    private final Map<Integer, Stat> files = new HashMap<>();
    /** The directories and regular files this transfer made, by path relative to the target. */
    private final Set<Path> madeDirs = new HashSet<>();
    private final Set<Path> madeFiles = new HashSet<>();
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
      if (nextId == 0) {
        Files.createDirectories(target);
      }
      int id = nextId++;
      Stat s = p.getStat();
      Path path = resolve(s.getPath());
      Path rel = target.relativize(path);
      if (rel.toString().isEmpty()) {
        throw new IOException("the engine sent an entry for the export's root");
      }
      directories(rel.getParent(), s.getPath());
      int mode = s.getMode();
      if ((mode & FileTree.GO_DIR) != 0) {
        directories(rel, s.getPath());
        times.push(s);
      } else if ((mode & FileTree.GO_SYMLINK) != 0) {
        Files.createSymbolicLink(path, Path.of(s.getLinkname())); // a link is data: written, never followed
      } else if (!s.getLinkname().isEmpty()) {
        Path existing = resolve(s.getLinkname());
        if (!madeFiles.contains(target.relativize(existing))) {
          throw new IOException("the engine sent `" + s.getPath() + "` as a hard link to `" + s.getLinkname()
              + "`, which is not a file of this export");
        }
        Files.createLink(path, existing);
      } else if ((mode & (FileTree.GO_DEVICE | FileTree.GO_NAMED_PIPE | FileTree.GO_SOCKET)) == 0) {
        Files.createFile(path);
        madeFiles.add(rel);
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
        o = Files.newOutputStream(resolve(s.getPath()), StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
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

    /**
     * Makes {@code rel} (relative to the target) a directory, with its parents, for {@code entry}:
     * each must be one this transfer made, or be missing and made now; never a link or a file the
     * engine sent before.
     */
    private void directories(Path rel, String entry) throws IOException {
      if (rel == null) {
        return;
      }
      Path sofar = null;
      for (Path name : rel) {
        sofar = sofar == null ? name : sofar.resolve(name);
        if (madeDirs.contains(sofar)) {
          continue;
        }
        try {
          Files.createDirectory(target.resolve(sofar));
        } catch (FileAlreadyExistsException e) {
          throw new IOException("the engine sent `" + entry + "` under `" + sofar + "`, which it did not send as a"
              + " directory", e);
        }
        madeDirs.add(sofar);
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
      if (e instanceof IOException io && failure == null) {
        failure = io;
      }
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
