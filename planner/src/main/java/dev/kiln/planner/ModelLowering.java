package dev.kiln.planner;

import com.google.protobuf.ByteString;
import dev.kiln.model.Container;
import dev.kiln.model.ContainerOp;
import dev.kiln.model.Directory;
import dev.kiln.model.DockerBuild;
import dev.kiln.model.File;
import dev.kiln.model.ModelGraph;
import dev.kiln.model.Secret;
import dev.kiln.model.Task;
import dev.kiln.planner.llb.Exec;
import dev.kiln.planner.llb.FileAction;
import dev.kiln.planner.llb.ImageRef;
import dev.kiln.planner.llb.LlbState;
import dev.kiln.planner.llb.Mount;
import dev.kiln.planner.llb.Owner;
import dev.kiln.planner.llb.Platform;
import dev.kiln.planner.llb.Sources;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lowers model values to LLB states. Containers are walked op by op from their base; each step
 * is memoised on (state before, op), so containers sharing a prefix (a Pkl {@code local} extended
 * by several tasks) share the lowered vertices, and each is marshalled once.
 *
 * <p>Adjacent file operations of a container fold into one FileOp, and only within that
 * container's own list: a task's digests never depend on which other tasks are planned.
 */
final class ModelLowering {
  private final PlannerSettings settings;
  private final Set<String> notes;
  private final LocalSources locals;
  private final DirectoryLayering layering;
  private final DockerfileLowering dockerfiles;
  private final ServiceLowering services;
  private final Map<String, ContainerState> bases = new HashMap<>();
  private final IdentityHashMap<ContainerState, Map<Object, ContainerState>> steps = new IdentityHashMap<>();
  private final IdentityHashMap<Directory, DirRef> directories = new IdentityHashMap<>();
  private Task task; // for error messages

  ModelLowering(PlannerSettings settings, Set<String> notes) {
    this.settings = settings;
    this.notes = notes;
    this.locals = new LocalSources(settings.ignoreFiles());
    this.layering = new DirectoryLayering(settings.engine(), notes);
    this.dockerfiles = new DockerfileLowering(settings.dockerfiles(), notes);
    this.services = new ServiceLowering();
  }

  /** The service with {@code id} bound by a step lowered so far. */
  PlannedService service(String id) {
    return services.byId(id);
  }

  /** Where the steps of the Dockerfiles lowered so far are, by op digest. */
  Map<String, dev.kiln.model.SourceLocation> dockerfileLocations() {
    return dockerfiles.locations();
  }

  LoweredTask task(Task t) {
    task = t;
    lowerInnerFirst(t);
    ContainerState run = t.run() == null ? null : container(t.run());
    LoweredTask.Reports reports = null;
    if (run != null && !t.reports().isEmpty()) {
      ReportingRun reporting;
      try {
        reporting = ReportingRun.of(t.run());
      } catch (IllegalArgumentException e) {
        throw error("collects reports, but its run's last command " + e.getMessage(),
            "reports are written by the run's last command: give it one, with its full command line");
      }
      ContainerState tested = container(reporting.tested());
      reports = new LoweredTask.Reports(tested.flushed(), t.reports());
      run = tested.exec(reporting.gate(), List.of(), Exec.Network.SANDBOX,
          "[" + t.name() + "] exit with the tests' exit code");
    }
    var exports = new ArrayList<LoweredTask.Export>();
    for (Task.Export e : t.exports()) {
      if (run == null) {
        throw error("exports " + e.path() + " but has no run container", "add a run container to the task");
      }
      ContainerState flushed = run.flushed();
      exports.add(new LoweredTask.Export(new DirRef(flushed.fs(), flushed.fs().resolve(e.path())),
          e.path(), e.hostPath()));
    }
    LoweredTask.Publish publish = null;
    if (t.publish() != null) {
      if (t.ref().isEmpty()) {
        throw error("publishes an image but has no ref", "set ref to the image reference to push");
      }
      var images = new ArrayList<LoweredTask.PlatformImage>();
      for (String platform : t.platforms()) {
        Container c = t.publish();
        images.add(new LoweredTask.PlatformImage(platform,
            container(new Container(c.image(), platform, c.ops(), c.build()))));
      }
      publish = new LoweredTask.Publish(container(t.publish()), t.ref(), images);
    }
    var inputs = new ArrayList<LoweredTask.Input>();
    if (t.call() != null) {
      t.call().args().forEach((param, value) -> {
        if (value instanceof Directory d) {
          inputs.add(new LoweredTask.Input(param, directory(d), true));
        } else if (value instanceof File f) {
          inputs.add(new LoweredTask.Input(param, file(f), false));
        }
      });
    }
    return new LoweredTask(t.name(), t.description(), t.dependsOn(), run, exports, publish, t.results(),
        t.call(), inputs, t.limits(), reports);
  }

