package dev.kiln.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.model.Container;
import dev.kiln.model.Pipeline;
import dev.kiln.model.PipelineException;
import dev.kiln.model.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluation cache through {@link PipelineEvaluator}: a planted entry (a pipeline Pkl would
 * never produce) shows when the cache answered instead of Pkl.
 */
class EvaluationCacheTest {
  @TempDir Path project;
  Path cacheDir;
  Path pipeline;
  static final Pipeline PLANTED = Pipeline.of(Task.run("planted", Container.from("busybox:latest")));

  @BeforeEach
  void writeProject() throws Exception {
    cacheDir = project.resolve(".kiln/cache/evaluations");
    pipeline = project.resolve("pipeline.pkl");
    Files.writeString(project.resolve("common.pkl"), "greeting = \"hello\"\n");
    Files.writeString(project.resolve("motd.txt"), "sunny\n");
    Files.writeString(pipeline, """
        amends ".kiln/schema/Pipeline.pkl"
        import "common.pkl"
        hostEnv { "WHO" }
        local who = read?("env:WHO") ?? "nobody"
        local motd = read("motd.txt").text.trim()
        tasks {
          ["greet"] { run = module.container.from("busybox:latest").withExec(List("echo", common.greeting, who, motd)) }
        }
        """);
  }

  PipelineEvaluator evaluator(Map<String, String> env, String build) {
    return PipelineEvaluator.builder().environment(env).cache(cacheDir, build).build();
  }

  /** Replaces the stored entry for the default key with {@link #PLANTED}, keeping its inputs. */
  void plant(Map<String, String> env) {
    var cache = new EvaluationCache(cacheDir, "b1");
    cache.store(cache.key(pipeline, Map.of(), null), new Evaluation(PLANTED,
        Set.of(pipeline, project.resolve("common.pkl"), project.resolve("motd.txt")), Set.of(), null), Set.of("WHO"), env);
  }

  String command(Pipeline p) {
    return p.tasks().get("greet").run().ops().toString();
  }

  @Test
  void keepsTheMostRecentlyUsedEntriesOnly() throws Exception {
    var cache = new EvaluationCache(cacheDir, "b1");
    var evaluation = new Evaluation(PLANTED, Set.of(pipeline), Set.of(), null);
    List<String> keys = new ArrayList<>();
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    for (int i = 0; i < EvaluationCache.MAX_ENTRIES + 3; i++) {
      String key = cache.key(pipeline, Map.of("n", String.valueOf(i)), null);
      keys.add(key);
      cache.store(key, evaluation, Set.of(), Map.of());
      // explicit times: the file system's clock may not tell apart entries stored in one millisecond
      Files.setLastModifiedTime(cache.file(key), FileTime.from(t0.plusSeconds(i)));
      if (i == EvaluationCache.MAX_ENTRIES - 1) {
        assertThat(cache.lookup(keys.get(0), Map.of())).isPresent(); // used: now the most recent
      }
    }
    try (var files = Files.list(cacheDir)) {
      assertThat(files.filter(f -> f.toString().endsWith(".bin")).count()).isEqualTo(EvaluationCache.MAX_ENTRIES);
    }
    assertThat(cache.lookup(keys.get(0), Map.of())).isPresent();
    assertThat(cache.lookup(keys.get(1), Map.of())).isEmpty();
    assertThat(cache.lookup(keys.get(2), Map.of())).isEmpty();
    assertThat(cache.lookup(keys.get(3), Map.of())).isEmpty();
    assertThat(cache.lookup(keys.get(4), Map.of())).isPresent();
    assertThat(cache.lookup(keys.get(keys.size() - 1), Map.of())).isPresent();
  }

  @Test
  void anUnchangedPipelineIsNotEvaluatedAgain() {
    Map<String, String> env = Map.of("WHO", "ann");
    assertThat(command(evaluator(env, "b1").evaluate(pipeline))).contains("hello", "ann", "sunny");
    assertThat(cacheDir).isNotEmptyDirectory();
    // the real entry round-trips
    assertThat(command(evaluator(env, "b1").evaluate(pipeline))).contains("hello", "ann", "sunny");
    plant(env);
    assertThat(evaluator(env, "b1").evaluate(pipeline)).isEqualTo(PLANTED);
    // variables the pipeline does not declare do not matter
    assertThat(evaluator(Map.of("WHO", "ann", "OTHER", "x"), "b1").evaluate(pipeline)).isEqualTo(PLANTED);
  }

