package dev.kiln.planner;

import dev.kiln.model.Healthcheck;
import dev.kiln.planner.llb.Definition;
import dev.kiln.planner.llb.Exec;
import dev.kiln.planner.llb.Mount;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A service some step of a task binds: its filesystem (a definition to solve), the process that
 * runs it and when it is ready. The binding steps' /etc/hosts name it at {@link #placeholder()},
 * which the executor replaces with the address of the run's own instance.
 *
 * @param id the digest of everything above: equal services are one service, started once per run
 * @param name the host name it was first bound as, for messages and log prefixes
 * @param args its command (entrypoint and default arguments); never empty
 * @param env {@code K=V} entries
 * @param healthcheck when it is ready, or null when it is ready once started
 * @param mounts cache volumes, secret files, host or other directories and tmpfs it runs with
 * @param secretEnv secrets it reads as variables (by name only: their values never enter a plan)
 */
public record PlannedService(String id, String name, Definition definition, List<String> args, List<String> env,
    String cwd, String user, List<Integer> ports, Healthcheck healthcheck, List<MountedFs> mounts,
    List<Exec.SecretEnv> secretEnv) {

  /**
   * One mount of a service: {@code mount} as a step would have it, and for a directory the
   * definition of what is mounted (null for an empty one, and for other kinds).
   */
  public record MountedFs(Mount mount, Definition source) {
    public MountedFs {
      Objects.requireNonNull(mount, "mount");
    }
  }

  private static final String PLACEHOLDER = "kiln-service:";

  public PlannedService {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(definition, "definition");
    args = List.copyOf(args);
    env = List.copyOf(env);
    Objects.requireNonNull(cwd, "cwd");
    Objects.requireNonNull(user, "user");
    ports = List.copyOf(ports);
    mounts = List.copyOf(mounts);
    secretEnv = List.copyOf(secretEnv);
  }

  /** The names of the secrets it reads, as files or variables. */
  public SortedSet<String> secrets() {
    SortedSet<String> names = new TreeSet<>();
    mounts.stream().map(MountedFs::mount).filter(m -> m instanceof Mount.Secret)
        .forEach(m -> names.add(((Mount.Secret) m).id()));
    secretEnv.forEach(e -> names.add(e.id()));
    return names;
  }

  /** The cache volumes it mounts, by id. */
  public SortedSet<String> caches() {
    SortedSet<String> ids = new TreeSet<>();
    mounts.stream().map(MountedFs::mount).filter(m -> m instanceof Mount.Cache)
        .forEach(m -> ids.add(((Mount.Cache) m).id()));
    return ids;
  }

  /** What the planner writes as this service's address in a binding step's /etc/hosts. */
  public String placeholder() {
    return PLACEHOLDER + id;
  }

  /** The id of the service whose {@link #placeholder()} {@code ip} is, if it is one. */
  public static Optional<String> idOfPlaceholder(String ip) {
    return ip.startsWith(PLACEHOLDER) ? Optional.of(ip.substring(PLACEHOLDER.length())) : Optional.empty();
  }

  /**
   * The /etc/hosts name that puts this service's identity in a binding step's cache key: BuildKit
   * keys an exec by its extra hosts' names, never their addresses (a new address each run).
   */
  public String cacheKeyHost() {
    return "kiln-service-" + id.substring(0, 32);
  }
}
