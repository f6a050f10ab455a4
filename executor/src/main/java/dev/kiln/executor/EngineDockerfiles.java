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
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
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

  private final BuildkitConnection connection;
  private final ProjectRoot root;
  private final DockerCredentials credentials;
  private final String sharedKey;

  EngineDockerfiles(BuildkitConnection connection, ProjectRoot root, DockerCredentials credentials, String sharedKey) {
    this.connection = connection;
    this.root = root;
    this.credentials = credentials;
    this.sharedKey = sharedKey;
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
    var context = request.context().toPb();
    try (Session session = sb.start(connection);
        Gateway gw = Gateway.open(connection, SolveOptions.none().withSession(session.id()), r -> { })) {
      Result result = gw.solveFrontend(FRONTEND, options(request),
          Map.of("context", context, "dockerfile", request.dockerfileDirectory().toPb()));
      if (!result.hasRef() || !result.getRef().hasDef()) {
        throw new PlanException("the engine's Dockerfile frontend returned no LLB for " + request.location(),
            "build Dockerfiles on BuildKit v0.8 or newer (Docker 20.10 or newer)", request.location());
      }
      ByteString config = result.getMetadataOrDefault(CONFIG, ByteString.EMPTY);
      return Optional.of(new DockerfileResult(result.getRef().getDef(),
          config.isEmpty() ? ImageConfig.EMPTY : ImageConfig.fromOciJson(config.toByteArray(), "")));
    } catch (SolveException e) {
      throw dockerfileError(request, e, root.real());
    } catch (IOException e) {
      throw SolveException.failed("could not open a session with the engine to build " + request.location()
          + ": " + e.getMessage(), "check that the engine is running (`kiln engine info`)", e);
    }
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
    if (e.cancelled()) {
      return e;
    }
    String message = e.getMessage().startsWith(FRONTEND_PREFIX)
        ? e.getMessage().substring(FRONTEND_PREFIX.length()) : e.getMessage();
    Matcher parse = PARSE_ERROR.matcher(message);
    if (parse.find()) {
      SourceLocation at = new SourceLocation(request.location().file(), Integer.parseInt(parse.group(1)), 0).in(project);
      return new PlanException(parse.group(2).strip(), "fix the Dockerfile's syntax at this line", at);
    }
    return new PlanException("the Dockerfile " + request.location() + " could not be built: " + message,
        "check the Dockerfile, its target stage and build arguments", request.location().in(project));
  }
}
