package dev.kiln.executor;

import dev.kiln.function.FunctionContext;
import dev.kiln.function.FunctionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.function.Consumer;

/** What a run-time function sees of the run: the project (and nothing above it) and the task's log. */
final class CallContext implements FunctionContext {
  private final Path root;
  private final Consumer<String> log;

  /** @param log receives each line the function logs (the listeners mask secrets) */
  CallContext(Path projectRoot, Consumer<String> log) {
    this.root = projectRoot.toAbsolutePath().normalize();
    this.log = log;
  }

  @Override
  public Path projectRoot() {
    return root;
  }

  @Override
  public Path resolve(String path) throws FunctionException {
    Path p;
    try {
      p = Path.of(path);
    } catch (InvalidPathException e) {
      throw new FunctionException("not a path: " + path);
    }
    if (p.isAbsolute()) {
      throw new FunctionException("path " + path + " is absolute; give a path relative to the project root");
    }
    Path resolved = root.resolve(p).normalize();
    if (!resolved.startsWith(root)) {
      throw new FunctionException("path " + path + " is outside the project root");
    }
    // A symlink inside the project may point out of it: what it points at counts.
    if (Files.exists(resolved, LinkOption.NOFOLLOW_LINKS)) {
      try {
        if (!resolved.toRealPath().startsWith(root.toRealPath())) {
          throw new FunctionException("path " + path + " leads outside the project root (through a symbolic link)");
        }
      } catch (IOException e) {
        throw new FunctionException("cannot resolve " + path + ": " + e.getMessage(), e);
      }
    }
    return resolved;
  }

  @Override
  public void dependsOn(Path file) {
    // A run-time call runs on every run: there is no evaluation to reuse.
  }

  @Override
  public void uncacheable() {
    // As above.
  }

  @Override
  public void log(String message) {
    if (message != null) {
      message.lines().forEach(log);
    }
  }
}
