package dev.kiln.executor.services;

import dev.kiln.executor.engine.ContainerMount;
import dev.kiln.planner.PlannedService;
import dev.kiln.planner.llb.Exec;
import dev.kiln.planner.llb.Mount;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a service's container is made and its process started: its mounts, and its command under a
 * small {@code /bin/sh} supervisor.
 *
 * <p>The supervisor holds the process's stdin, which Kiln keeps open while the service is wanted.
 * When it ends (Kiln stops the service, or Kiln's process dies and the engine closes the stream:
 * BuildKit before v0.11 would otherwise keep the container running, since nothing releases it),
 * the supervisor stops the service (TERM, then KILL after {@value #GRACE_SECONDS} s); the
 * container ends with it. Secret variables are read from secret files the engine mounts under
 * {@value #SECRET_ENV_DIR}, so neither the container's definition nor the process's command line
 * holds their values, and engines without {@code gateway.exec.secretenv} (before v0.12) can do it.
 */
final class ServiceLaunch {
  /** Where the secret files behind a service's secret variables are mounted, one per variable. */
  static final String SECRET_ENV_DIR = "/run/kiln-secret-env";
  static final int GRACE_SECONDS = 10;

  // $0 names the supervisor in `ps`; "$@" is the service's command. Command substitution drops a
  // value's trailing newlines, as a shell's $(cat file) always does.
  private static final String SUPERVISOR = """
      d=%s
      if [ -d "$d" ]; then for f in "$d"/*; do [ -f "$f" ] && export "${f##*/}=$(cat "$f")"; done; fi
      exec 3<&0
      "$@" </dev/null 3<&- &
      s=$!
      { cat <&3 >/dev/null; kill -TERM "$s"; sleep %d; kill -KILL "$s"; } >/dev/null 2>&1 &
      wait "$s"
      """.formatted(SECRET_ENV_DIR, GRACE_SECONDS);

  private ServiceLaunch() {}

  /** {@code service}'s command under the supervisor; its stdin must stay open while it is wanted. */
  static List<String> command(PlannedService service) {
    List<String> args = new ArrayList<>(List.of("/bin/sh", "-c", SUPERVISOR, "kiln-service-" + service.name()));
    args.addAll(service.args());
    return args;
  }

  /**
   * The container's mounts: its filesystem ({@code rootRef}) at {@code /}, its directories (by
   * result id, {@code refs} by destination), cache volumes, secret files and tmpfs, and a secret file
   * per secret variable.
   */
  static List<ContainerMount> mounts(PlannedService service, String rootRef, Map<String, String> refs) {
    List<ContainerMount> mounts = new ArrayList<>();
    mounts.add(new ContainerMount.Result("/", rootRef, "", false));
    for (PlannedService.MountedFs m : service.mounts()) {
      mounts.add(mount(m.mount(), refs));
    }
    for (Exec.SecretEnv e : service.secretEnv()) {
      // readable by the service's user, whoever it is: the file is as private as the variable
      mounts.add(new ContainerMount.Secret(SECRET_ENV_DIR + "/" + e.name(), e.id(), 0, 0, 0444, e.optional()));
    }
    return mounts;
  }

  private static ContainerMount mount(Mount m, Map<String, String> refs) {
    if (m instanceof Mount.Bind b) {
      return new ContainerMount.Result(b.dest(), refs.getOrDefault(b.dest(), ""), b.selector(), b.readonly());
    } else if (m instanceof Mount.Cache c) {
      return new ContainerMount.Cache(c.dest(), c.id(), ContainerMount.Sharing.valueOf(c.sharing().name()));
    } else if (m instanceof Mount.Secret s) {
      return new ContainerMount.Secret(s.dest(), s.id(), s.uid(), s.gid(), s.mode(), s.optional());
    }
    return new ContainerMount.Tmpfs(m.dest());
  }
}