  @Test
  void anyChangedInputEvaluatesAgain() throws Exception {
    Map<String, String> env = Map.of("WHO", "ann");
    evaluator(env, "b1").evaluate(pipeline);

    plant(env);
    Files.writeString(project.resolve("common.pkl"), "greeting = \"hi\"\n");
    assertThat(command(evaluator(env, "b1").evaluate(pipeline))).contains("hi", "ann");

    plant(env);
    Files.writeString(project.resolve("motd.txt"), "rainy\n");
    assertThat(command(evaluator(env, "b1").evaluate(pipeline))).contains("rainy");

    plant(env);
    assertThat(command(evaluator(Map.of("WHO", "bob"), "b1").evaluate(pipeline))).contains("bob");

    plant(env);
    assertThat(command(evaluator(Map.of(), "b1").evaluate(pipeline))).contains("nobody");

    plant(env);
    assertThat(command(evaluator(env, "b2").evaluate(pipeline))).contains("ann");
  }

  @Test
  void invalidPipelinesAreNotStored() throws Exception {
    Files.writeString(pipeline, "amends \".kiln/schema/Pipeline.pkl\"\ntasks { [\"x\"] { dependsOn { \"nope\" } } }\n");
    assertThatThrownBy(() -> evaluator(Map.of(), "b1").evaluate(pipeline)).isInstanceOf(PipelineException.class);
    assertThatThrownBy(() -> evaluator(Map.of(), "b1").evaluate(pipeline)).isInstanceOf(PipelineException.class);
    assertThat(cacheDir).doesNotExist();
  }

  @Test
  void globbedReadsAreNotCached() throws Exception {
    Files.writeString(pipeline, """
        amends ".kiln/schema/Pipeline.pkl"
        local notes = read*("*.txt")
        tasks {
          ["n"] { run = module.container.from("busybox:latest").withExec(List("echo", notes.length.toString())) }
        }
        """);
    evaluator(Map.of(), "b1").evaluate(pipeline);
    assertThat(cacheDir).doesNotExist();
  }

  @Test
  void aCorruptEntryIsIgnored() throws Exception {
    Map<String, String> env = Map.of("WHO", "ann");
    evaluator(env, "b1").evaluate(pipeline);
    try (var files = Files.list(cacheDir)) {
      for (Path f : files.toList()) {
        Files.write(f, new byte[] {1, 2, 3});
      }
    }
    assertThat(command(evaluator(env, "b1").evaluate(pipeline))).contains("ann");
  }

  @Test
  void anEntryPastTheCapIsNotStoredAndSaysWhy() throws Exception {
    var small = new EvaluationCache(cacheDir, "b1", 1024);
    Pipeline big = Pipeline.of(Task.run("big", Container.from("busybox:latest").withExec("echo", "x".repeat(4096))));
    String key = small.key(pipeline, Map.of(), null);
    assertThat(small.store(key, new Evaluation(big, Set.of(pipeline), Set.of(), null), Set.of(), Map.of()))
        .hasValueSatisfying(note -> assertThat(note).contains("larger than 0 MiB").contains("not cached"));
    assertThat(small.file(key)).doesNotExist();
    try (var files = Files.list(cacheDir)) {
      assertThat(files.toList()).isEmpty(); // no temporary file left either
    }
  }

  @Test
  void aPipelineThatEvaluatesToMoreThanTheCapIsEvaluatedEachTime() throws Exception {
    Files.writeString(pipeline, """
        amends ".kiln/schema/Pipeline.pkl"
        tasks { ["huge"] { description = "x".repeat(70000000) } }
        """);
    List<String> notes = new ArrayList<>();
    Pipeline p = PipelineEvaluator.builder().cache(cacheDir, "b1").notes(notes::add).build().evaluate(pipeline);
    assertThat(p.tasks().get("huge").description()).hasSize(70_000_000);
    assertThat(notes).singleElement().asString().contains("larger than 64 MiB");
    try (var files = Files.list(cacheDir)) {
      assertThat(files.filter(f -> f.toString().endsWith(".bin")).toList()).isEmpty();
    }
  }
}
