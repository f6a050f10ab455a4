package dev.kiln.model;

import java.util.ArrayList;
import java.util.List;

/** A directory: where it starts ({@link Base}) plus ordered operations. */
public record Directory(Base base, List<Op> ops) {
  public Directory {
    ops = List.copyOf(ops);
  }

  /** Where a directory starts. */
  public sealed interface Base {}

  /**
   * A directory of the host, under the project root, filtered by .dockerignore-style patterns.
   *
   * @param gitignore whether what git ignores is left out too
   */
  public record Host(String path, List<String> include, List<String> exclude, boolean gitignore) implements Base {
    public Host {
      include = List.copyOf(include);
      exclude = List.copyOf(exclude);
    }

    /** A host directory that leaves out what git ignores. */
    public Host(String path, List<String> include, List<String> exclude) {
      this(path, include, exclude, true);
    }
  }

  /** The empty directory. */
  public record Empty() implements Base {}

  /** The directory {@code path} of a container. */
  public record FromContainer(Container container, String path) implements Base {}

  /** The subdirectory {@code path} of another directory. */
  public record Sub(Directory parent, String path) implements Base {}

  /** An operation on a directory; paths are relative to it. */
  public sealed interface Op {}

  /** Copies {@code source} into {@code path}. */
  public record WithDirectory(String path, Directory source) implements Op {}

  /** Copies {@code file} to {@code path}. */
  public record WithFile(String path, File file) implements Op {}

  /** Writes {@code contents} to {@code path}. */
  public record WithNewFile(String path, String contents) implements Op {}

  /** Removes {@code path}. */
  public record Without(String path) implements Op {}

  /** {@code host.directory(path)}. */
  public static Directory host(String path) {
    return new Directory(new Host(path, List.of(), List.of()), List.of());
  }

  /** {@code host.directory(path) { include {...}; exclude {...} }}. */
  public static Directory host(String path, List<String> include, List<String> exclude) {
    return new Directory(new Host(path, include, exclude), List.of());
  }

  /** An empty directory. */
  public static Directory empty() {
    return new Directory(new Empty(), List.of());
  }

  /** The subdirectory {@code path}. */
  public Directory directory(String path) {
    return new Directory(new Sub(this, path), List.of());
  }

  /** The file {@code path}. */
  public File file(String path) {
    return new File(this, path);
  }

  /** This directory with {@code op} appended. */
  public Directory with(Op op) {
    var all = new ArrayList<>(ops);
    all.add(op);
    return new Directory(base, all);
  }
}
