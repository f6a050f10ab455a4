package dev.kiln.cli;

import dev.kiln.model.ProjectRoot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The project's {@code .kiln/}, where Kiln keeps its state (evaluation cache, results, the last run,
 * the vendored schema): used only where it really is inside the project. A {@code .kiln} (or a
 * directory under it) that is a link leading out is never written through, nor read from.
 */
final class StateDirectory {
  static final String NAME = ".kiln";

  private StateDirectory() {}

  /** {@code project/.kiln/<rel>} when it leads inside the project (its real path), else empty. */
  static Optional<Path> path(Path project, String rel) {
    try {
      return ProjectRoot.of(project).resolve(NAME + "/" + rel) instanceof ProjectRoot.Resolution.Inside in
          ? Optional.of(in.real()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** What to tell the user when {@code .kiln} leads outside the project (or nowhere), else empty. */
  static Optional<String> warning(Path project) {
    ProjectRoot.Resolution r;
    try {
      r = ProjectRoot.of(project).resolve(NAME);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (r.inside()) {
      return Optional.empty();
    }
    String where = r instanceof ProjectRoot.Resolution.Outside o ? "a symbolic link to " + o.real()
        + ", outside the project" : "a symbolic link that cannot be resolved";
    return Optional.of(NAME + " is " + where + ": Kiln keeps no state there (no evaluation cache, no --explain"
        + " history) and tasks with results fail; make it a directory of the project");
  }

  /**
   * {@code project/.kiln/<rel>}, for a command whose job is to write there.
   *
   * @throws dev.kiln.model.PipelineException when it leads outside the project
   */
  static Path required(Path project, String rel) {
    return path(project, rel).orElseThrow(() -> new dev.kiln.model.PipelineException(
        warning(project).orElse(NAME + "/" + rel + " leads outside the project"), null,
        "make " + NAME + " a directory of the project (not a link to elsewhere)"));
  }
}
