package dev.kiln.executor;

import dev.kiln.executor.auth.DockerCredentials;
import dev.kiln.executor.engine.BuildkitConnection;
import dev.kiln.executor.engine.Gateway;
import dev.kiln.executor.engine.ImageIndex;
import dev.kiln.executor.engine.ImagePublisher;
import dev.kiln.executor.engine.Session;
import dev.kiln.executor.engine.SolveOptions;
import dev.kiln.executor.engine.Solver;
import dev.kiln.executor.engine.TraceParents;
import dev.kiln.executor.filesync.FileSendService;
import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.executor.services.ServiceGateways;
import dev.kiln.model.ProjectRoot;
import dev.kiln.model.SourceLocation;
import dev.kiln.planner.PlannedService;
import dev.kiln.planner.PlannedTarget;
import dev.kiln.planner.PlannedTask;
import dev.kiln.planner.llb.Definition;
import io.grpc.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Solves one target of a task on the engine, in the run's session ({@link RunSession}: the plan's
 * host directories by their real paths, refused when a link leads out of the project, the run's
 * secrets and local caches), or for an export or input in a session of its own that receives the
 * files; with the run's cache imports and the solve's cache exports. A run's result files are read
 * back through the gateway.
 */
final class TargetSolver implements AutoCloseable {

  private final BuildkitConnection connection;
  private final RunSession session;
  private final SolveCaches caches;
  private final ProjectRoot root;
  private final DockerCredentials credentials;
  private final PlanRunner.Listener listener;
  private final Function<String, Optional<SourceLocation>> stepLocations;
  private final FailedStepShell shell;

  /**
   * @param credentials the registry credentials the solves' sessions serve and Docker's pushes are given
   * @param stepLocations where the step with a planned digest is written, when a Dockerfile wrote it
   * @param shell opens a shell where a step fails ({@code kiln run -i}), or null
   */
  TargetSolver(BuildkitConnection connection, RunSession session, SolveCaches caches,
      ProjectRoot root, DockerCredentials credentials, PlanRunner.Listener listener,
      Function<String, Optional<SourceLocation>> stepLocations, FailedStepShell shell) {
    this.connection = connection;
    this.session = session;
    this.caches = caches;
    this.root = root;
    this.credentials = credentials;
    this.listener = listener;
    this.stepLocations = stepLocations;
    this.shell = shell;
  }

  /**
   * What a solve gave the task.
   *
   * @param results the results its run wrote, or for a publish the image's digest and pinned ref
   * @param published the image a publish pushed
   */
  record Solved(Map<String, String> results, Optional<PublishedImage> published) {
    Solved {
      results = Map.copyOf(results);
    }
  }

  /** The targets of {@code task} that are solved, in order (an input is solved by the call that reads it). */
  static List<PlannedTarget> solvedTargets(PlannedTask task) {
    boolean exported = task.targets().stream().anyMatch(t -> t.kind() == PlannedTarget.Kind.EXPORT);
    List<PlannedTarget> out = new ArrayList<>();
    for (PlannedTarget target : task.targets()) {
      // An export is taken from the run's result, so solving it runs every step of the run:
      // a separate solve of the run would only repeat the work (and a session) for nothing.
      if (target.kind() == PlannedTarget.Kind.RUN && exported && task.results().isEmpty()
          || target.kind() == PlannedTarget.Kind.INPUT || target.kind() == PlannedTarget.Kind.REPORTS) {
        continue;
      }
      out.add(target);
    }
    return out;
  }

  /** The name of a solve's share of a remote cache: the task and the target's position. */
  static String solveName(PlannedTask task, PlannedTarget target) {
    return task.name() + "-" + task.targets().indexOf(target);
  }

  /**
   * Solves {@code target}.
   *
   * @param cache hears the solve's progress, to tell whether the task came from the cache
   * @param receiver receives what the {@code local} exporter sends (exports and inputs), else null
   * @param addresses the run's services' addresses by their placeholders in the plan
   * @return the results the task's run wrote (for a run with results) or the image it published
   */
  Solved solve(PlannedTask task, PlannedTarget target, CacheWatch cache, FileSendService receiver,
      Map<String, String> addresses) throws IOException {
    Map<String, Path> localDirs = LocalDirs.of(target.definition(), root);
    Session shared = session.get();
    String solveName = solveName(task, target);
    Map<String, String> results = new TreeMap<>();
    List<PublishedImage> published = new ArrayList<>();
    // The run's session was opened by its first solve and serves them all: it carries no task's trace.
    try (TraceParents.Attached traced = TraceParents.attach(listener.traceParent(task.name()).orElse(null));
        Session own = receiver == null ? null : session.forReceiver("kiln " + task.name(), receiver.bindService())) {
      Definition stamped = localDirs.isEmpty() ? target.definition() : target.definition().withLocalSession(shared.id());
      Definition def = addresses.isEmpty() ? stamped : stamped.withHostAddresses(addresses);
      Consumer<StatusResponse> progress = r -> {
        cache.accept(r, def);
        listener.status(task.name(), def, r);
      };
      SolveOptions options = SolveOptions.none().withSession((own == null ? shared : own).id());
      Map<String, String> response;
      try {
        response = solve(task, target, def, options, progress, results, published);
      } catch (SolveException e) {
        if (shell != null) {
          shell.open(task.name(), def, options.sessionId(), caches.imports(), e); // while the session serves the step
        }
        throw located(e, def);
      }
      caches.exported(solveName, response);
    }
    return new Solved(results, published.stream().findFirst());
  }

  /** Closes the run's session: the run is over. */
  @Override
  public void close() {
    session.close();
  }

