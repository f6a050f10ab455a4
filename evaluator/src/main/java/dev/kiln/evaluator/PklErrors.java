package dev.kiln.evaluator;

import dev.kiln.model.PipelineException;
import dev.kiln.model.SourceLocation;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.pkl.core.PklBugException;
import org.pkl.core.PklException;
import org.pkl.core.StackFrame;
import org.pkl.core.StackFrameTransformer;
import org.pkl.core.StackFrameTransformers;

/**
 * The evaluator's one choke point for Pkl's errors: every {@link PklException} becomes a {@link
 * PipelineException} located in the user's files, Pkl's internal errors too (worded by {@link
 * EvaluatorFailures}). Pkl 0.30's exception carries only rendered text, so this is also the
 * evaluator's stack-frame transformer: each frame passes through it as a {@link StackFrame} before
 * Pkl renders it, and the location is the innermost frame in the user's files. Pkl then renders a
 * marker in place of each frame, so the text ({@link PklErrorText}) yields only the message and
 * hint, and no excerpt, caret or Pkl stack trace ever reaches the user.
 */
final class PklErrors implements StackFrameTransformer {
  private static final Pattern HELPER = Pattern.compile(
      "Cannot find (property|method) `(container|host|cacheVolume|secret|envSecret|fileSecret|emptyDirectory)`");
  private static final Pattern VALUE = Pattern.compile("(?m)^Value: \"([^\"\\\\]*)\"");
  private static final Pattern MODULE = Pattern.compile("module `([^`]+)`");
  private static final Pattern UNDEFINED = Pattern.compile("^Tried to read property `([^`]+)` but its value is undefined");
  private static final String DID_YOU_MEAN = "Did you mean any of the following?";
  private static final String SANDBOX = "pipelines are evaluated offline and sandboxed: they may import only files"
      + " under the project root, Kiln's schema, `pkl:` modules and the packages PklProject.deps.json pins (no http(s):"
      + " or direct package: imports)";

  private final Path schemaDir;
  private final Path stubDir;
  private final String marker = "kiln-frame-" + UUID.randomUUID();
  private final List<StackFrame> frames = new ArrayList<>();

  /** @param schemaDir where the bundled modules appear (see {@link SchemaModuleKeyFactory}) */
  PklErrors(Path schemaDir) {
    this.schemaDir = schemaDir.toAbsolutePath().normalize();
    this.stubDir = schemaDir.resolve(FunctionStubs.DIRECTORY);
  }

  @Override
  public StackFrame apply(StackFrame frame) {
    StackFrame external = StackFrameTransformers.convertStdLibUrlToExternalUrl.apply(frame);
    if (frame.getSourceLines().isEmpty()) {
      return external; // not an error's frame: Pkl asks for a module's display URI (pkl:reflect)
    }
    synchronized (frames) {
      frames.add(frame);
    }
    int line = frame.getStartLine();
    return new StackFrame(external.getModuleUri(), marker, List.of(marker), line, 1, line, 1);
  }

  /** Forgets the frames of errors converted so far, before the next part is evaluated on its own. */
  void forget() {
    synchronized (frames) {
      frames.clear();
    }
  }

  /**
   * The error {@code e} that ended the evaluation of {@code pipeline}, as a Kiln error.
   *
   * @param failure the function call that failed last, if no call succeeded after it, or null
   */
  PipelineException convert(PklException e, Path pipeline, FunctionReader.Failure failure) {
    return convert(e, pipeline, failure, null);
  }

  /**
   * Like {@link #convert(PklException, Path, FunctionReader.Failure)}, for the error of evaluating
   * {@code expression} on its own (whose frame is Kiln's, not the user's nor an override's).
   */
  PipelineException convert(PklException e, Path pipeline, FunctionReader.Failure failure, String expression) {
    List<StackFrame> seen;
    synchronized (frames) {
      seen = List.copyOf(frames);
    }
    StackFrame user = seen.stream().filter(this::isUserFrame).findFirst().orElse(null);
    SourceLocation at = user == null ? null : location(user);
    if (e instanceof PklBugException) {
      // Its text asks to file a bug with Pkl and holds a Java trace: only its cause is told.
      return EvaluatorFailures.of(e, at != null ? at : SourceLocation.of(display(pipeline)));
    }
    if (failure != null && !seen.isEmpty() && (inStub(seen.get(0)) || isUserFrame(seen.get(0)))) {
      // The call that failed last ended the evaluation: it is the innermost frame, in a stub or a
      // hand-written read of the user's; a later successful call would have cleared it. The
      // function's own words, not Pkl's rendering of an I/O error reading a kiln-fn: resource.
      return new PipelineException(failure.message(), at != null ? at : SourceLocation.of(display(pipeline)),
          failure.hint(), failure.cause() != null ? failure.cause() : e);
    }
    PklErrorText text = PklErrorText.parse(e.getMessage(), marker);
    String msg = text.message()
        .replace(Path.of("").toAbsolutePath().toUri().toString(), "")
        .replace("\nIOException: ", "\n");
    String hint = hint(msg, text.hint());
    String pklText = msg;
    if (!seen.isEmpty() && inSchema(seen.get(0))) {
      StackFrame refused = seen.get(0);
      var worded = SchemaWords.of(msg, refused.getSourceLines().get(0), refused.getMemberName());
      if (worded.isPresent()) {
        msg = worded.get().message();
        hint = worded.get().hint();
      }
    }
    if (seen.stream().anyMatch(f -> f.getModuleUri().startsWith("repl:")
        && (expression == null || !f.getSourceLines().equals(List.of(expression))))) {
      // Frames of the module Kiln writes for --param overrides: the value given is at fault.
      msg = "invalid parameter value: " + msg;
      if (hint == null) {
        hint = "the location is the parameter's declaration; check the value against its type";
      }
    }
    if (at != null) {
      return new PipelineException(msg, at, hint, e);
    }
    return unlocated(msg, pklText, hint, seen, pipeline, e);
  }

