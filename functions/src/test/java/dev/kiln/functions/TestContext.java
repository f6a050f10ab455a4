package dev.kiln.functions;

import dev.kiln.function.FunctionContext;
import dev.kiln.function.FunctionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A {@link FunctionContext} over a project directory that records what a call reports. */
final class TestContext implements FunctionContext {
  final Path root;
  final List<Path> dependencies = new ArrayList<>();
  final List<String> log = new ArrayList<>();
  int uncacheable;

  TestContext(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  @Override
  public Path projectRoot() {
    return root;
  }

  // The same rules as Kiln's own contexts: relative, inside the root, also through symlinks.
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
    dependencies.add(file);
  }

  @Override
  public void uncacheable() {
    uncacheable++;
  }

  @Override
  public void log(String message) {
    log.add(message);
  }
}
