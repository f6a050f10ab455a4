package dev.kiln.planner.llb;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A filesystem (one output of a vertex, or scratch) plus what an exec on it would see: env,
 * working directory, user and platform. Start from {@link Sources}; every {@code with*} and
 * operation returns a new state.
 *
 * @param output the filesystem, or null for scratch (the empty filesystem)
 * @param env environment variables, sorted by name (so their order never changes a digest)
 * @param cwd absolute working directory
 * @param user user for execs, or empty for the image default (root)
 * @param platform platform for execs and image sources
 */
public record LlbState(
    Output output, SortedMap<String, String> env, String cwd, String user, Platform platform) {
  static final LlbState SCRATCH =
      new LlbState(null, new TreeMap<>(), "/", "", Platform.LINUX_AMD64);

  public LlbState {
    env = Collections.unmodifiableSortedMap(new TreeMap<>(env));
    Objects.requireNonNull(cwd, "cwd");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(platform, "platform");
    if (!cwd.startsWith("/")) {
      throw new IllegalArgumentException("cwd must be absolute: " + cwd);
    }
  }

  /** True when this state is the empty filesystem. */
  public boolean isScratch() {
    return output == null;
  }

  /** This state on another filesystem, keeping env, cwd, user and platform. */
  public LlbState withOutput(Output output) {
    return new LlbState(output, env, cwd, user, platform);
  }

  /** This state with {@code name=value} in its environment (replacing an earlier value). */
  public LlbState withEnv(String name, String value) {
    if (name.isEmpty() || name.contains("=")) {
      throw new IllegalArgumentException("invalid environment variable name: " + name);
    }
    var next = new TreeMap<>(env);
    next.put(name, value);
    return new LlbState(output, next, cwd, user, platform);
  }

  /** This state with all of {@code vars} in its environment. */
  public LlbState withEnv(Map<String, String> vars) {
    LlbState s = this;
    for (var e : new TreeMap<>(vars).entrySet()) {
      s = s.withEnv(e.getKey(), e.getValue());
    }
    return s;
  }

  /** This state without {@code name} in its environment. */
  public LlbState withoutEnv(String name) {
    var next = new TreeMap<>(env);
    next.remove(name);
    return new LlbState(output, next, cwd, user, platform);
  }

  /** This state with the working directory {@code dir}, resolved against the current one. */
  public LlbState withCwd(String dir) {
    return new LlbState(output, env, resolve(dir), user, platform);
  }

  /** This state with execs run as {@code user} ({@code name}, {@code uid} or {@code uid:gid}). */
  public LlbState withUser(String user) {
    return new LlbState(output, env, cwd, user, platform);
  }

  /** This state with another platform. */
  public LlbState withPlatform(Platform platform) {
    return new LlbState(output, env, cwd, user, platform);
  }

  /** {@code path} made absolute against this state's working directory and cleaned. */
  public String resolve(String path) {
    String joined = path.startsWith("/") ? path : cwd + "/" + path;
    Deque<String> parts = new ArrayDeque<>();
    for (String p : joined.split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        parts.pollLast();
      } else {
        parts.addLast(p);
      }
    }
    String clean = "/" + String.join("/", parts);
    // a trailing slash means "into this directory" for copies; keep it
    return joined.endsWith("/") && !clean.equals("/") ? clean + "/" : clean;
  }

  /** Runs {@code exec} with this state as the root filesystem. */
  public ExecState run(Exec exec) {
    var mounts = new ArrayList<Mount>();
    mounts.add(new Mount.Bind("/", output, "", false));
    mounts.addAll(exec.mounts());
    var env = new ArrayList<String>(this.env.size());
    this.env.forEach((k, v) -> env.add(k + "=" + v));
    var op = new ExecOp(exec.args(), env, cwd, user, mounts, exec.network(), exec.secretEnv(),
        exec.extraHosts(), platform, exec.name());
    return new ExecState(op, this);
  }

  /**
   * Applies {@code actions} in order, as one file op. When this state is itself the result of a
   * file op, the actions still get a vertex of their own: folding is the planner's decision,
   * because the intermediate state may be shared (see {@link FileOp#append}).
   */
  public LlbState file(List<FileAction> actions, String name) {
    return withOutput(new Output(new FileOp(output, actions, name), 0));
  }

  /** Layers {@code layers} on top of this state (BuildKit v0.10+). Scratch layers are skipped. */
  public LlbState merge(List<LlbState> layers, String name) {
    var outputs = new ArrayList<Output>();
    if (output != null) {
      outputs.add(output);
    }
    for (LlbState l : layers) {
      if (l.output() != null) {
        outputs.add(l.output());
      }
    }
    if (outputs.isEmpty()) {
      return withOutput(null);
    }
    if (outputs.size() == 1) {
      return withOutput(outputs.get(0));
    }
    return withOutput(new Output(new MergeOp(outputs, name), 0));
  }
}
