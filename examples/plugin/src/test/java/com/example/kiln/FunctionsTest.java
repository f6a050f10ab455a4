package com.example.kiln;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionContext;
import dev.kiln.function.FunctionException;
import dev.kiln.function.KilnFunction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a team tests its functions: call them with arguments and a small context, no Kiln needed. */
class FunctionsTest {
  @TempDir Path project;
  final List<String> log = new ArrayList<>();
  final List<Path> read = new ArrayList<>();

  final FunctionContext context = new FunctionContext() {
    @Override public Path projectRoot() {
      return project;
    }

    @Override public Path resolve(String path) throws FunctionException {
      Path p = project.resolve(path).normalize();
      if (!p.startsWith(project)) {
        throw new FunctionException(path + " is outside the project");
      }
      return p;
    }

    @Override public void dependsOn(Path file) {
      read.add(file);
    }

    @Override public void uncacheable() {}

    @Override public void log(String message) {
      log.add(message);
    }
  };

  static final String CHANGELOG = """
      # Changelog

      ## [Unreleased]
      - Faster builds

      ## [1.1.0] - 2026-11-01
      ### Added
      - Size budgets

      ## [1.0.0] - 2026-10-01
      - First release
      """;

  @Test
  void sectionReturnsOneReleasesNotes() throws Exception {
    Files.writeString(project.resolve("CHANGELOG.md"), CHANGELOG);
    Object notes = new ChangelogSection().call(
        Arguments.of(Map.of("path", "CHANGELOG.md", "version", "1.1.0")), context);
    assertEquals("### Added\n- Size budgets", notes);
    assertEquals(List.of(project.resolve("CHANGELOG.md")), read);
    assertEquals("- First release", ChangelogSection.section(CHANGELOG, "1.0.0", "c"));
  }

  @Test
  void aMissingReleaseNamesTheOnesThereAre() {
    FunctionException e = assertThrows(FunctionException.class, () -> ChangelogSection.section(CHANGELOG, "2.0.0", "CHANGELOG.md"));
    assertEquals("CHANGELOG.md has no section for 2.0.0; it has: Unreleased, 1.1.0, 1.0.0", e.getMessage());
  }

  @Test
  void budgetCountsFilesAndFailsOverTheLimit() throws Exception {
    Path out = Files.createDirectories(project.resolve("out/sub"));
    Files.write(out.resolve("a.bin"), new byte[600]);
    Files.write(out.getParent().resolve("b.bin"), new byte[400]);
    Object results = new SizeBudget().call(Arguments.of(Map.of("dir", project.resolve("out"), "maxBytes", 1000L)), context);
    assertEquals(Map.of("files", "2", "bytes", "1000"), results);
    FunctionException e = assertThrows(FunctionException.class,
        () -> new SizeBudget().call(Arguments.of(Map.of("dir", project.resolve("out"), "maxBytes", 999L)), context));
    assertTrue(e.getMessage().contains("over its budget of 999 by 1 bytes"), e.getMessage());
  }

  @Test
  void kilnFindsBothFunctions() {
    List<String> names = new ArrayList<>();
    ServiceLoader.load(KilnFunction.class).forEach(f -> names.add(f.signature().qualifiedName()));
    assertEquals(List.of("changelog.section", "budget.check"), names);
  }
}
