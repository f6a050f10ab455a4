package dev.kiln.planner.llb;

import dev.kiln.planner.llb.pb.CacheOpt;
import dev.kiln.planner.llb.pb.CacheSharingOpt;
import dev.kiln.planner.llb.pb.HostIP;
import dev.kiln.planner.llb.pb.Input;
import dev.kiln.planner.llb.pb.Meta;
import dev.kiln.planner.llb.pb.MountType;
import dev.kiln.planner.llb.pb.NetMode;
import dev.kiln.planner.llb.pb.SecretOpt;
import dev.kiln.planner.llb.pb.TmpfsOpt;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A process run in a container: meta (args, env, cwd, user), mounts sorted by destination, and
 * the outputs they produce. Built by {@link LlbState#run(Exec)}.
 *
 * <p>Output indexes follow BuildKit's client: writable bind mounts, in destination order, are
 * outputs 0, 1, ...; read-only, cache, tmpfs and secret mounts produce none.
 *
 * @param env {@code K=V} entries, sorted by key
 * @param extraHosts /etc/hosts lines, in the order given
 */
public record ExecOp(
    List<String> args, List<String> env, String cwd, String user, List<Mount> mounts,
    Exec.Network network, List<Exec.SecretEnv> secretEnv, List<Exec.ExtraHost> extraHosts, Platform platform,
    String name)
    implements Vertex {

  public ExecOp {
    args = List.copyOf(args);
    env = List.copyOf(env);
    Objects.requireNonNull(cwd, "cwd");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(name, "name");
    var sorted = new ArrayList<>(mounts);
    sorted.sort(Comparator.comparing(Mount::dest));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).dest().equals(sorted.get(i - 1).dest())) {
        throw new IllegalArgumentException("two mounts at " + sorted.get(i).dest());
      }
    }
    if (sorted.isEmpty() || !sorted.get(0).dest().equals("/")) {
      throw new IllegalArgumentException("an exec needs a root mount at /");
    }
    mounts = List.copyOf(sorted);
    secretEnv = List.copyOf(secretEnv);
    extraHosts = List.copyOf(extraHosts);
  }

  /** The output index of the writable bind mount at {@code dest}. */
  public int outputIndex(String dest) {
    int index = 0;
    for (Mount m : mounts) {
      if (producesOutput(m)) {
        if (m.dest().equals(dest)) {
          return index;
        }
        index++;
      }
    }
    throw new IllegalArgumentException("no writable bind mount at " + dest);
  }

  private static boolean producesOutput(Mount m) {
    return m instanceof Mount.Bind b && !b.readonly();
  }

  private static Output sourceOf(Mount m) {
    if (m instanceof Mount.Bind b) {
      return b.source();
    }
    if (m instanceof Mount.Cache c) {
      return c.base();
    }
    return null;
  }

  @Override
  public List<Output> inputs() {
    var inputs = new LinkedHashSet<Output>();
    for (Mount m : mounts) {
      Output source = sourceOf(m);
      if (source != null) {
        inputs.add(source);
      }
    }
    return List.copyOf(inputs);
  }

  @Override
  public dev.kiln.planner.llb.pb.Op toPb(List<Input> wireInputs) {
    List<Output> inputs = inputs();
    var meta = Meta.newBuilder().addAllArgs(args).addAllEnv(env).setCwd(cwd).setUser(user);
    for (Exec.ExtraHost h : extraHosts) {
      meta.addExtraHosts(HostIP.newBuilder().setHost(h.host()).setIP(h.ip()));
    }
    var exec = dev.kiln.planner.llb.pb.ExecOp.newBuilder()
        .setMeta(meta)
        .setNetwork(switch (network) {
          case SANDBOX -> NetMode.UNSET;
          case HOST -> NetMode.HOST;
          case NONE -> NetMode.NONE;
        });
    int output = 0;
    for (Mount m : mounts) {
      var pm = dev.kiln.planner.llb.pb.Mount.newBuilder().setDest(m.dest());
      Output source = sourceOf(m);
      pm.setInput(source == null ? -1 : inputs.indexOf(source));
      if (m instanceof Mount.Bind b) {
        pm.setSelector(b.selector()).setReadonly(b.readonly());
        pm.setOutput(b.readonly() ? -1 : output++);
      } else if (m instanceof Mount.Cache c) {
        pm.setMountType(MountType.CACHE).setOutput(-1)
            .setCacheOpt(CacheOpt.newBuilder().setID(c.id())
                .setSharing(CacheSharingOpt.valueOf(c.sharing().name())));
      } else if (m instanceof Mount.Tmpfs t) {
        pm.setMountType(MountType.TMPFS).setOutput(-1);
        if (t.sizeBytes() > 0) {
          pm.setTmpfsOpt(TmpfsOpt.newBuilder().setSize(t.sizeBytes()));
        }
      } else if (m instanceof Mount.Secret s) {
        // BuildKit's own client leaves output at 0 for secrets; the daemon ignores it.
        pm.setMountType(MountType.SECRET)
            .setSecretOpt(SecretOpt.newBuilder().setID(s.id()).setUid(s.uid()).setGid(s.gid())
                .setMode(s.mode()).setOptional(s.optional()));
      }
      exec.addMounts(pm);
    }
    for (Exec.SecretEnv se : secretEnv) {
      exec.addSecretenv(dev.kiln.planner.llb.pb.SecretEnv.newBuilder()
          .setID(se.id()).setName(se.name()).setOptional(se.optional()));
    }
    return dev.kiln.planner.llb.pb.Op.newBuilder()
        .addAllInputs(wireInputs)
        .setExec(exec)
        .setPlatform(platform.toPb())
        .build();
  }

  @Override
  public SortedSet<String> caps() {
    SortedSet<String> caps = new TreeSet<>();
    caps.add(Caps.EXEC_META_BASE);
    caps.add(Caps.PLATFORM);
    if (network != Exec.Network.SANDBOX) {
      caps.add(Caps.EXEC_META_NETWORK);
    }
    if (!secretEnv.isEmpty()) {
      caps.add(Caps.EXEC_SECRET_ENV);
    }
    for (Mount m : mounts) {
      if (m instanceof Mount.Bind b) {
        caps.add(Caps.EXEC_MOUNT_BIND);
        if (!b.selector().isEmpty()) {
          caps.add(Caps.EXEC_MOUNT_SELECTOR);
        }
      } else if (m instanceof Mount.Cache) {
        caps.add(Caps.EXEC_MOUNT_CACHE);
        caps.add(Caps.EXEC_MOUNT_CACHE_SHARING);
      } else if (m instanceof Mount.Tmpfs t) {
        caps.add(Caps.EXEC_MOUNT_TMPFS);
        if (t.sizeBytes() > 0) {
          caps.add(Caps.EXEC_MOUNT_TMPFS_SIZE);
        }
      } else if (m instanceof Mount.Secret) {
        caps.add(Caps.EXEC_MOUNT_SECRET);
      }
    }
    return Collections.unmodifiableSortedSet(caps);
  }
}
