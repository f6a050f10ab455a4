package dev.kiln.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * A project's root directory, and where paths under it really lead once symbolic links are
 * followed: what Kiln checks before it sends a host directory to the engine or writes an export or
 * its own state, so that nothing is read or written outside the project through a link.
 *
 * <p>Links are followed as the kernel follows them: name by name, a relative target from the
 * link's directory, {@code ..} going up from where the links led. Names that do not exist yet are
 * taken as written, and a link that points nowhere is followed to where it points (so a write
 * through it would land there): GNU {@code realpath -m}. More than 40 links in one path (the
 * kernel's limit) is a loop, which is refused like a path outside.
 *
 * <pre>{@code
 * ProjectRoot root = ProjectRoot.of(projectDir);
 * if (root.resolve("build/app.jar") instanceof ProjectRoot.Resolution.Inside in) { write(in.real()); }
 * }</pre>
 */
public final class ProjectRoot {
  /** The kernel's limit on links followed in one path lookup (Linux MAXSYMLINKS). */
  static final int MAX_LINKS = 40;

  private final Path real;

  private ProjectRoot(Path real) {
    this.real = real;
  }

  /**
   * The project rooted at {@code dir}.
   *
   * @throws IOException when {@code dir} does not exist or cannot be resolved
   */
  public static ProjectRoot of(Path dir) throws IOException {
    return new ProjectRoot(dir.toAbsolutePath().normalize().toRealPath());
  }

  /** The root's real path (links resolved): every path that resolves inside starts with it. */
  public Path real() {
    return real;
  }

  /** Where {@code path} (relative to the root, as a pipeline writes it) leads. */
  public Resolution resolve(String path) {
    Objects.requireNonNull(path, "path");
    Path p;
    try {
      p = Path.of(path);
    } catch (InvalidPathException e) {
      return new Resolution.Invalid(path, e.getReason());
    }
    if (p.isAbsolute()) {
      return new Resolution.Outside(path, p.normalize(), null, null);
    }
    Path lexical = p.normalize();
    if (lexical.startsWith("..")) {
      return new Resolution.Outside(path, real.resolve(lexical).normalize(), null, null);
    }
    return follow(path, lexical);
  }

  /** Whether {@code p} (a resolved, absolute path) is the root or under it. */
  public boolean contains(Path p) {
    return p.startsWith(real);
  }

  /** {@code p} relative to the root when it is inside, else {@code p} itself. */
  public String display(Path p) {
    if (!contains(p)) {
      return p.toString();
    }
    String rel = real.relativize(p).toString();
    return rel.isEmpty() ? "." : rel;
  }

  private Resolution follow(String original, Path relative) {
    Deque<String> names = new ArrayDeque<>();
    for (Path name : relative) {
      names.add(name.toString());
    }
    Path at = real;
    int links = 0;
    boolean missing = false; // under a name that does not exist: nothing below it does either
    Path via = null; // the last link inside the project that was followed
    Path viaTarget = null;
    while (!names.isEmpty()) {
      String name = names.pollFirst();
      if (name.isEmpty() || name.equals(".")) {
        continue;
      }
      if (name.equals("..")) {
        at = at.getParent() == null ? at : at.getParent();
        missing = false;
        continue;
      }
      Path next = at.resolve(name);
      Link link = missing ? Link.MISSING : link(next);
      if (link.target() == null) {
        at = next; // a directory, a file, or a name that does not exist (yet): taken as it is
        missing = !link.exists();
        continue;
      }
      Path target = link.target();
      if (++links > MAX_LINKS) {
        return new Resolution.Loop(original, display(next));
      }
      if (contains(next)) {
        via = next;
        viaTarget = target;
      }
      List<String> parts = new ArrayList<>();
      for (Path part : target) {
        parts.add(part.toString());
      }
      for (int i = parts.size() - 1; i >= 0; i--) {
        names.addFirst(parts.get(i));
      }
      if (target.isAbsolute()) {
        at = target.getRoot();
      }
    }
    if (contains(at)) {
      return new Resolution.Inside(original, at);
    }
    return new Resolution.Outside(original, at, via == null ? null : display(via),
        viaTarget == null ? null : viaTarget.toString());
  }

  /** What a name is: there or not, and a link to {@code target} or not (null). */
  private record Link(boolean exists, Path target) {
    static final Link NONE = new Link(true, null);
    static final Link MISSING = new Link(false, null);
  }

  private static Link link(Path p) {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return Link.MISSING; // asked first: since Java 20 a missing name costs no exception
    }
    try {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return a.isSymbolicLink() ? new Link(true, Files.readSymbolicLink(p)) : Link.NONE;
    } catch (IOException e) {
      // Missing, under a file, or not searchable: the kernel could not go through it either, so
      // the name and those below it stay as written (a write there fails, never lands elsewhere).
      return Link.MISSING;
    }
  }

  /** Where a path leads: inside the project, outside it, nowhere (a loop), or not a path at all. */
  public sealed interface Resolution {
    /** The path as it was given. */
    String path();

    /** Whether the path leads inside the project. */
    default boolean inside() {
      return this instanceof Inside;
    }

    /**
     * Why the path is refused, as a sentence about {@code subject}, a noun phrase that names the
     * path (for example "export destination `build/x.txt` of task `a`"); only for a resolution
     * that is not {@link Inside}.
     */
    String problem(String subject);

    /** Inside the project, at {@code real} (links resolved). */
    record Inside(String path, Path real) implements Resolution {
      @Override
      public String problem(String subject) {
        throw new IllegalStateException(subject + " is inside the project");
      }
    }

    /**
     * Outside the project, at {@code real}; {@code link} is the project's symbolic link that led
     * out (and {@code target} what it points to), or null when the path itself leads out.
     */
    record Outside(String path, Path real, String link, String target) implements Resolution {
      @Override
      public String problem(String subject) {
        if (link == null) {
          return subject + " is outside the project";
        }
        return subject + " leads outside the project, to " + real + ", through the symbolic link `" + link
            + "` (-> `" + target + "`)";
      }
    }

    /** A loop of symbolic links (or more than the kernel follows), met at {@code link}. */
    record Loop(String path, String link) implements Resolution {
      @Override
      public String problem(String subject) {
        return subject + " cannot be resolved: the symbolic link `" + link + "` is part of a loop (more than "
            + MAX_LINKS + " links)";
      }
    }

    /** Not a path on this system (a NUL character, for example). */
    record Invalid(String path, String reason) implements Resolution {
      @Override
      public String problem(String subject) {
        return subject + " is not a valid path: " + reason;
      }
    }
  }
}
