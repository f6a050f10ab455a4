package dev.kiln.planner;

import dev.kiln.model.Directory;
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

  private final Map<String, HostIgnores> ignoreFiles;
  private final Map<Key, LlbState> sources = new HashMap<>();

  /** @param ignoreFiles ignore patterns by host directory name (see {@link #name}) */
  LocalSources(Map<String, HostIgnores> ignoreFiles) {
    this.ignoreFiles = Map.copyOf(ignoreFiles);
  }

  /** The ignore patterns that apply to host directory {@code h}. */
  IgnoreFile ignoreOf(Directory.Host h) {
    return ignoreFiles.getOrDefault(name(h.path()), HostIgnores.NONE).patterns(h.gitignore());
  }

  private GitIgnored gitOf(Directory.Host h) {
    return h.gitignore() ? ignoreFiles.getOrDefault(name(h.path()), HostIgnores.NONE).git() : GitIgnored.NONE;
  }

  /**
   * The host directory {@code h} filtered by its include/exclude patterns and ignore files; when
   * {@code select} is not empty, only that subpath (directory or file) of it, pushed into the
   * include patterns when the directory has none of its own.
   */
  DirRef directory(Directory.Host h, String select) {
    return directory(h, select, ignoreOf(h));
  }

  /**
   * Like {@link #directory(Directory.Host, String)}, with {@code ignore} instead of the directory's
   * ignore files. A subpath the pipeline names is sent even where an ignore file leaves it out
   * (the pipeline file, a git-ignored generated file): asking for it by name is explicit; the
   * directory's own exclude patterns still apply.
   */
  DirRef directory(Directory.Host h, String select, IgnoreFile ignore) {
    String name = name(h.path());
    String sub = clean(select);
    List<String> in = h.include();
    if (!sub.isEmpty() && in.isEmpty()) {
      in = List.of(sub);
    }
    var ex = new ArrayList<>(ignore.patterns());
    if (!sub.isEmpty() && !ex.isEmpty() && named(PathPatterns.of(ex, gitOf(h)), sub)) {
      ex.add("!" + sub);
    }
    ex.addAll(h.exclude());
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
  DirRef filtered(Directory.Host h, String select, List<String> copyInclude, List<String> copyExclude) {
    if (copyInclude.isEmpty() && copyExclude.isEmpty()) {
      return directory(h, select);
    }
    List<String> include = h.include();
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
    var ex = new ArrayList<>(h.exclude());
    copyExclude.forEach(p -> ex.add(under(sub, p)));
    DirRef all = directory(new Directory.Host(h.path(), in, ex, h.gitignore()), "");
    return new DirRef(all.fs(), "/" + sub);
  }

  /** Whether the patterns leave out {@code sub}, a file or a directory (the model does not say which). */
  private static boolean named(PathPatterns patterns, String sub) {
    return patterns.matches(sub, true) || patterns.matches(sub, false);
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
