package dev.kiln.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectPluginsTest {
  @TempDir Path base;

  @Test
  void pluginsAreLoadedOnlyFromTheProjectItself() throws Exception {
    Path project = Files.createDirectories(base.resolve("project"));
    assertThat(FunctionRegistry.projectPlugins(project)).containsExactly(project.resolve(".kiln/plugins"));
    Path outside = Files.createDirectories(base.resolve("outside/plugins"));
    Files.createSymbolicLink(project.resolve(".kiln"), outside.getParent());
    assertThat(FunctionRegistry.projectPlugins(project)).isEmpty();
    Files.delete(project.resolve(".kiln"));
    Files.createDirectories(project.resolve(".kiln"));
    Files.createSymbolicLink(project.resolve(".kiln/plugins"), outside);
    assertThat(FunctionRegistry.projectPlugins(project)).isEmpty();
  }
}
