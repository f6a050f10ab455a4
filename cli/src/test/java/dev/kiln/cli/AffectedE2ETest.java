package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --affected REF} on {@code examples/monorepo} in a real git repository, on the real engine:
 * a change in one service selects that service's tasks, a change in the shared library or the
 * pipeline selects them all, and nothing changed runs nothing.
 */
@Tag("e2e")
class AffectedE2ETest extends KilnInProcess {
  @TempDir Path dir;
  Path repo;

  @BeforeAll
  static void engineIsThere() {
    DockerEngine.require();
  }

  @BeforeEach
  void aCommittedCopyOfTheExample() throws Exception {
    repo = dir.resolve("monorepo");
    Path src = Path.of("..", "examples", "monorepo");
    try (Stream<Path> files = Files.walk(src)) {
      for (Path p : files.toList()) {
        Path to = repo.resolve(src.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else if (!src.relativize(p).startsWith(".kiln") && !src.relativize(p).startsWith("build")) {
          Files.copy(p, to);
        }
      }
    }
    git("init", "-q");
    git("add", "-A");
    git("-c", "user.name=kiln", "-c", "user.email=kiln@example.com", "commit", "-q", "-m", "base");
  }

  private void git(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git", "-C", repo.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("git %s: %s", args, output).isTrue();
  }

  private List<String> planned(String ref) {
    assertThat(kiln("plan", "-f", repo.resolve("pipeline.pkl").toString(), "--affected", ref))
        .as(err.toString()).isZero();
    return out.toString().lines().filter(l -> l.startsWith("task ")).map(l -> l.split(" ")[1]).sorted().toList();
  }

  private void append(String file, String text) throws IOException {
    Files.writeString(repo.resolve(file), text, StandardOpenOption.APPEND);
  }

  @Test
  void aServiceChangeRunsThatServiceAndALibraryChangeRunsAll() throws Exception {
    assertThat(planned("HEAD")).isEmpty();
    assertThat(err.toString()).contains("no task is affected by what changed since HEAD");

    append("services/web/main.sh", "# a comment\n");
    assertThat(planned("HEAD")).containsExactly("build-web", "test-web");
    assertThat(kiln("run", "-f", repo.resolve("pipeline.pkl").toString(), "--affected", "HEAD", "--explain"))
        .as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("affected: test-web: reads services/web/main.sh, which changed")
        .contains("affected: build-web: reads services/web/main.sh, which changed")
        .contains("not affected: test-api: none of its inputs changed since HEAD");
    assertThat(repo.resolve("build/web.sh")).exists();
    assertThat(repo.resolve("build/api.sh")).doesNotExist();

    git("checkout", "--", "services/web/main.sh");
    append("lib/greeting.sh", "# shared\n");
    assertThat(planned("HEAD")).hasSize(6);

    git("checkout", "--", "lib/greeting.sh");
    Files.writeString(repo.resolve("services/api/notes.txt"), "untracked files count too\n");
    assertThat(planned("HEAD")).containsExactly("build-api", "test-api");
    Files.delete(repo.resolve("services/api/notes.txt"));

    append("pipeline.pkl", "// a comment\n");
    assertThat(planned("HEAD")).hasSize(6);
  }

  @Test
  void anUnknownRefIsAClearError() {
    assertThat(kiln("plan", "-f", repo.resolve("pipeline.pkl").toString(), "--affected", "no-such-branch"))
        .isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("cannot compare the project with `no-such-branch`")
        .contains("hint: --affected needs the project in a git repository");
  }
}