  ContainerState container(Container c) {
    ContainerState state = c.build() != null
        ? built(c) : bases.computeIfAbsent(c.image() + "\n" + c.platform(), k -> base(c));
    for (ContainerOp op : c.ops()) {
      ContainerState before = state;
      var next = steps.computeIfAbsent(before, k -> new HashMap<>());
      Object key = stepKey(op);
      ContainerState after = next.get(key);
      if (after == null) {
        after = step(before, op);
        next.put(key, after);
      }
      state = after;
    }
    return state;
  }

  /** A step that reads a directory or file, identified by its lowered source. */
  private record SourceStep(Class<?> kind, String path, List<String> include, List<String> exclude, String owner,
      int permissions, DirRef source) {}

  /**
   * What identifies a step for sharing: the op itself, but an op that reads a directory or file
   * by its lowered source instead, so that keys stay shallow (the model's records compare and
   * hash by walking everything they are built from, which may be deep).
   */
  private Object stepKey(ContainerOp op) {
    if (op instanceof ContainerOp.WithDirectory d) {
      return new SourceStep(d.getClass(), d.path(), d.include(), d.exclude(), d.owner(), 0, directory(d.source()));
    } else if (op instanceof ContainerOp.WithFile f) {
      return new SourceStep(f.getClass(), f.path(), List.of(), List.of(), f.owner(), f.permissions(), file(f.file()));
    } else if (op instanceof ContainerOp.WithMountedDirectory m) {
      return new SourceStep(m.getClass(), m.path(), List.of(), List.of(), "", 0, directory(m.source()));
    }
    return op;
  }

  /**
   * Lowers every directory {@code t} is built from, innermost first (an explicit stack, in {@link
   * ModelGraph}): lowering a container or directory afterwards finds each one it reads done, so it
   * never recurses deeper than one level however deep the pipeline nests them.
   */
  private void lowerInnerFirst(Task t) {
    for (Object node : ModelGraph.innerFirst(ModelGraph.roots(t))) {
      if (node instanceof Directory d) {
        directory(d);
      }
    }
  }

  private ContainerState built(Container c) {
    Platform platform = c.platform().isEmpty() ? settings.platform() : parsePlatform(c.platform());
    DockerBuild b = c.build();
    String dockerfile = HostDirectories.hostPath(b.dockerfile());
    IgnoreFile ignore = dockerfile == null ? null : settings.dockerfileIgnoreFiles().get(dockerfile);
    DirRef context = ignore != null && b.context().base() instanceof Directory.Host h && b.context().ops().isEmpty()
        ? locals.directory(h, "", ignore)
        : directory(b.context());
    DirRef dockerfileDirectory;
    if (b.dockerfile().directory().base() instanceof Directory.Host fh && b.dockerfile().directory().ops().isEmpty()) {
      // Only the Dockerfile is sent for the frontend to parse, and never filtered: Docker sends it even when
      // the .dockerignore names it (COPY then leaves it out).
      dockerfileDirectory = new DirRef(
          locals.directory(new Directory.Host(fh.path(), List.of(), List.of()), b.dockerfile().path(), IgnoreFile.EMPTY)
              .fs(), "/");
    } else {
      dockerfileDirectory = b.dockerfile().directory().equals(b.context())
          ? context : directory(b.dockerfile().directory());
    }
    Path location = Path.of(dockerfile != null ? dockerfile : b.dockerfile().path());
    return dockerfiles.container(b, context, dockerfileDirectory, location, platform);
  }

