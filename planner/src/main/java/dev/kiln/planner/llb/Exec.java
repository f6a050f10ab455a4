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
 * @param name progress name, or empty
 */
public record Exec(
    List<String> args, List<Mount> mounts, Network network, List<SecretEnv> secretEnv, String name) {

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

  public Exec {
    args = List.copyOf(args);
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
    return new Exec(args, all, network, secretEnv, name);
  }

  /** This exec with the network mode replaced. */
  public Exec withNetwork(Network network) {
    return new Exec(args, mounts, network, secretEnv, name);
  }

  /** This exec with {@code env} added. */
  public Exec withSecretEnv(SecretEnv env) {
    var all = new ArrayList<>(secretEnv);
    all.add(env);
    return new Exec(args, mounts, network, all, name);
  }

  /** This exec with its progress name replaced. */
  public Exec withName(String name) {
    return new Exec(args, mounts, network, secretEnv, name);
  }
}
