package dev.kiln.executor;

import com.google.protobuf.ByteString;
import dev.kiln.executor.auth.AuthService;
import dev.kiln.executor.auth.DockerCredentials;
import dev.kiln.executor.engine.BuildkitConnection;
import dev.kiln.executor.engine.Gateway;
import dev.kiln.executor.engine.Session;
import dev.kiln.executor.engine.SolveOptions;
import dev.kiln.executor.filesync.FileSyncService;
import dev.kiln.executor.proto.gateway.Result;
import dev.kiln.model.ProjectRoot;
import dev.kiln.model.SourceLocation;
import dev.kiln.planner.DockerfileFrontend;
import dev.kiln.planner.DockerfileRequest;
import dev.kiln.planner.DockerfileResult;
import dev.kiln.planner.ImageConfig;
import dev.kiln.planner.PlanException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dockerfile builds as the engine's own Dockerfile frontend ({@code dockerfile.v0}, built into
 * Docker's BuildKit and buildkitd, so no frontend image is pulled) makes them, asked while
 * planning. Each build is a gateway solve in a session of its own that serves the context's host
 * directories and registry credentials; the context reaches the frontend as LLB (its
 * {@code context} and {@code dockerfile} inputs), so Kiln's filters and {@code .dockerignore} apply.
 * The result is lazy: the frontend parses the Dockerfile and resolves its base images now, and
 * its steps run when a task that uses them is solved.
 */
final class EngineDockerfiles implements DockerfileFrontend {
  static final String FRONTEND = "dockerfile.v0";
  /** The key of the built stage's image configuration in the frontend's result metadata. */
  private static final String CONFIG = "containerimage.config";
  /**
   * Docker 20.10 drops the structured details of frontend errors (shared/buildkit-notes.md §9.5),
   * so the parse error's line is read from its text: "parse error line N" (v0.8), "on line N" later.
   */
  private static final Pattern PARSE_ERROR = Pattern.compile("parse error (?:on )?line (\\d+): (.+)", Pattern.DOTALL);
  private static final String FRONTEND_PREFIX = "failed to solve with frontend " + FRONTEND + ": ";
  /**
   * A {@code # syntax=} line makes the built-in frontend forward the build to that image through
   * {@code gateway.v0}; these say the image itself could not be had (offline, no mirror, no access).
   */
  private static final Pattern SYNTAX_IMAGE_UNAVAILABLE = Pattern.compile(
      "frontend gateway\\.v0.*(failed to do request|resolve image|failed to resolve|not found|pull access denied"
          + "|no such host|connection refused|unauthorized|i/o timeout)", Pattern.DOTALL);
  /**
   * With this option set the built-in frontend ignores the {@code # syntax=} line: it is how a
   * forwarded frontend is told not to forward again (the value is not read).
   */
  private static final String IGNORE_SYNTAX = "cmdline";

  private final BuildkitConnection connection;
  private final ProjectRoot root;
  private final DockerCredentials credentials;
  private final String sharedKey;
  private final Consumer<String> warnings;

  EngineDockerfiles(BuildkitConnection connection, ProjectRoot root, DockerCredentials credentials, String sharedKey,
      Consumer<String> warnings) {
    this.connection = connection;
    this.root = root;
    this.credentials = credentials;
    this.sharedKey = sharedKey;
    this.warnings = warnings;
  }

  @Override
  public Optional<DockerfileResult> build(DockerfileRequest request) {
    Map<String, Path> dirs = new TreeMap<>(LocalDirs.of(request.context(), root));
    dirs.putAll(LocalDirs.of(request.dockerfileDirectory(), root));
    Session.Builder sb = Session.builder().name("kiln dockerfile " + request.location()).sharedKey(sharedKey)
        .addService(new AuthService(credentials).bindService());
    if (!dirs.isEmpty()) {
      sb.addService(new FileSyncService(dirs).definition());
    }
    try (Session session = sb.start(connection)) {
      try {
        return Optional.of(solve(session, request, options(request)));
      } catch (SolveException e) {
        if (!syntaxImageUnavailable(e, syntax(request))) {
          throw dockerfileError(request, e, root.real());
        }
        // Offline engines cannot pull a `# syntax=` image; the built-in frontend reads most
        // Dockerfiles written for it, so build with that and say so rather than fail.
        Map<String, String> builtIn = new TreeMap<>(options(request));
        builtIn.put(IGNORE_SYNTAX, "");
        DockerfileResult result;
        try {
          result = solve(session, request, builtIn);
        } catch (SolveException again) {
          throw dockerfileError(request, again, root.real(), "its `# syntax=` frontend image could not be used ("
              + firstLine(e.getMessage()) + ") and the engine's built-in frontend does not read this Dockerfile:"
              + " serve that image through the engine's registry mirror, use a newer engine, or use only the"
              + " built-in frontend's syntax");
        }
        warnings.accept(request.location() + ": its `# syntax=` frontend image could not be used ("
            + firstLine(e.getMessage()) + "); built with the engine's built-in Dockerfile frontend instead");
        return Optional.of(result);
      }
    } catch (IOException e) {
      throw SolveException.failed("could not open a session with the engine to build " + request.location()
          + ": " + e.getMessage(), "check that the engine is running (`kiln engine info`)", e);
    }
  }

