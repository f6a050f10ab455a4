package dev.kiln.planner;

import dev.kiln.planner.llb.LlbState;
import dev.kiln.planner.llb.LocalOptions;
import dev.kiln.planner.llb.Sources;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lowers host directories to {@code local://} sources, pushing every filter into the source so
 * the client sends only what is used: the directory's own include/exclude patterns, its
 * {@code .dockerignore} + {@code .kilnignore} patterns, and the subpath or file actually selected.
 * A file outside those patterns then never reaches the engine, so changing it changes neither
 * the transfer nor the content checksum any op's cache key is built from.
 *
 * <p>Equal sources are one {@link LlbState} instance, so tasks that use the same directory share
 * the vertex (and it is marshalled once).
 */
final class LocalSources {
  private record Key(String name, List<String> include, List<String> exclude) {}

  private final Map<String, IgnoreFile> ignoreFiles;
  private final Map<Key, LlbState> sources = new HashMap<>();

  /** @param ignoreFiles ignore patterns by host directory name (see {@link #name}) */
  LocalSources(Map<String, IgnoreFile> ignoreFiles) {
    this.ignoreFiles = Map.copyOf(ignoreFiles);
  }

  /**
   * The host directory {@code hostPath} filtered by {@code include}/{@code exclude}; when
   * {@code select} is not empty, only that subpath (directory or file) of it, pushed into the
   * include patterns when the directory has none of its own.
   */
  DirRef directory(String hostPath, List<String> include, List<String> exclude, String select) {
    return directory(hostPath, include, exclude, select, ignoreFiles.getOrDefault(name(hostPath), IgnoreFile.EMPTY));
  }

  /** Like {@link #directory(String, List, List, String)}, with {@code ignore} instead of the directory's ignore files. */
  DirRef directory(String hostPath, List<String> include, List<String> exclude, String select, IgnoreFile ignore) {
    String name = name(hostPath);
    String sub = clean(select);
    List<String> in = include;
    if (!sub.isEmpty() && include.isEmpty()) {
      in = List.of(sub);
    }
    var ex = new ArrayList<>(ignore.patterns());
    ex.addAll(exclude);
    Key key = new Key(name, List.copyOf(in), List.copyOf(ex));
    LlbState fs = sources.computeIfAbsent(key, k -> Sources.local(k.name(),
        LocalOptions.NONE.withIncludePatterns(k.include()).withExcludePatterns(k.exclude())
            .withSharedKeyHint(k.name()),
        "host " + k.name()));
    return new DirRef(fs, "/" + sub);
  }

  /**
   * Like {@link #directory}, with a copy's own patterns (relative to {@code select}) pushed into
   * the source too; null when they cannot be, because the directory has include patterns of its
   * own (the wire has no intersection) and the copy also has some.
   */
  DirRef filtered(String hostPath, List<String> include, List<String> exclude, String select,
      List<String> copyInclude, List<String> copyExclude) {
    if (copyInclude.isEmpty() && copyExclude.isEmpty()) {
      return directory(hostPath, include, exclude, select);
    }
    String sub = clean(select);
    var in = new ArrayList<String>();
    if (!copyInclude.isEmpty()) {
      if (!include.isEmpty()) {
        return null;
      }
      copyInclude.forEach(p -> in.add(under(sub, p)));
    } else if (!include.isEmpty()) {
      in.addAll(include);
    } else if (!sub.isEmpty()) {
      in.add(sub);
    }
    var ex = new ArrayList<>(exclude);
    copyExclude.forEach(p -> ex.add(under(sub, p)));
    DirRef all = directory(hostPath, in, ex, "");
    return new DirRef(all.fs(), "/" + sub);
  }

  private static String under(String sub, String pattern) {
    boolean negated = pattern.startsWith("!");
    String p = clean(negated ? pattern.substring(1) : pattern);
    String joined = sub.isEmpty() ? p : sub + "/" + p;
    return negated ? "!" + joined : joined;
  }

  /** The ignore-file map key and local source name of a host path: cleaned, relative, {@code .} for the root. */
  static String name(String hostPath) {
    String c = clean(hostPath);
    return c.isEmpty() ? "." : c;
  }

  private static String clean(String path) {
    String joined = IgnoreFile.clean(path);
    return path.startsWith("/") ? "/" + joined : joined;
  }
}