  /** Kiln's hint for errors it knows better, else Pkl's. */
  private static String hint(String msg, String pklHint) {
    boolean refused = msg.startsWith("Refusing to load module") || msg.startsWith("No module loader is registered");
    if (refused && msg.contains("`package:")) {
      return "import a package as `@name/Module.pkl`, declared in the PklProject beside the pipeline and pinned with"
          + " `kiln deps resolve`";
    }
    if (refused) {
      return SANDBOX;
    }
    if (msg.contains("than what is declared in `PklProject.deps.json`") || msg.startsWith("Did not find a resolved dependency")) {
      return "run `kiln deps resolve` to pin the PklProject's packages, and commit PklProject.deps.json";
    }
    if (msg.startsWith("Cannot find a dependency named") || msg.startsWith("Cannot import dependency because there is no project")) {
      return "declare the package in the `dependencies` of the PklProject beside the pipeline, then run `kiln deps resolve`";
    }
    if (msg.contains("|BuildxCache")) {
      return "write a cache as type=registry,ref=HOST/REPO:TAG[,mode=min|max], type=local,src=DIR (imports),"
          + " type=local,dest=DIR (exports) or type=inline (exports only), or use RegistryCache, LocalCache, InlineCache";
    }
    var helper = HELPER.matcher(msg);
    if (helper.find()) {
      return "Kiln's helpers (container, host, cacheVolume, secret, …) belong to the schema module:"
          + " call them in a top-level `local` value, or as `module." + helper.group(2) + "` inside objects";
    }
    if (pklHint != null && pklHint.startsWith(DID_YOU_MEAN)) {
      String names = pklHint.substring(DID_YOU_MEAN.length()).strip().replace("\n", ", ");
      return names.isEmpty() ? null : "did you mean: " + names;
    }
    return pklHint;
  }

  /**
   * An error with no frame in the user's files, e.g. a value checked inside the schema: the user's
   * object that lacks a required property, else the value's literal in the pipeline, else the file.
   * {@code pklText} is Pkl's own message, which names the value.
   */
  private PipelineException unlocated(String msg, String pklText, String hint, List<StackFrame> seen,
      Path pipeline, PklException e) {
    if (UNDEFINED.matcher(pklText).find() && !seen.isEmpty()) {
      // Pkl points at the schema's declaration only; find the user's object that lacks the property.
      String member = seen.get(0).getMemberName(); // e.g. kiln.Pipeline#Secret.name
      int hash = member == null ? -1 : member.indexOf('#');
      int dot = member == null ? -1 : member.lastIndexOf('.');
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
    if (!seen.isEmpty() && seen.get(0).getMemberName() != null && msg.equals(pklText)) {
      msg = msg + " (in " + seen.get(0).getMemberName() + ")";
    }
    var value = VALUE.matcher(pklText);
    if (value.find() || (value = MODULE.matcher(pklText)).find()) {
      SourceLocation loc = new SourceIndex(pipeline).literal(value.group(1));
      if (loc.line() > 0) {
        return new PipelineException(msg, loc, hint, e);
      }
    }
    return new PipelineException(msg, SourceLocation.of(display(pipeline)), hint, e);
  }

  private static SourceLocation location(StackFrame frame) {
    return new SourceLocation(display(Path.of(URI.create(frame.getModuleUri()))), frame.getStartLine(),
        frame.getStartColumn());
  }

  private boolean isUserFrame(StackFrame f) {
    Path p = filePath(f);
    return p != null && !p.startsWith(schemaDir); // the schema and function stubs, served by Kiln
  }

  private boolean inSchema(StackFrame f) {
    Path p = filePath(f);
    return p != null && p.startsWith(schemaDir) && !p.startsWith(stubDir);
  }

  private boolean inStub(StackFrame f) {
    Path p = filePath(f);
    return p != null && p.startsWith(stubDir);
  }

  private static Path filePath(StackFrame f) {
    if (!f.getModuleUri().startsWith("file:")) {
      return null;
    }
    try {
      return Path.of(URI.create(f.getModuleUri())).normalize();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** {@code file} relative to the working directory when it is below it. */
  static Path display(Path file) {
    Path abs = file.toAbsolutePath().normalize();
    Path cwd = Path.of("").toAbsolutePath();
    return abs.startsWith(cwd) ? cwd.relativize(abs) : abs;
  }
}
