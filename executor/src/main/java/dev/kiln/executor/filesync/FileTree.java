package dev.kiln.executor.filesync;

import dev.kiln.executor.proto.fsutil.Stat;
import dev.kiln.planner.GitIgnored;
import dev.kiln.planner.PathPatterns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A local directory listed the way fsutil's receiver validates it: depth first, parents before
 * children, the entries of each directory sorted by name byte-wise, filtered by include and exclude
 * patterns (parents of included entries are listed just before their first included child), with git's
 * ignore files read as the walk reaches them where the patterns say so ({@link PathPatterns#GIT_RULES}). The
 * listing is what the engine will hold, so uid and gid are reset to 0 as {@code buildx} does.
 */
final class FileTree {
  /** One listed entry; {@code file} is set for regular files the receiver may request. */
  record Entry(Stat stat, Path file) {}

  // Go os.FileMode bits (fsutil sends Go's FileMode, not POSIX st_mode).
  static final int GO_DIR = 1 << 31;
  static final int GO_SYMLINK = 1 << 27;
  static final int GO_DEVICE = 1 << 26;
  static final int GO_NAMED_PIPE = 1 << 25;
  static final int GO_SOCKET = 1 << 24;
  static final int GO_SETUID = 1 << 23;
  static final int GO_SETGID = 1 << 22;
  static final int GO_CHAR_DEVICE = 1 << 21;
  static final int GO_STICKY = 1 << 20;

  /**
   * Only the attributes a listing uses: {@code unix:*} also resolves the owner's and group's names,
   * which took three quarters of a 10,000-file walk.
   */
  private static final String ATTRIBUTES = "unix:mode,nlink,dev,ino,size,lastModifiedTime,rdev";

  private final Path root;
  private final PathPatterns includes;
  private final PathPatterns excludes;
  private final List<Entry> entries = new ArrayList<>();
  private final Consumer<Entry> onEntry;
  private final List<Stat> pending = new ArrayList<>();
  private final Map<String, String> firstLinkPath = new HashMap<>();

  private FileTree(Path root, PathPatterns includes, PathPatterns excludes, Consumer<Entry> onEntry) {
    this.root = root;
    this.includes = includes;
    this.excludes = excludes;
    this.onEntry = onEntry;
  }

  /** Lists {@code root} (not itself) with the given patterns. */
  static List<Entry> list(Path root, List<String> includePatterns, List<String> excludePatterns) throws IOException {
    return list(root, includePatterns, excludePatterns, List.of());
  }

  /**
   * Lists {@code root} with the given patterns; {@code followPaths} are symlinks whose targets (inside
   * the root, followed through chains) are listed too, even when the include patterns miss them.
   */
  static List<Entry> list(Path root, List<String> includePatterns, List<String> excludePatterns,
      List<String> followPaths) throws IOException {
    return list(root, includePatterns, excludePatterns, followPaths, e -> { });
  }

  /**
   * Lists as {@link #list(Path, List, List, List)} does, handing each entry to {@code onEntry} as the
   * walk reaches it, in the listing's order: a sender streams the listing while the walk goes on.
   */
  static List<Entry> list(Path root, List<String> includePatterns, List<String> excludePatterns,
      List<String> followPaths, Consumer<Entry> onEntry) throws IOException {
    List<String> includes = new ArrayList<>(includePatterns);
    if (!includes.isEmpty()) {
      Path base = root.toAbsolutePath().normalize();
      for (String follow : followPaths) {
        Path p = base.resolve(PathPatterns.clean(follow)).normalize();
        for (int hops = 0; hops < 40 && Files.isSymbolicLink(p); hops++) {
          Path target = p.getParent().resolve(Files.readSymbolicLink(p)).normalize();
          if (!target.startsWith(base)) {
            break; // never send what lies outside the directory the engine asked for
          }
          includes.add(base.relativize(target).toString());
          p = target;
        }
      }
    }
    GitIgnored git = excludePatterns.contains(PathPatterns.GIT_RULES) ? GitIgnores.under(root) : GitIgnored.NONE;
    FileTree t = new FileTree(root, PathPatterns.of(includes), PathPatterns.of(excludePatterns, git), onEntry);
    t.walk(root, "");
    return t.entries;
  }

  private void walk(Path dir, String rel) throws IOException {
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      ds.forEach(children::add);
    }
    children.sort((a, b) -> compareBytes(a.getFileName().toString(), b.getFileName().toString()));
    for (Path child : children) {
      String name = child.getFileName().toString();
      String path = rel.isEmpty() ? name : rel + "/" + name;
      Map<String, Object> attrs = Files.readAttributes(child, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
      int mode = (Integer) attrs.get("mode");
      boolean isDir = (mode & 0170000) == 0040000;
      if ((mode & 0170000) == 0140000) {
        continue; // sockets cannot be transferred
      }
      if (!excludes.isEmpty() && excludes.matches(path, isDir)) {
        if (isDir && excludes.hasExceptions() && excludes.exceptionMayMatchBelow(path)) {
          descendPending(child, path, attrs);
        }
        continue;
      }
      boolean included = includes.isEmpty() || includes.matches(path);
      if (included) {
        flushPending();
        emit(child, path, attrs);
        if (isDir) {
          walk(child, path);
        }
      } else if (isDir) {
        descendPending(child, path, attrs);
      }
    }
  }

  private void descendPending(Path dir, String path, Map<String, Object> attrs) throws IOException {
    pending.add(stat(dir, path, attrs));
    int depth = pending.size();
    walk(dir, path);
    if (pending.size() >= depth) {
      pending.remove(depth - 1); // nothing beneath it was listed: neither is it
    }
  }

  private void flushPending() {
    for (Stat s : pending) {
      add(new Entry(s, null));
    }
    pending.clear();
  }

  private void emit(Path file, String path, Map<String, Object> attrs) throws IOException {
    Stat stat = stat(file, path, attrs);
    int type = (Integer) attrs.get("mode") & 0170000;
    if (type == 0100000 && ((Integer) attrs.get("nlink")) > 1) {
      String key = attrs.get("dev") + ":" + attrs.get("ino");
      String first = firstLinkPath.putIfAbsent(key, path);
      if (first != null) {
        add(new Entry(stat.toBuilder().setLinkname(first).setSize(0).build(), null));
        return;
      }
    }
    add(new Entry(stat, type == 0100000 ? file : null));
  }

  private void add(Entry e) {
    entries.add(e);
    onEntry.accept(e);
  }

  private static Stat stat(Path file, String path, Map<String, Object> attrs) throws IOException {
    int mode = (Integer) attrs.get("mode");
    Stat.Builder s = Stat.newBuilder()
        .setPath(path)
        .setMode(goMode(mode))
        .setSize((Long) attrs.get("size"))
        .setModTime(((FileTime) attrs.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS));
    if ((mode & 0170000) == 0120000) {
      s.setLinkname(Files.readSymbolicLink(file).toString());
    }
    if ((mode & 0170000) == 0020000 || (mode & 0170000) == 0060000) {
      long rdev = (Long) attrs.get("rdev");
      s.setDevmajor((rdev >> 8) & 0xfff).setDevminor((rdev & 0xff) | ((rdev >> 12) & 0xfff00));
    }
    return s.build();
  }

  /** POSIX {@code st_mode} to Go's {@code os.FileMode}. */
  static int goMode(int st) {
    int m = st & 0777;
    switch (st & 0170000) {
      case 0040000 -> m |= GO_DIR;
      case 0120000 -> m |= GO_SYMLINK;
      case 0010000 -> m |= GO_NAMED_PIPE;
      case 0140000 -> m |= GO_SOCKET;
      case 0020000 -> m |= GO_DEVICE | GO_CHAR_DEVICE;
      case 0060000 -> m |= GO_DEVICE;
      default -> { }
    }
    if ((st & 04000) != 0) {
      m |= GO_SETUID;
    }
    if ((st & 02000) != 0) {
      m |= GO_SETGID;
    }
    if ((st & 01000) != 0) {
      m |= GO_STICKY;
    }
    return m;
  }

  /** Go compares strings byte-wise (UTF-8); Java's compareTo differs beyond the BMP. */
  static int compareBytes(String a, String b) {
    return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
