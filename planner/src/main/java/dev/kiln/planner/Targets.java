package dev.kiln.planner;

import dev.kiln.planner.llb.FileAction;
import dev.kiln.planner.llb.LlbState;
import dev.kiln.planner.llb.Marshaller;
import dev.kiln.planner.llb.Sources;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/** Marshals a {@link LoweredTask}'s run, exports and publish into {@link PlannedTarget}s. */
final class Targets {
  private final Marshaller marshaller;
  private final EngineCapabilities engine;

  Targets(Marshaller marshaller, EngineCapabilities engine) {
    this.marshaller = marshaller;
    this.engine = engine;
  }

  PlannedTask plan(LoweredTask task, boolean requested) {
    var targets = new ArrayList<PlannedTarget>();
    SortedSet<String> caches = new TreeSet<>();
    SortedSet<String> secrets = new TreeSet<>();
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
      ContainerState image = task.publish().container().flushed();
      caches.addAll(image.caches());
      secrets.addAll(image.secrets());
      if (image.fs().isScratch()) {
        throw new PlanException("task '" + task.name() + "' publishes an empty container",
            "start the container from an image or add files to it before publishing");
      }
      LlbState fs = image.fs();
      targets.add(new PlannedTarget(PlannedTarget.Kind.PUBLISH, "", task.publish().ref(),
          marshaller.marshal(fs), imageConfig(image)));
    }
    for (PlannedTarget t : targets) {
      EngineFeatures.check(task.name(), t.definition(), engine);
    }
    return new PlannedTask(task.name(), task.description(), task.dependsOn(), requested, targets, caches, secrets,
        task.results());
  }

  /**
   * Only the exported path, on an otherwise empty filesystem, as its one entry named like the
   * path's last element ({@code /src/target/app.jar} gives {@code /app.jar}, a directory gives
   * the directory); exporting {@code /} gives the whole filesystem. The executor does not need
   * to know whether it was a file, and the export's cache key depends on nothing else.
   */
  static LlbState exportState(LoweredTask.Export export) {
    DirRef src = export.source();
    String path = src.path().endsWith("/") && src.path().length() > 1
        ? src.path().substring(0, src.path().length() - 1) : src.path();
    boolean root = path.equals("/");
    String dest = root ? "/" : path.substring(path.lastIndexOf('/'));
    var options = new FileAction.CopyOptions(true, root, true, false, false, -1, null, List.of(), List.of());
    var copy = new FileAction.Copy(src.fs().output(), path, dest, options);
    return Sources.scratch().file(List.of(copy), "export " + export.path());
  }

  private static ImageConfig imageConfig(ContainerState c) {
    var env = new ArrayList<String>();
    c.fs().env().forEach((k, v) -> env.add(k + "=" + v));
    String workdir = c.fs().cwd().equals("/") ? "" : c.fs().cwd();
    return new ImageConfig(env, workdir, c.fs().user(), c.entrypoint(), c.cmd(), "");
  }
}
