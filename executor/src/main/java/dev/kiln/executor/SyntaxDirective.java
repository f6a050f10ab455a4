package dev.kiln.executor;

import dev.kiln.planner.llb.ImageRef;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * A Dockerfile's {@code # syntax=IMAGE} directive: the frontend image the built-in frontend forwards
 * the build to. Directives are the comment lines of the form {@code # key=value} before anything
 * else in the file; the first other line (a blank one, a plain comment, an unknown key) ends them.
 *
 * @param image the image reference as written
 */
record SyntaxDirective(String image) {
  /** Directive lines come first; a Dockerfile that has more comment lines than this has none left. */
  private static final int MAX_LINES = 64;

  /** The directive of {@code dockerfile}'s text, if it has one. */
  static Optional<SyntaxDirective> parse(BufferedReader dockerfile) throws IOException {
    String line;
    for (int n = 0; n < MAX_LINES && (line = dockerfile.readLine()) != null; n++) {
      String s = line.strip();
      if (n == 0 && s.startsWith("\uFEFF")) {
        s = s.substring(1).strip();
      }
      if (!s.startsWith("#")) {
        return Optional.empty(); // an instruction or a blank line: no directives after it
      }
      int eq = s.indexOf('=');
      if (eq < 0) {
        return Optional.empty(); // a plain comment ends the directives
      }
      String key = s.substring(1, eq).strip().toLowerCase(Locale.ROOT);
      if (key.equals("syntax")) {
        String image = s.substring(eq + 1).strip();
        return image.isEmpty() ? Optional.empty() : Optional.of(new SyntaxDirective(image));
      }
      if (!key.equals("escape") && !key.equals("check")) {
        return Optional.empty(); // an unknown directive is a comment, and ends them
      }
    }
    return Optional.empty();
  }

  /** The directive of the Dockerfile at {@code file}; empty when it has none or cannot be read. */
  static Optional<SyntaxDirective> of(Path file) {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return parse(r);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether an engine's message names this image: registries and errors spell a reference in many
   * ways (with or without {@code docker.io/}, {@code library/}, the tag, as a URL path), but all of
   * them contain its repository path. An image that is no valid reference cannot be told apart: the
   * error's text decides alone.
   */
  boolean namedIn(String message) {
    ImageRef ref;
    try {
      ref = ImageRef.parse(image);
    } catch (IllegalArgumentException e) {
      return true;
    }
    String path = ref.domain().equals("docker.io") && ref.path().startsWith("library/")
        ? ref.path().substring("library/".length()) : ref.path();
    return message.toLowerCase(Locale.ROOT).contains(path);
  }
}
