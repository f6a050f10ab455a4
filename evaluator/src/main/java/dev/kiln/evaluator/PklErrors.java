package dev.kiln.evaluator;

import dev.kiln.model.PipelineException;
import dev.kiln.model.SourceLocation;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.pkl.core.PklException;
import org.pkl.core.StackFrame;
import org.pkl.core.StackFrameTransformer;
import org.pkl.core.StackFrameTransformers;

/**
 * Turns Pkl's rendered errors into {@link PipelineException}s. Pkl's exception carries only text,
 * so this is also the evaluator's stack-frame transformer: it records each frame as Pkl renders
 * the error, which gives structured locations; the user's innermost frame becomes the location.
 */
final class PklErrors implements StackFrameTransformer {
  private static final Pattern CODE_LINE = Pattern.compile("^\\s*\\d+ \\| .*");
  private static final Pattern AT_LINE = Pattern.compile("^(│ )?at .+ \\(.+\\)$");

  private static final Pattern HELPER = Pattern.compile(
      "Cannot find (property|method) `(container|host|cacheVolume|secret|envSecret|fileSecret|emptyDirectory)`");

  private static final Pattern VALUE = Pattern.compile("(?m)^Value: \"([^\"\\\\]*)\"");

  private static final Pattern MODULE = Pattern.compile("module `([^`]+)`");
  private static final Pattern UNDEFINED = Pattern.compile("^Tried to read property `([^`]+)` but its value is undefined");

  private final Path schemaDir;
  private final List<StackFrame> frames = new ArrayList<>();

  PklErrors(Path projectRoot) {
    this.schemaDir = projectRoot.resolve(KilnSchema.DIRECTORY).toAbsolutePath().normalize();
  }

  @Override
  public StackFrame apply(StackFrame frame) {
    synchronized (frames) {
      frames.add(frame);
    }
    return StackFrameTransformers.convertStdLibUrlToExternalUrl.apply(frame);
  }

  /** Forgets frames of earlier errors. */
  void reset() {
    synchronized (frames) {
      frames.clear();
    }
  }

  /** The error {@code e} as a user-facing exception about {@code pipeline}. */
  PipelineException convert(PklException e, Path pipeline) {
    List<StackFrame> seen;
    synchronized (frames) {
      seen = List.copyOf(frames);
    }
    String text = e.getMessage() == null ? "" : e.getMessage();
    List<String> lines = List.of(text.split("\n", -1));
    int i = lines.isEmpty() || !lines.get(0).startsWith("–– Pkl Error") ? 0 : 1;
    StringBuilder message = new StringBuilder();
    for (; i < lines.size(); i++) {
      String line = lines.get(i);
      if (CODE_LINE.matcher(line).matches() || line.startsWith("┌─") || AT_LINE.matcher(line).matches()) {
        break;
      }
      message.append(line).append('\n');
    }
    int lastAt = -1;
    for (int j = 0; j < lines.size(); j++) {
      if (AT_LINE.matcher(lines.get(j)).matches() || lines.get(j).startsWith("└─")) {
        lastAt = j;
      }
    }
    String hint = null;
    if (lastAt >= 0) {
      String rest = String.join("\n", lines.subList(lastAt + 1, lines.size())).strip();
      if (!rest.isEmpty()) {
        hint = rest.replace("\n", " ").replace("Did you mean any of the following? ", "did you mean: ");
      }
    }
    String msg = message.toString().strip().replace("\n\n", "\n")
        .replace(Path.of("").toAbsolutePath().toUri().toString(), "")
        .replace("\nIOException: ", "\n");
    if (msg.startsWith("Refusing to load module") || msg.startsWith("No module loader is registered")) {
      hint = "pipelines are evaluated offline and sandboxed: they may import only files under the"
          + " project root, Kiln's schema and `pkl:` modules (no http(s): or package: imports)";
    }
    if (msg.contains("|BuildxCache")) {
      hint = "write a cache as type=registry,ref=HOST/REPO:TAG[,mode=min|max], type=local,src=DIR (imports),"
          + " type=local,dest=DIR (exports) or type=inline (exports only), or use RegistryCache, LocalCache, InlineCache";
    }
    if (HELPER.matcher(msg).find()) {
      hint = "Kiln's helpers (container, host, cacheVolume, secret, …) belong to the schema module:"
          + " call them in a top-level `local` value, or as `module." + HELPER.matcher(msg).results()
          .findFirst().orElseThrow().group(2) + "` inside objects";
    }
    StackFrame user = null;
    boolean override = false;
    for (StackFrame f : seen) {
      if (f.getModuleUri().startsWith("repl:")) {
        override = true;
      }
      if (user == null && isUserFrame(f)) {
        user = f;
      }
    }
    if (override) {
      msg = "invalid parameter value: " + msg;
      if (hint == null) {
        hint = "the location is the parameter's declaration; check the value against its type";
      }
    }
    if (user != null) {
      Path file = Path.of(URI.create(user.getModuleUri()));
      return new PipelineException(msg, new SourceLocation(display(file), user.getStartLine(),
          user.getStartColumn()), hint, e);
    }
    var undefined = UNDEFINED.matcher(msg);
    if (undefined.find() && !seen.isEmpty()) {
      // Pkl points at the schema's declaration only; find the user's object that lacks the property.
      String member = seen.get(0).getMemberName(); // e.g. kiln.Pipeline#Secret.name
      int hash = member.indexOf('#');
      int dot = member.lastIndexOf('.');
      if (hash >= 0 && dot > hash) {
        String cls = member.substring(hash + 1, dot);
        String prop = member.substring(dot + 1);
        SourceLocation loc = new SourceIndex(pipeline).objectWithout(cls, prop);
        if (loc.line() > 0) {
          return new PipelineException("`" + cls + "` is missing required property `" + prop + "`", loc,
              hint != null ? hint : "set `" + prop + "` in this object (" + msg + ")", e);
        }
      }
    }
    if (!seen.isEmpty()) {
      msg = msg + " (in " + seen.get(0).getMemberName() + ")";
    }
    // No frame in the user's files (e.g. a value checked inside the schema): the value's literal
    // is the best pointer there is.
    var value = VALUE.matcher(msg);
    if (value.find() || (value = MODULE.matcher(msg)).find()) {
      SourceLocation loc = new SourceIndex(pipeline).literal(value.group(1));
      if (loc.line() > 0) {
        return new PipelineException(msg, loc, hint, e);
      }
    }
    return new PipelineException(msg, SourceLocation.of(display(pipeline)), hint, e);
  }

  private boolean isUserFrame(StackFrame f) {
    if (!f.getModuleUri().startsWith("file:")) {
      return false;
    }
    try {
      Path p = Path.of(URI.create(f.getModuleUri())).normalize();
      return !p.startsWith(schemaDir); // the schema and function stubs, served by Kiln
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** {@code file} relative to the working directory when it is below it. */
  static Path display(Path file) {
    Path abs = file.toAbsolutePath().normalize();
    Path cwd = Path.of("").toAbsolutePath();
    return abs.startsWith(cwd) ? cwd.relativize(abs) : abs;
  }
}
