package dev.kiln.cli;

import dev.kiln.model.PipelineException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * The files that changed in a project since a git ref, as {@code git} itself reports them: what the
 * ref's tree and the working tree differ in (committed or not), and the untracked files git does
 * not ignore; relative to the project directory, and only those inside it.
 */
final class GitChanges {
  private static final File NULL_FILE = new File("/dev/null");

  private GitChanges() {}

  /**
   * The changed files, sorted, {@code /}-separated and relative to {@code project}.
   *
   * @throws PipelineException when the project is not in a git repository or {@code ref} is unknown there
   */
  static List<String> since(String ref, Path project) {
    if (ref.startsWith("-")) {
      throw new PipelineException("`" + ref + "` is not a git ref", null, "give a commit, branch or tag, e.g. origin/main");
    }
    var files = new TreeSet<String>();
    files.addAll(git(project, ref, "diff", "--name-only", "-z", "--relative", ref, "--"));
    files.addAll(git(project, ref, "ls-files", "--others", "--exclude-standard", "-z"));
    return List.copyOf(files);
  }

  private static List<String> git(Path project, String ref, String... args) {
    List<String> command = new ArrayList<>(List.of("git", "-C", project.toString()));
    command.addAll(Arrays.asList(args));
    Process p;
    try {
      p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(NULL_FILE)).start();
    } catch (IOException e) {
      throw new PipelineException("--affected needs git, which cannot be run: " + e.getMessage(), null,
          "install git, or run without --affected");
    }
    try {
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.waitFor() != 0) {
        String first = err.lines().findFirst().orElse("git failed");
        throw new PipelineException("cannot compare the project with `" + ref + "`: " + first, null,
            "--affected needs the project in a git repository and a commit, branch or tag that exists there"
                + " (in a shallow CI checkout, fetch it first: git fetch origin main)");
      }
      List<String> names = new ArrayList<>();
      for (String name : new String(out, StandardCharsets.UTF_8).split("\0")) {
        if (!name.isEmpty()) {
          names.add(name);
        }
      }
      return names;
    } catch (IOException e) {
      throw new PipelineException("--affected: reading git's answer failed: " + e.getMessage(), null, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PipelineException("--affected: interrupted while git ran", null, null);
    }
  }
}
