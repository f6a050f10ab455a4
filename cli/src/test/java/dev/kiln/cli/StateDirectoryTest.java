package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A {@code .kiln} that is a link out of the project is never written through. */
class StateDirectoryTest extends KilnInProcess {
  @TempDir Path base;

  private static long count(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.count() - 1;
    }
  }

  @Test
  void initAndSchemaRefuseToWriteThroughIt() throws Exception {
    Path project = Files.createDirectories(base.resolve("project"));
    Path outside = Files.createDirectories(base.resolve("outside"));
    Files.createSymbolicLink(project.resolve(".kiln"), outside);
    assertThat(kiln("init", project.toString())).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("`.kiln/schema` leads outside the project, to " + outside.toRealPath()
        .resolve("schema") + ", through the symbolic link `.kiln`");
    assertThat(kiln("schema", project.toString())).isEqualTo(ExitCodes.INVALID);
    assertThat(count(outside)).isZero();

    // A directory under the schema that links out: its stale stubs would be deleted there.
    Files.delete(project.resolve(".kiln"));
    Files.createDirectories(project.resolve(".kiln/schema"));
    Files.writeString(outside.resolve("notes.pkl"), "someone's file");
    Files.createSymbolicLink(project.resolve(".kiln/schema/functions"), outside);
    assertThat(kiln("schema", project.toString())).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("`.kiln/schema/functions` leads outside the project");
    assertThat(Files.readString(outside.resolve("notes.pkl"))).isEqualTo("someone's file");
    assertThat(count(outside)).isOne();
  }

  @Test
  void itIsNotUsedForTheEvaluationCacheAndValidateStillWorks() throws Exception {
    Path project = Files.createDirectories(base.resolve("project"));
    Path outside = Files.createDirectories(base.resolve("outside"));
    Files.createSymbolicLink(project.resolve(".kiln"), outside);
    Files.writeString(project.resolve("pipeline.pkl"), """
        amends ".kiln/schema/Pipeline.pkl"
        tasks { ["a"] { run = module.container.from("busybox:latest").withExec(List("true")) } }
        """);
    assertThat(kiln("validate", project.resolve("pipeline.pkl").toString())).as(err.toString()).isZero();
    assertThat(count(outside)).isZero();
    assertThat(StateDirectory.path(project, "cache/evaluations")).isEmpty();
    assertThat(StateDirectory.path(base.resolve("outside"), "cache")).isPresent();
  }
}
