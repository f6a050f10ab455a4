package dev.kiln.cli;

import dev.kiln.model.PipelineException;
import dev.kiln.model.PluginTrust;
import dev.kiln.model.ProjectRoot;
import dev.kiln.model.SourceLocation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * What a project may run on this machine besides its steps, which run in the engine: the plugin jars
 * of its {@code .kiln/plugins/} (loaded to evaluate the pipeline, also by {@code kiln validate}) and
 * its {@code cmdSecret} commands (run on the host when a task needs the secret). Neither runs
 * unless the user allows it outside the pipeline's files: {@code --trust} or {@code KILN_TRUST=1}
 * for everything, or {@code kiln trust}, which remembers the jars by checksum and the commands by
 * their text, so that a changed jar or command is refused again.
 */
final class Trust {
  static final String ENV = "KILN_TRUST";
  static final String HINT = "if you trust this project as it is, run `kiln trust` (remembers its plugin jars"
      + " by checksum and its secret commands, on this machine); for one run, pass --trust or set " + ENV + "=1";

  private final boolean everything;
  private final Path project;
  private final TrustStore store;
  private TrustStore.Entry remembered;

  private Trust(boolean everything, Path project, TrustStore store) {
    this.everything = everything;
    this.project = project;
    this.store = store;
  }

  /** The trust given by {@code --trust} ({@code flag}) and the environment, for {@code project}. */
  static Trust of(boolean flag, Map<String, String> env, Path project) {
    return new Trust(flag || "1".equals(env.get(ENV)), project.toAbsolutePath().normalize(),
        TrustStore.forUser(env));
  }

  /** Which of the project's plugin jars may be loaded. */
  PluginTrust plugins() {
    return jar -> {
      if (!everything && !sha256(jar).equals(remembered().plugins().get(jar.getFileName().toString()))) {
        throw PluginTrust.untrusted(jar, HINT + "; or load a directory you chose with --plugins DIR");
      }
    };
  }

  /**
   * Returns when secret {@code name}'s {@code command} may run on this machine.
   *
   * @throws PipelineException when it may not
   */
  void checkCommand(String name, String command, Path pipeline) {
    if (!everything && !remembered().commands().contains(command)) {
      throw new PipelineException("secret `" + name + "` runs the command `" + command + "` on this machine, which is"
          + " not trusted", SourceLocation.of(pipeline), HINT);
    }
  }

  /**
   * Returns when the pipeline's local cache {@code dir} may be read or written though it leads out
   * of the project (a directory CI runners share): only with {@code --trust} or {@code KILN_TRUST=1},
   * since a project's files may come from anyone; a directory given on the command line needs nothing.
   *
   * @throws PipelineException when it may not, at {@code where}
   */
  void checkOutside(ProjectRoot.Resolution dir, String subject, SourceLocation where) {
    if (!everything && !dir.inside()) {
      throw new PipelineException(dir.problem(subject), where, "a pipeline reads and writes only inside its project:"
          + " give a shared directory on the command line (--cache-from type=local,src=DIR, --cache-to"
          + " type=local,dest=DIR), or pass --trust or set " + ENV + "=1 if you trust this project");
    }
  }

  private TrustStore.Entry remembered() {
    if (remembered == null) {
      remembered = store.get(project); // read only when something needs trust
    }
    return remembered;
  }

  /** The hex sha256 of {@code file}'s content. */
  static String sha256(Path file) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