  private ContainerState base(Container c) {
    Platform platform = c.platform().isEmpty() ? settings.platform() : parsePlatform(c.platform());
    if (c.image().isEmpty()) {
      return ContainerState.of(Sources.scratch().withPlatform(platform));
    }
    ImageRef ref;
    try {
      ref = ImageRef.parse(c.image());
    } catch (IllegalArgumentException e) {
      throw error("has an invalid image reference '" + c.image() + "': " + e.getMessage(),
          "write it like docker pull would take it, e.g. eclipse-temurin:17 or registry.example.com/app:1.0");
    }
    var config = settings.imageConfigs().lookup(ref.withoutDigest(), platform);
    if (config.isEmpty()) {
      notes.add("image " + ref + " was not resolved: its ENV, WORKDIR, USER and ENTRYPOINT are"
          + " not applied in this plan (run with an engine to resolve it)");
    }
    ImageConfig ic = config.orElse(ImageConfig.EMPTY);
    ImageRef pinned = ref.digest().isEmpty() && !ic.digest().isEmpty() ? ref.withDigest(ic.digest()) : ref;
    return ContainerState.of(Sources.image(pinned, platform), ic);
  }

  private ContainerState step(ContainerState s, ContainerOp op) {
    LlbState fs = s.fs();
    if (op instanceof ContainerOp.Exec e) {
      var args = new ArrayList<String>();
      if (e.useEntrypoint()) {
        args.addAll(s.entrypoint());
      }
      args.addAll(e.args());
      if (args.isEmpty()) {
        throw error("runs an empty command", "give withExec at least the program to run");
      }
      return s.exec(args, List.of(), Exec.Network.SANDBOX, "");
    } else if (op instanceof ContainerOp.WithEnv e) {
      return s.withFs(fs.withEnv(e.name(), e.value()));
    } else if (op instanceof ContainerOp.WithoutEnv e) {
      return s.withFs(fs.withoutEnv(e.name()));
    } else if (op instanceof ContainerOp.WithWorkdir w) {
      return s.withFs(fs.withCwd(w.path()));
    } else if (op instanceof ContainerOp.WithUser u) {
      return s.withFs(fs.withUser(u.user()));
    } else if (op instanceof ContainerOp.WithEntrypoint e) {
      // As in a Dockerfile: a new ENTRYPOINT drops the CMD inherited so far (the base image's
      // `/bin/sh` would otherwise become its argument); withDefaultArgs after it sets a new one.
      return s.withEntrypoint(e.args()).withCmd(List.of());
    } else if (op instanceof ContainerOp.WithDefaultArgs d) {
      return s.withCmd(d.args());
    } else if (op instanceof ContainerOp.WithDirectory d) {
      DirRef src = filteredDirectory(d.source(), d.include(), d.exclude());
      var options = FileAction.CopyOptions.DEFAULT.withOwner(owner(d.owner()));
      if (src == null) { // patterns could not be pushed into a local source: filter the copy
        src = directory(d.source());
        options = options.withPatterns(d.include(), d.exclude());
      }
      return s.withAction(new FileAction.Copy(src.fs().output(), src.path(), fs.resolve(d.path()), options));
    } else if (op instanceof ContainerOp.WithFile f) {
      DirRef src = file(f.file());
      var options = FileAction.CopyOptions.DEFAULT.withOwner(owner(f.owner())).withMode(f.permissions());
      return s.withAction(new FileAction.Copy(src.fs().output(), src.path(), fs.resolve(f.path()), options));
    } else if (op instanceof ContainerOp.WithNewFile f) {
      String path = fs.resolve(f.path());
      ContainerState next = s;
      String parent = path.substring(0, path.lastIndexOf('/'));
      if (!parent.isEmpty()) {
        next = next.withAction(new FileAction.MkDir(parent, 0755, true, null));
      }
      return next.withAction(new FileAction.MkFile(path, f.permissions(),
          ByteString.copyFromUtf8(f.contents()), owner(f.owner())));
    } else if (op instanceof ContainerOp.WithoutPath w) {
      return s.withAction(new FileAction.Rm(fs.resolve(w.path()), true, false));
    } else if (op instanceof ContainerOp.WithMountedCache m) {
      return s.withMount(new Mount.Cache(fs.resolve(m.path()), m.cache().name(),
          Mount.Sharing.valueOf(m.sharing().name()), null));
    } else if (op instanceof ContainerOp.WithMountedSecret m) {
      return s.withMount(new Mount.Secret(fs.resolve(m.path()), m.secret().name(), 0, 0, 0400, false));
    } else if (op instanceof ContainerOp.WithMountedDirectory m) {
      DirRef src = directory(m.source());
      String selector = src.path().equals("/") ? "" : src.path().substring(1);
      return s.withMount(new Mount.Bind(fs.resolve(m.path()), src.fs().output(), selector, true));
    } else if (op instanceof ContainerOp.WithMountedTemp m) {
      return s.withMount(new Mount.Tmpfs(fs.resolve(m.path()), 0));
    } else if (op instanceof ContainerOp.WithoutMount m) {
      return s.withoutMount(fs.resolve(m.path()));
    } else if (op instanceof ContainerOp.WithSecretVariable v) {
      return s.withSecretEnv(new Exec.SecretEnv(v.secret().name(), v.name(), false));
    } else if (op instanceof ContainerOp.WithServiceBinding b) {
      return s.withService(b.hostname(), services.service(b.hostname(), b.service(), container(b.service().container())));
    }
    throw new IllegalStateException("unknown container op " + op.getClass().getName());
  }

