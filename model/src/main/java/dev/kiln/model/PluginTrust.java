package dev.kiln.model;

import java.nio.file.Path;

/**
 * Whether Kiln may load a plugin jar found in a project's {@code .kiln/plugins/}: loading runs the
 * jar's code on this machine, and a project's files may come from anyone (a branch under review,
 * a pull request). Jars in directories the user names ({@code --plugins DIR}) need no such check.
 */
@FunctionalInterface
public interface PluginTrust {
  /**
   * Returns when {@code jar} may be loaded.
   *
   * @throws PipelineException when it may not, saying how to allow it
   */
  void check(Path jar);

  /** Every jar may be loaded. */
  static PluginTrust all() {
    return jar -> { };
  }

  /** No jar may be loaded; {@code hint} says how to allow them. */
  static PluginTrust none(String hint) {
    return jar -> {
      throw untrusted(jar, hint);
    };
  }

  /** The error for a jar that may not be loaded. */
  static PipelineException untrusted(Path jar, String hint) {
    return new PipelineException("plugin jar " + jar.getFileName() + " is not trusted: loading it runs its code on"
        + " this machine, also to evaluate or validate the pipeline", SourceLocation.of(jar), hint);
  }
}
