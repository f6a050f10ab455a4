package dev.kiln.evaluator;

import dev.kiln.model.Pipeline;
import dev.kiln.model.PipelineException;
import dev.kiln.model.Secret;
import dev.kiln.model.SecretSource;
import dev.kiln.model.SourceLocation;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Secrets of one name agree on where their value comes from: the engine knows a secret by its name
 * only, so two sources under one name would silently serve the first one's value to both. And the
 * pipeline itself cannot read a secret's value (a variable in {@code hostEnv}, a file it reads),
 * which would land in the plan, cache keys and logs.
 */
final class SecretChecks {
  private static final String STORED = "would be stored in the plan, the engine's cache keys and its logs";

  private final SourceIndex source;
  private final Path root;
  private final Set<String> hostEnv;
  private final Set<Path> read;

  /**
   * @param root the project root, which secret files are relative to
   * @param hostEnv the host variables the pipeline may read
   * @param read the files the evaluation read
   */
  SecretChecks(SourceIndex source, Path root, Set<String> hostEnv, Set<Path> read) {
    this.source = source;
    this.root = root.toAbsolutePath().normalize();
    this.hostEnv = Set.copyOf(hostEnv);
    this.read = Set.copyOf(read);
  }

  void check(Pipeline pipeline) {
    Map<String, Secret> byName = new HashMap<>();
    for (Secret s : pipeline.secretDeclarations()) {
      if (s.source() instanceof SecretSource.Environment e && hostEnv.contains(e.variable())) {
        throw new PipelineException("`hostEnv` lets the pipeline read `" + e.variable() + "`, the variable of secret `"
            + s.name() + "`: a value read there " + STORED, source.literal(e.variable()),
            "remove `" + e.variable() + "` from `hostEnv`; steps get the value through the secret");
      }
      if (s.source() instanceof SecretSource.HostFile f && read.contains(root.resolve(f.path()).normalize())) {
        throw new PipelineException("the pipeline reads `" + f.path() + "`, the file of secret `" + s.name()
            + "`: its content " + STORED, source.secret(s.name(), f.path().toString()),
            "let steps read the file only through the secret (`withMountedSecret` or `withSecretVariable`)");
      }
      Secret first = byName.putIfAbsent(s.name(), s);
      if (first != null && !first.equals(s)) {
        SourceLocation at = source.secret(s.name(), literal(s.source()));
        SourceLocation firstAt = source.secret(first.name(), literal(first.source()));
        throw new PipelineException("secret `" + s.name() + "` is declared with two sources: "
            + describe(first.source()) + " at " + firstAt + ", and " + describe(s.source()) + " at " + at, at,
            "give each secret its own name, or declare it once (`local token = envSecret(...)`) and use that");
      }
    }
  }

  /** A secret's source, for a message. */
  static String describe(SecretSource source) {
    if (source instanceof SecretSource.Environment e) {
      return "environment variable `" + e.variable() + "`";
    }
    return source instanceof SecretSource.HostFile f ? "file `" + f.path() + "`"
        : "command `" + ((SecretSource.Command) source).command() + "`";
  }

  /** The text of a secret's source, as written in the pipeline. */
  private static String literal(SecretSource source) {
    if (source instanceof SecretSource.Environment e) {
      return e.variable();
    }
    return source instanceof SecretSource.HostFile f ? f.path().toString() : ((SecretSource.Command) source).command();
  }
}
