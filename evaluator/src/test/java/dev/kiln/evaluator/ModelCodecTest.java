package dev.kiln.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.model.CacheVolume;
import dev.kiln.model.Container;
import dev.kiln.model.ContainerOp;
import dev.kiln.model.Directory;
import dev.kiln.model.DockerBuild;
import dev.kiln.model.File;
import dev.kiln.model.FunctionCall;
import dev.kiln.model.Glob;
import dev.kiln.model.Healthcheck;
import dev.kiln.model.Param;
import dev.kiln.model.Pipeline;
import dev.kiln.model.RemoteCache;
import dev.kiln.model.Secret;
import dev.kiln.model.SecretSource;
import dev.kiln.model.Service;
import dev.kiln.model.SourceLocation;
import dev.kiln.model.Task;
import dev.kiln.model.Trigger;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ModelCodecTest {
  private static Object roundTrip(Object value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      ModelCodec.write(out, value);
    }
    return ModelCodec.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
  }

  /** A pipeline holding every kind of value the model has. */
  private static Pipeline everything() {
    Directory src = Directory.host("src", List.of("**/*.java"), List.of("build"));
    Container base = Container.from("busybox:latest");
    Directory fromContainer = new Directory(new Directory.FromContainer(base.withExec("make"), "/out"), List.of());
    Directory all = new Directory(new Directory.Sub(src, "main"), List.of(
        new Directory.WithDirectory("d", fromContainer),
        new Directory.WithFile("f", new File(src, "a.txt")),
        new Directory.WithNewFile("n", "new"),
        new Directory.Without("old")));
    Secret token = new Secret("gh", new SecretSource.Environment("TOKEN"));
    List<ContainerOp> ops = List.of(
        new ContainerOp.Exec(List.of("sh", "-c", "true"), true),
        new ContainerOp.WithEnv("A", "1"),
        new ContainerOp.WithoutEnv("B"),
        new ContainerOp.WithWorkdir("/w"),
        new ContainerOp.WithUser("1000:1000"),
        new ContainerOp.WithEntrypoint(List.of("/bin/sh")),
        new ContainerOp.WithDefaultArgs(List.of("-c", "true")),
        new ContainerOp.WithDirectory("/src", all, List.of("**"), List.of("x"), "1000"),
        new ContainerOp.WithFile("/f", new File(Directory.empty(), "f"), 0755, ""),
        new ContainerOp.WithNewFile("/big", "x".repeat(100_000), 0644, ""),
        new ContainerOp.WithoutPath("/tmp/x"),
        new ContainerOp.WithMountedCache("/root/.m2", new CacheVolume("m2"), ContainerOp.Sharing.LOCKED),
        new ContainerOp.WithMountedSecret("/run/token", token),
        new ContainerOp.WithMountedDirectory("/ro", all),
        new ContainerOp.WithMountedTemp("/tmp"),
        new ContainerOp.WithoutMount("/tmp"),
        new ContainerOp.WithSecretVariable("NPM", new Secret("npm", new SecretSource.HostFile(Path.of("npm.token")))),
        new ContainerOp.WithServiceBinding("db", new Service(base.withExec("postgres"), List.of(5432),
            new Healthcheck.Command(List.of("pg_isready"), Duration.ofMillis(90_500)))),
        new ContainerOp.WithServiceBinding("web", new Service(base, List.of(80, 443),
            new Healthcheck.Port(80, Duration.ofSeconds(5)))),
        new ContainerOp.WithServiceBinding("idle", new Service(base, List.of(), null)));
    Container run = new Container("busybox:latest", "linux/arm64", ops);
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("file", new File(src, "pom.xml"));
    args.put("dir", src);
    args.put("token", token);
    args.put("list", List.of(1L, 2.5, true, "s"));
    args.put("map", Map.of("k", List.of()));
    Container built = Container.build(new DockerBuild(src, new File(Directory.host("docker"), "app.Dockerfile"),
        "runtime", Map.of("B", "2", "A", "1"), List.of(token))).withExec("true");
    Task build = new Task("build", "Builds", List.of(), run, List.of(new Task.Export("/out", "build/out")), built,
        "127.0.0.1:5000/app:1", new SourceLocation(Path.of("pipeline.pkl"), 3, 5), List.of("version"), null);
    Task notify = new Task("notify", "", List.of("build"), null, List.of(), null, "",
        SourceLocation.of(Path.of("pipeline.pkl")), List.of(), FunctionCall.of("http.post", args));
    Map<String, Task> tasks = new LinkedHashMap<>();
    tasks.put("build", build);
    tasks.put("notify", notify);
    return new Pipeline(tasks, List.of(new Param("version", "String", "the version", "0.1.0", "1.2.3"),
        new Param("jobs", "Int", "", 4L, null), new Param("ratio", "Float", "", 0.5, 1.5),
        new Param("fast", "Boolean", "", false, true), new Param("tags", "List<String>", "", List.of("a"), List.of())),
        List.of("build"), List.of(new RemoteCache.Local(Path.of(".cache")),
            new RemoteCache.Registry("r/c:x", RemoteCache.Mode.MAX, Map.of("compression", "zstd"), null),
            new RemoteCache.Other("gha", Map.of("scope", "main"), SourceLocation.of(Path.of("pipeline.pkl")))),
        List.of(new RemoteCache.Inline(new SourceLocation(Path.of("pipeline.pkl"), 9, 15)),
            new RemoteCache.Local(Path.of("/c"), "main", "sha256:" + "a".repeat(64), RemoteCache.Mode.MAX, Map.of(),
                null)),
        List.of(new Trigger.Push(List.of(new Glob("release/*")), List.of(new Glob("src/**")), List.of("build"),
                Map.of("version", "2.0.0"), new SourceLocation(Path.of("pipeline.pkl"), 20, 3)),
            new Trigger.PullRequest(List.of(), List.of(), List.of(), Map.of(), SourceLocation.of(Path.of("p.pkl"))),
            new Trigger.Schedule("0 3 * * 1-5", "Europe/Paris", "main", List.of(), Map.of("fast", "true"),
                new SourceLocation(Path.of("pipeline.pkl"), 22, 3))));
  }

  @Test
  void everyKindOfModelValueComesBackEqual() throws IOException {
    Pipeline p = everything();
    Pipeline back = (Pipeline) roundTrip(p);
    assertThat(back).isEqualTo(p);
    assertThat(back.tasks().keySet()).containsExactly("build", "notify"); // declaration order kept
  }

  @Test
  void theTestPipelineHoldsEveryOperationTheModelHas() {
    // A new operation must be added to everything() above, so that the cache is known to store it.
    Set<String> used = everything().tasks().get("build").run().ops().stream()
        .map(o -> o.getClass().getSimpleName()).collect(Collectors.toSet());
    assertThat(used).containsAll(Arrays.stream(ContainerOp.class.getPermittedSubclasses())
        .map(Class::getSimpleName).toList());
  }

  @Test
  void onlyModelClassesAreEverMade() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(8); // a record
      out.writeUTF("java.lang.ProcessBuilder$Redirect");
    }
    assertThatThrownBy(() -> ModelCodec.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))))
        .isInstanceOf(IOException.class).hasMessageContaining("not a model class");
    assertThatThrownBy(() -> roundTrip(new StringBuilder("x"))).isInstanceOf(IOException.class)
        .hasMessageContaining("cannot store");
  }

  private static byte[] bytes(Object value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      ModelCodec.write(out, value);
    }
    return bytes.toByteArray();
  }

  @Test
  void aModelNestedTwentyThousandDeepRoundTrips() throws IOException {
    Container base = Container.from("busybox:latest");
    Directory d = Directory.empty();
    for (int i = 0; i < 20_000; i++) {
      d = base.withDirectory("/x", d).directory("/x");
    }
    Pipeline p = Pipeline.of(Task.run("deep", base.withDirectory("/y", d).withExec("true")));
    byte[] written = bytes(p);
    Object back = ModelCodec.read(new DataInputStream(new ByteArrayInputStream(written)));
    // Compared by their encoding: the records' own equals recurses as deep as they nest.
    assertThat(bytes(back)).isEqualTo(written);
    assertThat(((Pipeline) back).tasks()).containsOnlyKeys("deep");
  }

  @Test
  void stringsAreWrittenInPiecesWithoutSplittingAPairOrMiscountingALoneSurrogate() throws IOException {
    String pairAtTheBoundary = "x".repeat(8191) + "\uD83D\uDE00" + "y".repeat(9000);
    assertThat(roundTrip(pairAtTheBoundary)).isEqualTo(pairAtTheBoundary);
    assertThat(roundTrip("a\uD800b\uDC00")).isEqualTo("a?b?"); // as UTF-8 encodes them
    assertThat(roundTrip(List.of("é€\uD83D\uDE00", ""))).isEqualTo(List.of("é€\uD83D\uDE00", ""));
  }
}
