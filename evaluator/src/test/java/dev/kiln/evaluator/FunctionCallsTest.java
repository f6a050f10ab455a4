package dev.kiln.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.model.Container;
import dev.kiln.model.Directory;
import dev.kiln.model.FunctionCall;
import dev.kiln.model.Pipeline;
import dev.kiln.model.PipelineException;
import dev.kiln.model.Secret;
import dev.kiln.model.SecretSource;
import dev.kiln.model.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tasks that call run-time functions: how calls map to the model, and what the checks accept. */
class FunctionCallsTest {
  @TempDir Path dir;

  @Test
  void aCallMapsToTheModelWithTheFunctionsResults() throws IOException {
    Files.createDirectories(dir.resolve("src"));
    Path file = write("""
        local made = container.from("busybox:latest").withExec(List("sh", "-c", "echo hi > /out.txt"))
        local token = envSecret("token", "TOKEN")
        tasks {
          ["make"] {
            run = made.withExec(List("sh", "-c", "mkdir -p /kiln/results && echo 1 > /kiln/results/n"))
            results { "n" }
          }
          ["count"] {
            dependsOn { "make" }
            call = new FunctionCall {
              name = "testfn.count"
              args {
                ["file"] = made.file("/out.txt")
                ["label"] = "n=\\(module.resultOf("make", "n"))"
                ["times"] = 3
                ["tags"] = List("a", "b")
                ["token"] = token
                ["dir"] = module.host.directory("src")
                ["extra"] = new Dynamic { url = "https://example.com"; retries = 2; ratio = 0.5; on = true }
              }
            }
          }
          ["after"] { dependsOn { "count" } }
        }
        """);
    Pipeline p = PipelineEvaluator.builder().build().evaluate(file);

    Task count = p.tasks().get("count");
    Container made = Container.from("busybox:latest").withExec("sh", "-c", "echo hi > /out.txt");
    assertThat(count.run()).isNull();
    assertThat(count.results()).containsExactly("count", "label");
    assertThat(count.call()).isEqualTo(FunctionCall.of("testfn.count", Map.of(
        "file", made.file("/out.txt"),
        "label", "n=@{result:make/n}",
        "times", 3L,
        "tags", List.of("a", "b"),
        "token", new Secret("token", new SecretSource.Environment("TOKEN")),
        "dir", Directory.host("src"),
        "extra", Map.of("url", "https://example.com", "retries", 2L, "ratio", 0.5, "on", true))));
    assertThat(count.call().args().keySet()).containsExactly("file", "label", "times", "tags", "token", "dir", "extra");
    assertThat(p.tasks().get("make").call()).isNull();
    assertThat(p.tasks().get("after").results()).isEmpty();
  }

  @Test
  void aNullOptionalArgumentIsLeftOut() throws IOException {
    Path file = write("""
        tasks {
          ["count"] {
            call = new FunctionCall {
              name = "testfn.count"
              args { ["file"] = module.host.directory(".").file("a.txt"); ["label"] = "x"; ["times"] = null }
            }
          }
        }
        """);
    assertThat(PipelineEvaluator.builder().build().evaluate(file).tasks().get("count").call().args())
        .containsOnlyKeys("file", "label");
  }

  @Test
  void resultsOfTransitiveDependenciesAndOfFunctionTasksAreAllowed() throws IOException {
    Path file = write("""
        local base = container.from("busybox:latest")
        local notes = module.host.directory(".").file("notes.txt")
        tasks {
          ["version"] { run = base.withExec(List("true")); results { "version" } }
          ["middle"] { dependsOn { "version" } }
          ["first"] {
            dependsOn { "middle" }
            call = new FunctionCall { name = "testfn.count"; args { ["file"] = notes; ["label"] = module.resultOf("version", "version") } }
          }
          ["second"] {
            dependsOn { "first" }
            call = new FunctionCall {
              name = "testfn.count"
              args { ["file"] = notes; ["label"] = "x"; ["tags"] = List(module.resultOf("first", "count")) }
            }
          }
        }
        """);
    assertThat(PipelineEvaluator.builder().build().evaluate(file).tasks().get("second").results())
        .containsExactly("count", "label");
  }

  @Test
  void aPublishingTaskGivesItsDigestAndPinnedRefAsResultsOfItsOwn() throws IOException {
    Path file = write("""
        local image = container.from("busybox:latest").withExec(List("true"))
        local notes = module.host.directory(".").file("notes.txt")
        tasks {
          ["image"] { publish = image; ref = "127.0.0.1:5000/app:1.0" }
          ["deploy"] {
            dependsOn { "image" }
            call = new FunctionCall {
              name = "testfn.count"
              args { ["file"] = notes; ["label"] = "\\(module.resultOf("image", "ref")) \\(module.resultOf("image", "digest"))" }
            }
          }
        }
        """);
    Pipeline p = PipelineEvaluator.builder().build().evaluate(file);
    assertThat(p.tasks().get("image").givenResults()).containsExactly("digest", "ref");
    assertThat(p.tasks().get("image").results()).isEmpty(); // nothing the run writes
    assertThat(p.tasks().get("deploy").call().args().get("label")).isEqualTo("@{result:image/ref} @{result:image/digest}");

    Path clash = write("""
        local image = container.from("busybox:latest")
        tasks {
          ["image"] { run = image; results { "digest" }; publish = image; ref = "127.0.0.1:5000/app:1.0" }
        }
        """);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> PipelineEvaluator.builder().build().evaluate(clash))
        .isInstanceOf(PipelineException.class).hasMessageContaining("Type constraint");
  }

  private Path write(String body) throws IOException {
    return Files.writeString(dir.resolve("pipeline.pkl"), "amends \".kiln/schema/Pipeline.pkl\"\n\n" + body);
  }
}
