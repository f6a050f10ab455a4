package dev.kiln.planner;

import dev.kiln.model.Directory;
import dev.kiln.model.File;
import dev.kiln.model.Secret;
import dev.kiln.planner.llb.FileAction;
import dev.kiln.planner.llb.LlbState;
import dev.kiln.planner.llb.Definition;
import dev.kiln.planner.llb.Marshaller;
import dev.kiln.planner.llb.pb.Op;
import dev.kiln.planner.llb.Sources;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Marshals a {@link LoweredTask}'s run, exports, publish and call inputs into {@link
 * PlannedTarget}s, and its call into a {@link PlannedCall}.
 */
final class Targets {
  private final Marshaller marshaller;
  private final EngineCapabilities engine;
  private final Function<String, PlannedService> services;

  /** @param services the lowered services by id */
  Targets(Marshaller marshaller, EngineCapabilities engine, Function<String, PlannedService> services) {
    this.marshaller = marshaller;
    this.engine = engine;
    this.services = services;
  }

  PlannedTask plan(LoweredTask task, boolean requested) {
    var targets = new ArrayList<PlannedTarget>();
    SortedSet<String> caches = new TreeSet<>();
    SortedSet<String> secrets = new TreeSet<>();
    if (task.reports() != null) {
      for (String path : task.reports().paths()) {
        ContainerState tested = task.reports().tested();
        DirRef at = new DirRef(tested.fs(), tested.fs().resolve(path));
        targets.add(new PlannedTarget(PlannedTarget.Kind.REPORTS, path, entryName(at),
            marshaller.marshal(copyOut(at, "reports " + path)), ImageConfig.EMPTY));
      }
    }
    if (task.run() != null) {
      ContainerState run = task.run().flushed();
      caches.addAll(run.caches());
      secrets.addAll(run.secrets());
      if (!run.fs().isScratch()) {
        targets.add(new PlannedTarget(PlannedTarget.Kind.RUN, "", "", marshaller.marshal(run.fs()),
            ImageConfig.EMPTY));
      }
    }
    for (LoweredTask.Export export : task.exports()) {
      targets.add(new PlannedTarget(PlannedTarget.Kind.EXPORT, export.path(), export.hostPath(),
          marshaller.marshal(exportState(export)), ImageConfig.EMPTY));
    }
    if (task.publish() != null) {
      var images = new ArrayList<LoweredTask.PlatformImage>(task.publish().platforms());
      if (images.isEmpty()) {
        images.add(new LoweredTask.PlatformImage("", task.publish().container()));
      }
      for (LoweredTask.PlatformImage p : images) {
        ContainerState image = p.container().flushed();
        caches.addAll(image.caches());
        secrets.addAll(image.secrets());
        if (image.fs().isScratch()) {
          throw new PlanException("task '" + task.name() + "' publishes an empty container",
              "start the container from an image or add files to it before publishing");
        }
        LlbState fs = image.fs();
        targets.add(new PlannedTarget(PlannedTarget.Kind.PUBLISH, p.platform(), task.publish().ref(),
            marshaller.marshal(fs), imageConfig(image)));
      }
    }
    PlannedCall call = null;
    if (task.call() != null) {
      var inputs = new ArrayList<>(task.inputs());
      inputs.sort(Comparator.comparing(LoweredTask.Input::param));
      for (LoweredTask.Input in : inputs) {
        targets.add(new PlannedTarget(PlannedTarget.Kind.INPUT, in.param(), entryName(in.source()),
            marshaller.marshal(copyOut(in.source(), "input " + in.param())), ImageConfig.EMPTY));
      }
      call = call(task, secrets);
    }
    for (PlannedTarget t : targets) {
      EngineFeatures.check(task.name(), t.definition(), engine);
    }
    return new PlannedTask(task.name(), task.description(), task.dependsOn(), requested, targets, caches, secrets,
        task.results(), call, task.limits(), boundServices(targets));
  }

  /** The services the targets' execs reach, in the order first bound. */
  private List<PlannedService> boundServices(List<PlannedTarget> targets) {
    var ids = new LinkedHashSet<String>();
    for (PlannedTarget t : targets) {
      Definition def = t.definition();
      for (int i = 0; i < def.size(); i++) {
        Op op = def.op(i);
        if (op.hasExec()) {
          op.getExec().getMeta().getExtraHostsList().forEach(h -> PlannedService.idOfPlaceholder(h.getIP())
              .ifPresent(ids::add));
        }
      }
    }
    return ids.stream().map(services).toList();
  }

  /** The call with files and directories as INPUT references and secrets by name (added to {@code secrets}). */
  private static PlannedCall call(LoweredTask task, SortedSet<String> secrets) {
    var args = new TreeMap<String, Object>();
    task.call().args().forEach((param, value) -> {
      if (value instanceof Directory) {
        args.put(param, new PlannedCall.Input(param, true));
      } else if (value instanceof File) {
        args.put(param, new PlannedCall.Input(param, false));
      } else if (value instanceof Secret s) {
        secrets.add(s.name());
        args.put(param, new PlannedCall.SecretArg(s.name()));
      } else {
        args.put(param, value);
      }
    });
    return new PlannedCall(task.call().name(), args);
  }

  /**
   * Only the exported path, on an otherwise empty filesystem, as its one entry named like the
   * path's last element ({@code /src/target/app.jar} gives {@code /app.jar}, a directory gives
   * the directory); exporting {@code /} gives the whole filesystem. The executor does not need
   * to know whether it was a file, and the export's cache key depends on nothing else.
   */
  static LlbState exportState(LoweredTask.Export export) {
    return copyOut(export.source(), "export " + export.path());
  }

  /** {@code src} alone on an empty filesystem, as {@link #exportState} describes; {@code name} names the step. */
  private static LlbState copyOut(DirRef src, String name) {
    String path = trimmed(src);
    boolean root = path.equals("/");
    String dest = root ? "/" : path.substring(path.lastIndexOf('/'));
    var options = new FileAction.CopyOptions(true, root, true, false, false, -1, null, List.of(), List.of());
    var copy = new FileAction.Copy(src.fs().output(), path, dest, options);
    return Sources.scratch().file(List.of(copy), name);
  }

  /** Where {@link #copyOut} puts {@code src} in the local export: its last path element, or {@code .}. */
  private static String entryName(DirRef src) {
    String path = trimmed(src);
    return path.equals("/") ? "." : path.substring(path.lastIndexOf('/') + 1);
  }

  private static String trimmed(DirRef src) {
    return src.path().endsWith("/") && src.path().length() > 1
        ? src.path().substring(0, src.path().length() - 1) : src.path();
  }

  private static ImageConfig imageConfig(ContainerState c) {
    var env = new ArrayList<String>();
    c.fs().env().forEach((k, v) -> env.add(k + "=" + v));
    String workdir = c.fs().cwd().equals("/") ? "" : c.fs().cwd();
    return new ImageConfig(env, workdir, c.fs().user(), c.entrypoint(), c.cmd(), "");
  }
}
