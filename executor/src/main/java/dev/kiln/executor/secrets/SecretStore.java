package dev.kiln.executor.secrets;

import dev.kiln.model.SecretSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The values of a run's secrets, by name, read from where each {@link SecretSource} says: an
 * environment variable, a file (relative to the project) or the standard output of a shell
 * command. Values are read when the engine asks, once, and never logged.
 */
public final class SecretStore {
  private final Map<String, SecretSource> sources;
  private final Map<String, String> env;
  private final Path projectRoot;
  private final Map<String, byte[]> resolved = new LinkedHashMap<>();

  /**
   * @param sources secret name -> where its value comes from
   * @param env the environment variables are read from
   * @param projectRoot relative files and commands run from here
   */
  public SecretStore(Map<String, SecretSource> sources, Map<String, String> env, Path projectRoot) {
    this.sources = Map.copyOf(sources);
    this.env = Map.copyOf(env);
    this.projectRoot = projectRoot;
  }

  /** The secret's value, or empty when no such secret is declared. */
  public synchronized Optional<byte[]> get(String name) throws IOException {
    if (resolved.containsKey(name)) {
      return Optional.of(resolved.get(name));
    }
    SecretSource source = sources.get(name);
    if (source == null) {
      return Optional.empty();
    }
    byte[] value = read(name, source);
    resolved.put(name, value);
    return Optional.of(value);
  }

  /** Every value read so far: what output masking must hide. */
  public synchronized List<byte[]> values() {
    return new ArrayList<>(resolved.values());
  }

  /** Reads every declared secret now, so that masking knows them before any output is shown. */
  public synchronized List<byte[]> resolveAll() throws IOException {
    for (String name : sources.keySet()) {
      get(name);
    }
    return values();
  }

  private byte[] read(String name, SecretSource source) throws IOException {
    if (source instanceof SecretSource.Environment e) {
      String v = env.get(e.variable());
      if (v == null) {
        throw new IOException("secret '" + name + "': environment variable " + e.variable() + " is not set");
      }
      return v.getBytes(StandardCharsets.UTF_8);
    }
    if (source instanceof SecretSource.HostFile f) {
      Path p = projectRoot.resolve(f.path());
      if (!Files.isRegularFile(p)) {
        throw new IOException("secret '" + name + "': no file " + p);
      }
      return Files.readAllBytes(p);
    }
    return run(name, ((SecretSource.Command) source).command());
  }

  private byte[] run(String name, String command) throws IOException {
    Process proc = new ProcessBuilder("sh", "-c", command).directory(projectRoot.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out = proc.getInputStream().readAllBytes();
    try {
      if (!proc.waitFor(60, TimeUnit.SECONDS)) {
        proc.destroyForcibly();
        throw new IOException("secret '" + name + "': command timed out after 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("secret '" + name + "': interrupted");
    }
    if (proc.exitValue() != 0) {
      throw new IOException("secret '" + name + "': command exited with " + proc.exitValue());
    }
    return out;
  }
}