  /** Solves {@code def} as {@code target}'s kind says; a publish adds the pushed image to {@code published}. */
  private Map<String, String> solve(PlannedTask task, PlannedTarget target, Definition def, SolveOptions options,
      Consumer<StatusResponse> progress, Map<String, String> results, List<PublishedImage> published) {
    String solveName = solveName(task, target);
    return switch (target.kind()) {
      // With a shell to open, a run is a gateway solve: engines that send error details then keep the
      // failed step's results until the shell exits.
      case RUN -> task.results().isEmpty() && shell == null
          ? new Solver(connection, credentials).solve(def.toPb(), caches.withCache(options, solveName), progress)
          : readResults(task, def, caches.exportsOnly(options, solveName), progress, results);
      case EXPORT, INPUT, REPORTS -> new Solver(connection, credentials).solve(def.toPb(), caches.withCache(options, solveName)
          .withExporter(new SolveOptions.Exporter("local", Map.of())), progress);
      case PUBLISH -> {
        // One platform of a multi-platform image goes to its own tag; the task then indexes them.
        String ref = target.path().isEmpty() ? target.destination()
            : ImageIndex.platformRef(target.destination(), target.path());
        ImagePublisher.Publication p = new ImagePublisher(connection, credentials).publish(def.toPb(), target.image(),
            ref, target.path(), options.sessionId(), caches.imports(), caches.exports(true, solveName), progress);
        published.add(p.image());
        results.putAll(p.image().results());
        listener.published(task.name(), p.image());
        yield p.exporterResponse();
      }
    };
  }

  /**
   * Opens a gateway build for {@code service} as {@code task}'s progress, in a session of its own
   * that serves its local sources, and solves its filesystem there. The build runs outside the
   * task's gRPC context: the service outlives the task that started it, and is stopped explicitly.
   */
  ServiceGateways.Opened openService(String task, PlannedService service) {
    List<Definition> defs = new ArrayList<>(List.of(service.definition()));
    service.mounts().stream().map(PlannedService.MountedFs::source).filter(Objects::nonNull).forEach(defs::add);
    Map<String, Path> localDirs = new TreeMap<>();
    defs.forEach(d -> localDirs.putAll(LocalDirs.of(d, root)));
    Context previous = Context.ROOT.attach();
    try {
      Session own;
      try {
        own = session.forService("kiln service " + service.name(), localDirs);
      } catch (IOException e) {
        throw SolveException.failed("service `" + service.name() + "`: " + e.getMessage(), null, e);
      }
      try {
        UnaryOperator<Definition> stamp = d -> localDirs.isEmpty() ? d : d.withLocalSession(own.id());
        Definition def = stamp.apply(service.definition());
        Gateway gw = Gateway.open(connection, SolveOptions.none().withSession(own.id()),
            r -> listener.status(task, def, r), credentials);
        try {
          String ref = gw.solve(def.toPb(), caches.imports());
          Map<String, String> mountRefs = new TreeMap<>();
          for (PlannedService.MountedFs m : service.mounts()) {
            if (m.source() != null) {
              mountRefs.put(m.mount().dest(), gw.solve(stamp.apply(m.source()).toPb(), caches.imports()));
            }
          }
          return new ServiceGateways.Opened(gw, ref, mountRefs, () -> {
            try {
              gw.close();
            } finally {
              own.close();
            }
          });
        } catch (RuntimeException e) {
          gw.close();
          throw e;
        }
      } catch (RuntimeException e) {
        own.close();
        throw e;
      }
    } finally {
      Context.ROOT.detach(previous);
    }
  }

  /**
   * Puts the image index of a task's platform images at its reference, and tells the listener.
   *
   * @throws SolveException if the registry refuses it
   */
  PublishedImage index(PlannedTask task, String ref, List<ImageIndex.PlatformImage> images) {
    PublishedImage index = new ImageIndex(credentials).push(ref, images);
    listener.published(task.name(), index);
    return index;
  }

  /** {@code e} at the Dockerfile line of its failing step, when a Dockerfile wrote that step. */
  private SolveException located(SolveException e, Definition def) {
    return e.vertexDigest().flatMap(d -> stepLocations.apply(def.plannedDigest(d)))
        .map(at -> e.at(at.in(root.real()))).orElse(e);
  }

  /**
   * Solves a run in gateway mode and reads back the result files it wrote into {@code out}.
   *
   * @return the exporters' response (the remote cache's)
   */
  private Map<String, String> readResults(PlannedTask task, Definition def, SolveOptions options,
      Consumer<StatusResponse> progress, Map<String, String> out) {
    Map<String, String> values = new TreeMap<>();
    try (Gateway gw = Gateway.open(connection, options, progress, credentials)) {
      String ref = gw.solve(def.toPb(), caches.imports(),
          shell == null ? null : failed -> shell.openAfter(task.name(), def, gw, failed));
      for (String name : task.results()) {
        String path = PlannedTask.RESULTS_DIR + "/" + name;
        byte[] value;
        try {
          value = gw.readFile(ref, path);
        } catch (RuntimeException e) {
          throw SolveException.failed("task " + task.name() + " did not write its result `" + name + "`",
              "have the task's command write the value to " + path, e);
        }
        if (value.length > ResultStore.MAX_RESULT) {
          throw SolveException.failed("result `" + name + "` of task " + task.name() + " is " + value.length
              + " bytes; results are small values (at most " + ResultStore.MAX_RESULT + " bytes)",
              "export large outputs with `exports` instead", null);
        }
        values.put(name, new String(value, StandardCharsets.UTF_8));
      }
      Map<String, String> response = caches.exporting() ? gw.finish(ref) : Map.of();
      out.putAll(values);
      return response;
    }
  }
}
