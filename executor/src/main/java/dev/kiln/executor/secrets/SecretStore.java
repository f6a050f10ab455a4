package dev.kiln.executor.secrets;

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
 * Where secret values come from, by secret name: {@code env:NAME} (an environment variable),
 * {@code file:PATH} (a file, relative to the project), {@code cmd:COMMAND} (the standard output of a
 * shell command). Values are read when the engine asks, once, and never logged.
 */
public final class SecretStore {
  private final Map<String, String> providers;
  private final Map<String, String> env;
  private final Path projectRoot;
  private final Map<String, byte[]> resolved = new LinkedHashMap<>();

  /**
   * @param providers secret name -> provider ({@code env:}, {@code file:} or {@code cmd:})
   * @param env the environment {@code env:} reads
   * @param projectRoot relative {@code file:} paths and {@code cmd:} run from here
   */
  public SecretStore(Map<String, String> providers, Map<String, String> env, Path projectRoot) {
    for (Map.Entry<String, String> e : providers.entrySet()) {
      String p = e.getValue();
      if (!p.startsWith("env:") && !p.startsWith("file:") && !p.startsWith("cmd:")) {
        throw new IllegalArgumentException("secret '" + e.getKey() + "': unknown provider '" + p.split(":", 2)[0]
            + "'; use env:NAME, file:PATH or cmd:COMMAND");
      }
    }
    this.providers = Map.copyOf(providers);
    this.env = Map.copyOf(env);
    this.projectRoot = projectRoot;
  }

  /** The secret's value, or empty when no such secret is declared. */
  public synchronized Optional<byte[]> get(String name) throws IOException {
    if (resolved.containsKey(name)) {
      return Optional.of(resolved.get(name));
    }
    String provider = providers.get(name);
    if (provider == null) {
      return Optional.empty();
    }
    byte[] value = read(name, provider);
    resolved.put(name, value);
    return Optional.of(value);
  }

  /** Every value read so far: what output masking must hide. */
  public synchronized List<byte[]> values() {
    return new ArrayList<>(resolved.values());
  }

  /** Reads every declared secret now, so that masking knows them before any output is shown. */
  public synchronized List<byte[]> resolveAll() throws IOException {
    for (String name : providers.keySet()) {
      get(name);
    }
    return values();
  }

  private byte[] read(String name, String provider) throws IOException {
    String arg = provider.substring(provider.indexOf(':') + 1);
    if (provider.startsWith("env:")) {
      String v = env.get(arg);
      if (v == null) {
        throw new IOException("secret '" + name + "': environment variable " + arg + " is not set");
      }
      return v.getBytes(StandardCharsets.UTF_8);
    }
    if (provider.startsWith("file:")) {
      Path p = projectRoot.resolve(arg);
      if (!Files.isRegularFile(p)) {
        throw new IOException("secret '" + name + "': no file " + p);
      }
      return Files.readAllBytes(p);
    }
    Process proc = new ProcessBuilder("sh", "-c", arg).directory(projectRoot.toFile())
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
