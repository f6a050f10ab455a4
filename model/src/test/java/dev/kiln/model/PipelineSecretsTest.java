package dev.kiln.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineSecretsTest {
  private static Secret env(String name) {
    return new Secret(name, new SecretSource.Environment(name.toUpperCase()));
  }

  @Test
  void everyPlaceASecretCanBeIsFound() {
    Container deep = Container.from("busybox:latest").withMountedSecret("/s", env("in-a-directory's-container"));
    Directory dir = Directory.empty().with(new Directory.WithFile("f", deep.file("/f")));
    Container run = Container.from("busybox:latest")
        .withMountedSecret("/run/m", env("mounted"))
        .with(new ContainerOp.WithSecretVariable("V", env("variable")))
        .withDirectory("/d", dir)
        .with(new ContainerOp.WithMountedDirectory("/md", Container.from("x")
            .with(new ContainerOp.WithSecretVariable("X", env("mounted-directory"))).directory("/")));
    Container publish = Container.from("busybox:latest").with(new ContainerOp.WithSecretVariable("P", env("published")));
    Task built = new Task("build", "", List.of(), run, List.of(), publish, "r/app:1", null);
    Task called = Task.calling("notify", FunctionCall.of("http.post", Map.of(
        "token", new Secret("arg", new SecretSource.Command("pass show arg")),
        "nested", List.of(Map.of("file", Container.from("y").withMountedSecret("/n", env("nested")).file("/n"))))));
    assertThat(Pipeline.of(built, called).secrets()).containsOnlyKeys("in-a-directory's-container", "mounted",
        "variable", "mounted-directory", "published", "arg", "nested");
    assertThat(Pipeline.of(built, called).secrets().get("arg").source())
        .isEqualTo(new SecretSource.Command("pass show arg"));
  }

  @Test
  void theFirstOfTwoSecretsWithOneNameWins() {
    Container run = Container.from("busybox:latest")
        .withMountedSecret("/a", new Secret("t", new SecretSource.HostFile(Path.of("t.txt"))))
        .withMountedSecret("/b", new Secret("t"));
    assertThat(Pipeline.of(Task.run("a", run)).secrets())
        .containsExactly(Map.entry("t", new Secret("t", new SecretSource.HostFile(Path.of("t.txt")))));
    // ... but both are declared, for the evaluator to refuse
    assertThat(Pipeline.of(Task.run("a", run.withMountedSecret("/c", new Secret("t")))).secretDeclarations())
        .containsExactly(new Secret("t", new SecretSource.HostFile(Path.of("t.txt"))), new Secret("t"));
  }

  @Test
  void aContainerSharedByManyOpsIsWalkedOnce() {
    // 40 levels, each using the previous one twice: a walk without memory would take 2^40 steps.
    Container c = Container.from("busybox:latest").withMountedSecret("/s", env("shared"));
    for (int i = 0; i < 40; i++) {
      Directory d = c.directory("/");
      c = Container.from("busybox:latest").withDirectory("/a", d).withDirectory("/b", d);
    }
    assertThat(Pipeline.of(Task.run("deep", c)).secrets()).containsOnlyKeys("shared");
  }
}
