package dev.kiln.evaluator;

import dev.kiln.model.Pipeline;
import dev.kiln.model.PipelineException;
import dev.kiln.model.Secret;
import dev.kiln.model.SecretSource;
import dev.kiln.model.SourceLocation;
import java.util.HashMap;
import java.util.Map;

/**
 * Secrets of one name agree on where their value comes from: the engine knows a secret by its name
 * only, so two sources under one name would silently serve the first one's value to both.
 */
final class SecretChecks {
  private final SourceIndex source;

  SecretChecks(SourceIndex source) {
    this.source = source;
  }

  void check(Pipeline pipeline) {
    Map<String, Secret> byName = new HashMap<>();
    for (Secret s : pipeline.secretDeclarations()) {
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
