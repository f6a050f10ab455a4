package dev.kiln.cli;

import dev.kiln.model.PipelineException;
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
   * @throws PipelineException when it leads outside the project
   */
  static Path required(Path project, String rel) {
    String path = NAME + "/" + rel;
    ProjectRoot.Resolution r;
    try {
      r = ProjectRoot.of(project).resolve(path);
    } catch (IOException e) {
      throw new PipelineException("the project directory " + project + " cannot be read: " + e.getMessage(), null,
          "check that it exists");
    }
    if (r instanceof ProjectRoot.Resolution.Inside in) {
      return in.real();
    }
    throw new PipelineException(r.problem("`" + path + "`") + ": Kiln writes its state only inside the project",
        null, "make " + NAME + " and the directories under it directories of the project, not links to elsewhere");
  }
}
