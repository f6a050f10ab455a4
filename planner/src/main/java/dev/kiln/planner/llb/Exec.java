package dev.kiln.planner.llb;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What to run on a state: arguments, extra mounts, network and progress name. Apply it with
 * {@link LlbState#run(Exec)}, which adds the state as the root mount and takes env, cwd and user
 * from the state. Every {@code with*} returns a new value.
 *
 * @param args the command and its arguments; never empty
 * @param mounts mounts besides the root
 * @param network the network mode
 * @param secretEnv secrets exposed as environment variables (BuildKit v0.10+)
 * @param extraHosts lines added to the exec's /etc/hosts (their addresses are not in the cache key)
 * @param name progress name, or empty
 */
public record Exec(
    List<String> args, List<Mount> mounts, Network network, List<SecretEnv> secretEnv, List<ExtraHost> extraHosts,
    String name) {

  /** The exec's network. */
  public enum Network {
    /** An isolated network with outbound access (BuildKit's default). */
    SANDBOX,
    /** The host's network. */
    HOST,
    /** No network at all. */
    NONE
  }

  /**
   * A secret as an environment variable; only the secret's {@code id} is in the LLB.
   *
   * @param id the secret's name
   * @param name the variable name
   */
  public record SecretEnv(String id, String name, boolean optional) {
    public SecretEnv {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * A host name and its address in the exec's /etc/hosts. BuildKit keys the cache by the name only.
   *
   * @param ip the address; the planner may write a placeholder the executor replaces
   */
  public record ExtraHost(String host, String ip) {
    public ExtraHost {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(ip, "ip");
    }
  }

  /** An exec without extra hosts. */
  public Exec(List<String> args, List<Mount> mounts, Network network, List<SecretEnv> secretEnv, String name) {
    this(args, mounts, network, secretEnv, List.of(), name);
  }

  public Exec {
    args = List.copyOf(args);
    extraHosts = List.copyOf(extraHosts);
    mounts = List.copyOf(mounts);
    secretEnv = List.copyOf(secretEnv);
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(name, "name");
    if (args.isEmpty()) {
      throw new IllegalArgumentException("an exec needs a command");
    }
  }

  /** Runs {@code args} with no extra mounts on the sandbox network. */
  public static Exec of(List<String> args) {
    return new Exec(args, List.of(), Network.SANDBOX, List.of(), "");
  }

  /** Runs {@code args}. */
  public static Exec of(String... args) {
    return of(List.of(args));
  }

  /** This exec with {@code mount} added. */
  public Exec withMount(Mount mount) {
    var all = new ArrayList<>(mounts);
    all.add(mount);
    return new Exec(args, all, network, secretEnv, extraHosts, name);
  }

  /** This exec with the network mode replaced. */
  public Exec withNetwork(Network network) {
    return new Exec(args, mounts, network, secretEnv, extraHosts, name);
  }

  /** This exec with {@code env} added. */
  public Exec withSecretEnv(SecretEnv env) {
    var all = new ArrayList<>(secretEnv);
    all.add(env);
    return new Exec(args, mounts, network, all, extraHosts, name);
  }

  /** This exec with its progress name replaced. */
  public Exec withName(String name) {
    return new Exec(args, mounts, network, secretEnv, extraHosts, name);
  }

  /** This exec with {@code host} added to its /etc/hosts. */
  public Exec withExtraHost(ExtraHost host) {
    var all = new ArrayList<>(extraHosts);
    all.add(host);
    return new Exec(args, mounts, network, secretEnv, all, name);
  }
}