  private DockerfileResult solve(Session session, DockerfileRequest request, Map<String, String> options) {
    try (Gateway gw = Gateway.open(connection, SolveOptions.none().withSession(session.id()), r -> { })) {
      Result result = gw.solveFrontend(FRONTEND, options,
          Map.of("context", request.context().toPb(), "dockerfile", request.dockerfileDirectory().toPb()));
      if (!result.hasRef() || !result.getRef().hasDef()) {
        throw new PlanException("the engine's Dockerfile frontend returned no LLB for " + request.location(),
            "build Dockerfiles on BuildKit v0.8 or newer (Docker 20.10 or newer)", request.location());
      }
      ByteString config = result.getMetadataOrDefault(CONFIG, ByteString.EMPTY);
      return new DockerfileResult(result.getRef().getDef(),
          config.isEmpty() ? ImageConfig.EMPTY : ImageConfig.fromOciJson(config.toByteArray(), ""));
    }
  }

  /**
   * Whether the build failed because the Dockerfile's {@code # syntax=} image could not be had. With
   * the directive known, the error must name its image: a forwarded frontend's own failure (a base
   * image "not found") is the Dockerfile's error, not a reason to build it again without that frontend.
   */
  static boolean syntaxImageUnavailable(SolveException e, Optional<SyntaxDirective> syntax) {
    return !e.cancelled() && e.getMessage() != null && SYNTAX_IMAGE_UNAVAILABLE.matcher(e.getMessage()).find()
        && syntax.map(s -> s.namedIn(e.getMessage())).orElse(true);
  }

  /** The Dockerfile's directive when it is a file of the project (else the error's text decides alone). */
  private Optional<SyntaxDirective> syntax(DockerfileRequest request) {
    Path file = request.location().file();
    if (file == null) {
      return Optional.empty();
    }
    try {
      Path real = root.real().resolve(file).toRealPath(); // a link out of the project is not read
      return real.startsWith(root.real()) && Files.isRegularFile(real) ? SyntaxDirective.of(real) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String firstLine(String message) {
    int end = message.indexOf('\n');
    String line = end < 0 ? message : message.substring(0, end);
    return line.length() > 300 ? line.substring(0, 300) + "…" : line;
  }

  /** The frontend's options: BuildKit v0.8's names, the same in later versions. */
  static Map<String, String> options(DockerfileRequest request) {
    Map<String, String> opts = new TreeMap<>();
    opts.put("filename", request.dockerfile());
    if (!request.target().isEmpty()) {
      opts.put("target", request.target());
    }
    request.buildArgs().forEach((name, value) -> opts.put("build-arg:" + name, value));
    opts.put("platform", request.platform().toString());
    return opts;
  }

  /**
   * A Dockerfile the frontend could not turn into LLB, at its line when the frontend names one; a
   * cancelled solve stays what it is.
   */
  static RuntimeException dockerfileError(DockerfileRequest request, SolveException e, Path project) {
    return dockerfileError(request, e, project, null);
  }

  private static RuntimeException dockerfileError(DockerfileRequest request, SolveException e, Path project,
      String hint) {
    if (e.cancelled()) {
      return e;
    }
    String message = e.getMessage().startsWith(FRONTEND_PREFIX)
        ? e.getMessage().substring(FRONTEND_PREFIX.length()) : e.getMessage();
    Matcher parse = PARSE_ERROR.matcher(message);
    if (parse.find()) {
      SourceLocation at = new SourceLocation(request.location().file(), Integer.parseInt(parse.group(1)), 0).in(project);
      return new PlanException(parse.group(2).strip(), hint != null ? hint : "fix the Dockerfile's syntax at this line",
          at);
    }
    return new PlanException("the Dockerfile " + request.location() + " could not be built: " + message,
        hint != null ? hint : "check the Dockerfile, its target stage and build arguments",
        request.location().in(project));
  }
}
