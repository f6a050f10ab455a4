package dev.kiln.planner;

import dev.kiln.planner.llb.Exec;
import dev.kiln.planner.llb.FileAction;
import dev.kiln.planner.llb.LlbState;
import dev.kiln.planner.llb.Mount;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A container part-way through lowering: its filesystem, file actions not yet emitted (adjacent
 * file operations fold into one FileOp, emitted before the next exec or at the end), the mounts
 * every later exec gets, and the image configuration it would publish with. Immutable, so equal
 * prefixes of different containers can share one lowering.
 *
 * @param pending file actions to apply to {@code fs}, folded into one op when flushed
 * @param mounts persistent mounts by destination (cache volumes, secrets, mounted directories)
 * @param secretEnv secrets exposed as variables to every later exec, by variable name
 * @param services services every later exec reaches, by host name
 */
record ContainerState(
    LlbState fs, List<FileAction> pending, SortedMap<String, Mount> mounts,
    SortedMap<String, Exec.SecretEnv> secretEnv, List<String> entrypoint, List<String> cmd,
    SortedSet<String> caches, SortedSet<String> secrets, SortedMap<String, PlannedService> services) {

  ContainerState {
    pending = List.copyOf(pending);
    mounts = Collections.unmodifiableSortedMap(new TreeMap<>(mounts));
    secretEnv = Collections.unmodifiableSortedMap(new TreeMap<>(secretEnv));
    entrypoint = List.copyOf(entrypoint);
    cmd = List.copyOf(cmd);
    caches = Collections.unmodifiableSortedSet(new TreeSet<>(caches));
    secrets = Collections.unmodifiableSortedSet(new TreeSet<>(secrets));
    services = Collections.unmodifiableSortedMap(new TreeMap<>(services));
  }

  static ContainerState of(LlbState fs) {
    return new ContainerState(fs, List.of(), new TreeMap<>(), new TreeMap<>(), List.of(), List.of(),
        new TreeSet<>(), new TreeSet<>(), new TreeMap<>());
  }

  /** A container on {@code fs} with an image's configuration applied (what BuildKit leaves to clients). */
  static ContainerState of(LlbState fs, ImageConfig config) {
    for (String kv : config.env()) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        fs = fs.withEnv(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    if (!config.workingDir().isEmpty()) {
      fs = fs.withCwd(config.workingDir());
    }
    if (!config.user().isEmpty()) {
      fs = fs.withUser(config.user());
    }
    return of(fs).withEntrypoint(config.entrypoint()).withCmd(config.cmd());
  }

  /** This state with {@code names} among the secrets its steps read (a Dockerfile's secret mounts). */
  ContainerState withSecrets(java.util.Collection<String> names) {
    var secrets = new TreeSet<>(this.secrets);
    secrets.addAll(names);
    return new ContainerState(fs, pending, mounts, secretEnv, entrypoint, cmd, caches, secrets, services);
  }

  ContainerState withFs(LlbState next) {
    return new ContainerState(next, pending, mounts, secretEnv, entrypoint, cmd, caches, secrets, services);
  }

  /** This state with {@code action} queued; it folds with its neighbours into one FileOp. */
  ContainerState withAction(FileAction action) {
    var all = new ArrayList<>(pending);
    all.add(action);
    return new ContainerState(fs, all, mounts, secretEnv, entrypoint, cmd, caches, secrets, services);
  }

  /** This state with queued file actions emitted as one FileOp. */
  ContainerState flushed() {
    if (pending.isEmpty()) {
      return this;
    }
    return new ContainerState(fs.file(pending, ""), List.of(), mounts, secretEnv, entrypoint, cmd, caches, secrets, services);
  }

  ContainerState withMount(Mount mount) {
    var all = new TreeMap<>(mounts);
    all.put(mount.dest(), mount);
    var caches = new TreeSet<>(this.caches);
    var secrets = new TreeSet<>(this.secrets);
    if (mount instanceof Mount.Cache c) {
      caches.add(c.id());
    } else if (mount instanceof Mount.Secret s) {
      secrets.add(s.id());
    }
    return new ContainerState(fs, pending, all, secretEnv, entrypoint, cmd, caches, secrets, services);
  }

  ContainerState withoutMount(String dest) {
    var all = new TreeMap<>(mounts);
    all.remove(dest);
    return new ContainerState(fs, pending, all, secretEnv, entrypoint, cmd, caches, secrets, services);
  }

  ContainerState withSecretEnv(Exec.SecretEnv env) {
    var all = new TreeMap<>(secretEnv);
    all.put(env.name(), env);
    var secrets = new TreeSet<>(this.secrets);
    secrets.add(env.id());
    return new ContainerState(fs, pending, mounts, all, entrypoint, cmd, caches, secrets, services);
  }

  ContainerState withEntrypoint(List<String> entrypoint) {
    return new ContainerState(fs, pending, mounts, secretEnv, entrypoint, cmd, caches, secrets, services);
  }

  ContainerState withCmd(List<String> cmd) {
    return new ContainerState(fs, pending, mounts, secretEnv, entrypoint, cmd, caches, secrets, services);
  }

  /** This state with {@code service} reachable as {@code hostname} from every later exec. */
  ContainerState withService(String hostname, PlannedService service) {
    var all = new TreeMap<>(services);
    all.put(hostname, service);
    // the run serves and masks the service's secrets, and counts its caches, as the binding step's own
    var caches = new TreeSet<>(this.caches);
    caches.addAll(service.caches());
    var secrets = new TreeSet<>(this.secrets);
    secrets.addAll(service.secrets());
    return new ContainerState(fs, pending, mounts, secretEnv, entrypoint, cmd, caches, secrets, all);
  }

  /**
   * Runs {@code args} after emitting queued file actions, with the persistent mounts and secret
   * variables. The new filesystem is the exec's root output.
   */
  ContainerState exec(List<String> args, List<Mount> extraMounts, Exec.Network network, String name) {
    ContainerState ready = flushed();
    Exec exec = new Exec(args, List.of(), network, List.copyOf(secretEnv.values()), name);
    var byDest = new TreeMap<>(ready.mounts);
    extraMounts.forEach(m -> byDest.put(m.dest(), m));
    for (Mount m : byDest.values()) {
      exec = exec.withMount(m);
    }
    for (var binding : services.entrySet()) {
      PlannedService service = binding.getValue();
      exec = exec.withExtraHost(new Exec.ExtraHost(binding.getKey(), service.placeholder()))
          .withExtraHost(new Exec.ExtraHost(service.cacheKeyHost(), service.placeholder()));
    }
    return ready.withFs(ready.fs.run(exec).root());
  }
}