  DirRef directory(Directory d) {
    DirRef cached = directories.get(d);
    if (cached != null) {
      return cached;
    }
    DirRef base;
    if (d.base() instanceof Directory.Host h) {
      base = locals.directory(h, "");
    } else if (d.base() instanceof Directory.Empty) {
      base = new DirRef(Sources.scratch(), "/");
    } else if (d.base() instanceof Directory.FromContainer fc) {
      LlbState fs = container(fc.container()).flushed().fs();
      base = new DirRef(fs, fs.resolve(fc.path()));
    } else if (d.base() instanceof Directory.Sub sub) {
      if (sub.parent().base() instanceof Directory.Host h && sub.parent().ops().isEmpty()) {
        base = locals.directory(h, sub.path());
      } else {
        base = directory(sub.parent()).resolve(sub.path());
      }
    } else {
      throw new IllegalStateException("unknown directory base " + d.base());
    }
    var actions = new ArrayList<FileAction>();
    for (Directory.Op op : d.ops()) {
      if (op instanceof Directory.WithDirectory w) {
        DirRef src = directory(w.source());
        actions.add(new FileAction.Copy(src.fs().output(), src.path(), base.resolve(w.path()).path(),
            FileAction.CopyOptions.DEFAULT));
      } else if (op instanceof Directory.WithFile w) {
        DirRef src = file(w.file());
        actions.add(new FileAction.Copy(src.fs().output(), src.path(), base.resolve(w.path()).path(),
            FileAction.CopyOptions.DEFAULT));
      } else if (op instanceof Directory.WithNewFile w) {
        String path = base.resolve(w.path()).path();
        String parent = path.substring(0, path.lastIndexOf('/'));
        if (!parent.isEmpty()) {
          actions.add(new FileAction.MkDir(parent, 0755, true, null));
        }
        actions.add(new FileAction.MkFile(path, 0644, ByteString.copyFromUtf8(w.contents()), null));
      } else if (op instanceof Directory.Without w) {
        actions.add(new FileAction.Rm(base.resolve(w.path()).path(), true, false));
      }
    }
    DirRef result = layering.apply(base, actions);
    directories.put(d, result);
    return result;
  }

  /** A host directory with a copy's patterns pushed into its source, or null when they cannot be. */
  private DirRef filteredDirectory(Directory d, List<String> include, List<String> exclude) {
    if (include.isEmpty() && exclude.isEmpty()) {
      return directory(d);
    }
    if (d.ops().isEmpty() && d.base() instanceof Directory.Host h) {
      return locals.filtered(h, "", include, exclude);
    }
    if (d.ops().isEmpty() && d.base() instanceof Directory.Sub sub
        && sub.parent().ops().isEmpty() && sub.parent().base() instanceof Directory.Host h) {
      return locals.filtered(h, sub.path(), include, exclude);
    }
    return null;
  }

  DirRef file(File f) {
    Directory d = f.directory();
    if (d.ops().isEmpty() && d.base() instanceof Directory.Host h) {
      return locals.directory(h, f.path());
    }
    if (d.ops().isEmpty() && d.base() instanceof Directory.Sub sub
        && sub.parent().ops().isEmpty() && sub.parent().base() instanceof Directory.Host h) {
      return locals.directory(h, sub.path() + "/" + f.path());
    }
    return directory(d).resolve(f.path());
  }

  private Owner owner(String owner) {
    return owner.isEmpty() ? null : Owner.parse(owner);
  }

  private Platform parsePlatform(String text) {
    try {
      return Platform.parse(text);
    } catch (IllegalArgumentException e) {
      throw error("has an invalid platform '" + text + "'", "write it as os/arch[/variant], e.g. linux/arm64");
    }
  }

  private PlanException error(String what, String hint) {
    return new PlanException("task '" + task.name() + "' " + what, hint, task.location());
  }
}
