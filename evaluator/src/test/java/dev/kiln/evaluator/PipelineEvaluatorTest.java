package dev.kiln.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.model.CacheVolume;
import dev.kiln.model.Container;
import dev.kiln.model.ContainerOp;
import dev.kiln.model.Directory;
import dev.kiln.model.DockerBuild;
import dev.kiln.model.File;
import dev.kiln.model.Glob;
import dev.kiln.model.Healthcheck;
import dev.kiln.model.Param;
import dev.kiln.model.Pipeline;
import dev.kiln.model.PipelineException;
import dev.kiln.model.RemoteCache;
import dev.kiln.model.Secret;
import dev.kiln.model.SecretSource;
import dev.kiln.model.SourceLocation;
import dev.kiln.model.Task;
import dev.kiln.model.Trigger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineEvaluatorTest {
  private static final Path EXAMPLES = Path.of("../examples");
  private static final Container BUSYBOX = Container.from("busybox:latest");

  @TempDir Path dir;

  @Test
  void helloEvaluatesToItsModel() {
    Pipeline p = PipelineEvaluator.builder().build().evaluate(EXAMPLES.resolve("hello/pipeline.pkl"));

    Task hello = p.tasks().get("hello");
    assertThat(p.tasks()).containsOnlyKeys("hello");
    assertThat(hello.description()).isEqualTo("Writes a greeting to build/hello.txt");
    assertThat(hello.run()).isEqualTo(BUSYBOX.withExec(
        "sh", "-c", "mkdir -p /out && echo 'hello, world' > /out/hello.txt"));
    assertThat(hello.exports()).containsExactly(new Task.Export("/out/hello.txt", "build/hello.txt"));
    assertThat(hello.publish()).isNull();
    assertThat(hello.location().toString()).endsWith("hello/pipeline.pkl:13:3");
    assertThat(p.params()).containsExactly(new Param("name", "String", "Who to greet.", "world", "world"));
  }

  @Test
  void theIntegrationExampleBindsPostgresqlAsAServiceWithItsHealthcheck() {
    Pipeline p = PipelineEvaluator.builder().build().evaluate(EXAMPLES.resolve("integration/pipeline.pkl"));
    Container run = p.tasks().get("test").run();
    ContainerOp.WithServiceBinding binding = run.ops().stream()
        .filter(ContainerOp.WithServiceBinding.class::isInstance).map(ContainerOp.WithServiceBinding.class::cast)
        .findFirst().orElseThrow();
    assertThat(binding.hostname()).isEqualTo("db");
    assertThat(binding.service().ports()).containsExactly(5432);
    assertThat(binding.service().healthcheck()).isEqualTo(new Healthcheck.Command(
        List.of("pg_isready", "-h", "127.0.0.1", "-p", "5432"), Duration.ofSeconds(90)));
    assertThat(binding.service().container().ops()).contains(new ContainerOp.WithUser("postgres"));
    // the binding comes before the exec that runs the tests
    assertThat(run.ops().get(run.ops().size() - 1))
        .isEqualTo(new ContainerOp.Exec(List.of("python3", "-m", "unittest", "-v"), false));
  }

  @Test
  void aServiceWithoutAHealthcheckWaitsForItsFirstPort() throws IOException {
    Path p = dir.resolve("pipeline.pkl");
    Files.writeString(p, """
        amends ".kiln/schema/Pipeline.pkl"
        local web = container.from("busybox:latest").withDefaultArgs(List("httpd", "-f")).asService(List(80, 81), null)
        tasks { ["t"] { run = container.from("busybox:latest").withServiceBinding("web", web).withExec(List("true")) } }
        """);
    ContainerOp.WithServiceBinding binding = (ContainerOp.WithServiceBinding) PipelineEvaluator.builder().build()
        .evaluate(p).tasks().get("t").run().ops().get(0);
    assertThat(binding.service().healthcheck()).isNull();
    assertThat(binding.service().effectiveHealthcheck()).isEqualTo(new Healthcheck.Port(80, Duration.ofSeconds(60)));
  }

  @Test
  void aServiceHostNameThatIsNoDnsLabelIsSaidInKilnsWords() throws IOException {
    Path p = dir.resolve("pipeline.pkl");
    Files.writeString(p, """
        amends ".kiln/schema/Pipeline.pkl"
        local web = container.from("busybox:latest").withDefaultArgs(List("httpd", "-f")).asService(List(80), null)
        tasks { ["t"] { run = container.from("busybox:latest").withServiceBinding("Web_1", web).withExec(List("true")) } }
        """);
    assertThatThrownBy(() -> PipelineEvaluator.builder().build().evaluate(p))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining("`Web_1` is not a valid host name for a service")
        .satisfies(e -> assertThat(((PipelineException) e).hint()).hasValueSatisfying(h -> assertThat(h)
            .contains("try \"web-1\"")))
        .satisfies(e -> assertThat(((PipelineException) e).location().orElseThrow().line()).isEqualTo(3));
  }

  @Test
  void triggersAreReadWithTheirFiltersAndLocations() {
    Pipeline p = PipelineEvaluator.builder().build().evaluate(EXAMPLES.resolve("triggers/pipeline.pkl"));

    assertThat(p.triggers()).hasSize(3);
    Trigger.Push push = (Trigger.Push) p.triggers().get(0);
    assertThat(push.branches()).containsExactly(new Glob("main"), new Glob("release/*"));
    assertThat(push.paths()).containsExactly(new Glob("src/**"), new Glob("pipeline.pkl"));
    assertThat(push.tasks()).isEmpty();
    assertThat(push.location().line()).isEqualTo(24);
    Trigger.PullRequest pr = (Trigger.PullRequest) p.triggers().get(1);
    assertThat(pr.describe()).isEqualTo("pull request into main");
    Trigger.Schedule nightly = (Trigger.Schedule) p.triggers().get(2);
    assertThat(nightly.cron()).isEqualTo("30 2 * * 1-5");
    assertThat(nightly.timeZone()).isEqualTo("Europe/Paris");
    assertThat(nightly.branch()).isEqualTo("main");
    assertThat(nightly.params()).containsExactly(Map.entry("slow", "true"));
    assertThat(nightly.location()).hasToString(nightly.location().file() + ":29:3");
  }

  @Test
  void fanOutJoinsThreePartsInDeclarationOrder() {
    Pipeline p = PipelineEvaluator.builder().build().evaluate(EXAMPLES.resolve("fan-out/pipeline.pkl"));

    assertThat(p.tasks().keySet()).containsExactly("alpha", "beta", "gamma", "join");
    Task join = p.tasks().get("join");
    assertThat(join.dependsOn()).containsExactly("alpha", "beta", "gamma");
    Container alpha = p.tasks().get("alpha").run();
    assertThat(alpha).isEqualTo(BUSYBOX.withExec("sh", "-c", "mkdir -p /out && echo alpha > /out/alpha.txt"));
    assertThat(join.run().ops()).hasSize(4);
    assertThat(join.run().ops().get(0)).isEqualTo(new ContainerOp.WithFile("/in/alpha.txt",
        alpha.file("/out/alpha.txt"), -1, ""));
    assertThat(join.run().ops().get(2)).isEqualTo(new ContainerOp.WithDirectory("/in/gamma",
        p.tasks().get("gamma").run().directory("/out"), List.of(), List.of(), ""));
    assertThat(join.exports()).containsExactly(new Task.Export("/out/joined.txt", "build/joined.txt"));
  }

  @Test
  void mapsEveryContainerOperation() throws IOException {
    Files.createDirectories(dir.resolve("src"));
    Path file = write("""
        hostEnv { "TOKEN_NAME" }
        local src = host.directory("src").excluding(List("build")).including(List("**/*.java"))
        local token = envSecret(read("env:TOKEN_NAME"), "TOKEN")
        local c = (container.from("busybox:latest")) { platform = "linux/arm64" }
          .withEnvVariable("A", "1")
          .withoutEnvVariable("B")
          .withWorkdir("/w")
          .withUser("1000:1000")
          .withEntrypoint(List("/bin/sh"))
          .withDefaultArgs(List("-c", "true"))
          .withDirectory("/src", src)
          .withNewFile("/etc/motd", "hi")
          .withoutPath("/tmp/x")
          .withMountedCache("/root/.m2", cacheVolume("m2"))
          .withMountedSecret("/run/token", token)
          .withMountedDirectory("/ro", emptyDirectory().withNewFile("a.txt", "a"))
          .withMountedTemp("/tmp")
          .withoutMount("/tmp")
          .withSecretVariable("TOKEN", (secret("npm")) { file = "npm.token" })
        tasks {
          ["all"] {
            run = c
            publish = c.withDefaultArgs(List("serve"))
            ref = "127.0.0.1:5000/kiln/all:latest"
          }
        }
        """);
    Pipeline p = PipelineEvaluator.builder().environment(Map.of("TOKEN_NAME", "gh")).build().evaluate(file);

    Task all = p.tasks().get("all");
    assertThat(all.run().platform()).isEqualTo("linux/arm64");
    assertThat(all.run().ops()).containsExactly(
        new ContainerOp.WithEnv("A", "1"),
        new ContainerOp.WithoutEnv("B"),
        new ContainerOp.WithWorkdir("/w"),
        new ContainerOp.WithUser("1000:1000"),
        new ContainerOp.WithEntrypoint(List.of("/bin/sh")),
        new ContainerOp.WithDefaultArgs(List.of("-c", "true")),
        new ContainerOp.WithDirectory("/src", Directory.host("src", List.of("**/*.java"), List.of("build")),
            List.of(), List.of(), ""),
        new ContainerOp.WithNewFile("/etc/motd", "hi", 0644, ""),
        new ContainerOp.WithoutPath("/tmp/x"),
        new ContainerOp.WithMountedCache("/root/.m2", new CacheVolume("m2"), ContainerOp.Sharing.SHARED),
        new ContainerOp.WithMountedSecret("/run/token", new Secret("gh", new SecretSource.Environment("TOKEN"))),
        new ContainerOp.WithMountedDirectory("/ro", Directory.empty().with(new Directory.WithNewFile("a.txt", "a"))),
        new ContainerOp.WithMountedTemp("/tmp"),
        new ContainerOp.WithoutMount("/tmp"),
        new ContainerOp.WithSecretVariable("TOKEN", new Secret("npm", new SecretSource.HostFile(Path.of("npm.token")))));
    assertThat(all.publish().ops()).last().isEqualTo(new ContainerOp.WithDefaultArgs(List.of("serve")));
    assertThat(all.ref()).isEqualTo("127.0.0.1:5000/kiln/all:latest");
  }

  @Test
  void aDockerfileBuildIsTheBaseOfAContainer() throws IOException {
    Path file = write("""
        local npm = envSecret("npm", "NPM_TOKEN")
        local app = (container.dockerfile(host.directory("app").excluding(List("tmp")), "docker/Dockerfile")) {
          platform = "linux/arm64"
          build {
            target = "runtime"
            buildArgs { ["VERSION"] = "1.2.0"; ["A"] = "x" }
            secrets { npm }
          }
        }
        local plain = container.dockerfile(host.directory("."), "Dockerfile")
        local elsewhere = container.dockerfile(host.directory("."), host.directory("docker").file("app.Dockerfile"))
        tasks {
          ["plain"] { run = plain.withExec(List("true")) }
          ["elsewhere"] { run = elsewhere }
          ["app"] { run = app.withEnvVariable("X", "1") }
        }
        """);
    Files.createDirectories(file.resolveSibling("app")); // host directories must exist
    Files.createDirectories(file.resolveSibling("docker"));
    Pipeline p = PipelineEvaluator.builder().build().evaluate(file);

    Container plain = p.tasks().get("plain").run();
    assertThat(plain).isEqualTo(Container.build(DockerBuild.of(Directory.host("."), "Dockerfile")).withExec("true"));
    assertThat(p.tasks().get("elsewhere").run().build().dockerfile())
        .isEqualTo(Directory.host("docker").file("app.Dockerfile"));
    Container app = p.tasks().get("app").run();
    assertThat(app.image()).isEmpty();
    assertThat(app.platform()).isEqualTo("linux/arm64");
    Directory context = Directory.host("app", List.of(), List.of("tmp"));
    assertThat(app.build()).isEqualTo(new DockerBuild(context, context.file("docker/Dockerfile"), "runtime", new TreeMap<>(Map.of("A", "x", "VERSION", "1.2.0")),
        List.of(new Secret("npm", new SecretSource.Environment("NPM_TOKEN")))));
    assertThat(app.ops()).containsExactly(new ContainerOp.WithEnv("X", "1"));
  }

  @Test
  void aContainerHasAnImageOrADockerfileBuildNotBoth() throws IOException {
    Path file = write("""
        local both = (container.dockerfile(host.directory("."), "Dockerfile")) { image = "busybox" }
        tasks { ["t"] { run = both } }
        """);
    assertThatThrownBy(() -> PipelineEvaluator.builder().build().evaluate(file))
        .isInstanceOf(PipelineException.class)
        .hasMessage("a container starts from an image or from a Dockerfile build, not both");
  }

  @Test
  void directoriesComposeFromContainersAndSubdirectories() throws IOException {
    Path file = write("""
        local b = container.from("busybox:latest").withExec(List("true"))
        local d = b.directory("/out").directory("sub").withFile("x", b.file("/etc/hosts")).without("y")
        tasks { ["t"] { run = b.withDirectory("/in", d) } }
        """);
    Pipeline p = PipelineEvaluator.builder().build().evaluate(file);

    Container b = BUSYBOX.withExec("true");
    Directory expected = b.directory("/out").directory("sub")
        .with(new Directory.WithFile("x", new File(b.directory("/"), "/etc/hosts")))
        .with(new Directory.Without("y"));
    assertThat(p.tasks().get("t").run().ops()).last()
        .isEqualTo(new ContainerOp.WithDirectory("/in", expected, List.of(), List.of(), ""));
  }

  @Test
  void paramOverridesAreTypeChecked() throws IOException {
    Path file = write("""
        local class P extends Params {
          /// Shards.
          shards: Int(isBetween(1, 8)) = 2
          /// Tag.
          tag: String = "dev"
          debug: Boolean = false
        }
        params = new P {}
        tasks { ["t"] { description = "\\(params.tag) x\\(params.shards) \\(params.debug)" } }
        """);

    Pipeline p = PipelineEvaluator.builder().param("shards", "4").param("tag", "v\"1\"").param("debug", "true")
        .build().evaluate(file);
    assertThat(p.tasks().get("t").description()).isEqualTo("v\"1\" x4 true");
    assertThat(p.params()).containsExactly(new Param("shards", "Int(isBetween(1, 8))", "Shards.", 2L, 4L),
        new Param("tag", "String", "Tag.", "dev", "v\"1\""), new Param("debug", "Boolean", "", false, true));

    assertThatThrownBy(() -> PipelineEvaluator.builder().param("shards", "9").build().evaluate(file))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining("invalid parameter value: Type constraint `isBetween(1, 8)` violated.");
    assertThatThrownBy(() -> PipelineEvaluator.builder().param("shards", "many").build().evaluate(file))
        .hasMessage("--param shards=many: parameter `shards` is of type `Int(isBetween(1, 8))`; expected an integer");
    assertThatThrownBy(() -> PipelineEvaluator.builder().param("shard", "1").build().evaluate(file))
        .isInstanceOfSatisfying(PipelineException.class,
            e -> assertThat(e.hint()).hasValue("declared parameters: shards, tag, debug"));
  }

  @Test
  void paramsFilesAreValidatedAgainstTheDeclarations() throws IOException {
    Path file = write("""
        local class P extends Params { shards: Int = 2; ratio: Float = 0.5; tag: String = "dev" }
        params = new P {}
        tasks { ["t"] { description = "\\(params.tag) \\(params.shards) \\(params.ratio)" } }
        """);
    Path json = Files.writeString(dir.resolve("params.json"), "{\"shards\": 3, \"ratio\": 1, \"tag\": \"rc\"}");
    Path yaml = Files.writeString(dir.resolve("params.yaml"), "shards: 5\n");
    Path bad = Files.writeString(dir.resolve("bad.json"), "{\"shards\": \"three\", \"extra\": 1}");

    assertThat(PipelineEvaluator.builder().paramsFile(json).build().evaluate(file).tasks().get("t").description())
        .isEqualTo("rc 3 1.0");
    assertThat(PipelineEvaluator.builder().paramsFile(yaml).param("tag", "cli").build().evaluate(file)
        .tasks().get("t").description()).isEqualTo("cli 5 0.5");
    assertThatThrownBy(() -> PipelineEvaluator.builder().paramsFile(bad).build().evaluate(file))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining("#/shards: expected type: Integer, found: String")
        .hasMessageContaining("#: extraneous key [extra] is not permitted");
  }

  @Test
  void onlyDeclaredEnvironmentVariablesAreVisible() throws IOException {
    Path file = write("""
        hostEnv { "GREETING"; "UNSET" }
        tasks { ["t"] { description = read("env:GREETING") + (read?("env:UNSET") ?? "") } }
        """);
    Map<String, String> env = Map.of("GREETING", "hi", "OTHER", "x");
    Pipeline p = PipelineEvaluator.builder().environment(env).build().evaluate(file);
    assertThat(p.tasks().get("t").description()).isEqualTo("hi");

    Path other = write("tasks { [\"t\"] { description = read?(\"env:OTHER\") ?? \"unset\" } }\n");
    assertThatThrownBy(() -> PipelineEvaluator.builder().environment(env).build().evaluate(other))
        .hasMessageContaining("environment variable `OTHER` is not declared in `hostEnv`");
  }

  @Test
  void aRunawayPipelineTimesOut() throws IOException {
    Path file = write("""
        local function spin(n: Int): Int = if (n == 0) 0 else spin(n - 1) + spin(n - 1)
        tasks { ["t"] { description = spin(60).toString() } }
        """);
    assertThatThrownBy(() -> PipelineEvaluator.builder().timeout(Duration.ofSeconds(1)).build().evaluate(file))
        .isInstanceOf(PipelineException.class).hasMessageContaining("timed out");
  }

  @Test
  void aStaleVendoredSchemaAsksToRerunInit() throws IOException {
    Path file = write("tasks {}\n");
    KilnSchema.writeTo(dir);
    assertThat(PipelineEvaluator.builder().build().evaluate(file).tasks()).isEmpty();

    Files.writeString(dir.resolve(".kiln/schema/VERSION"), "0\n");
    assertThatThrownBy(() -> PipelineEvaluator.builder().build().evaluate(file))
        .isInstanceOfSatisfying(PipelineException.class, e -> {
          assertThat(e).hasMessageContaining("version 0 but this kiln uses version " + KilnSchema.version());
          assertThat(e.hint()).hasValueSatisfying(h -> assertThat(h).contains("kiln init"));
        });
  }

  @Test
  void theVendoredCopyIsTheBundledSchema() throws IOException {
    Path schema = KilnSchema.writeTo(dir);
    assertThat(Files.readString(schema.resolve("Pipeline.pkl"))).isEqualTo(KilnSchema.read("Pipeline.pkl").orElseThrow());
    // The bundled copy is served even if the vendored one was edited.
    Files.writeString(schema.resolve("Pipeline.pkl"), "module broken\n");
    assertThat(PipelineEvaluator.builder().build().evaluate(write("tasks {}\n")).tasks()).isEmpty();
  }

  @Test
  void aMissingFileIsAClearError() {
    assertThatThrownBy(() -> PipelineEvaluator.builder().build().evaluate(dir.resolve("nope.pkl")))
        .isInstanceOfSatisfying(PipelineException.class,
            e -> assertThat(e.hint()).hasValueSatisfying(h -> assertThat(h).contains("kiln init")));
  }

  @Test
  void theCacheBlockBecomesTypedCachesLocatedInThePipeline() throws IOException {
    Path file = write("""
        tasks { ["a"] { run = module.container.from("busybox:latest") } }
        cache {
          imports {
            new RegistryCache { ref = "127.0.0.1:5000/app/cache:main" }
            new LocalCache { dir = ".cache/kiln" }
            "type=registry,ref=host:5000/other:x"
            "type=local,src=shared,tag=main,digest=sha256:abc"
          }
          exports {
            new RegistryCache { ref = "127.0.0.1:5000/app/cache:main"; mode = "max" }
            new LocalCache { dir = "/ci/cache" }
            new InlineCache {}
            "type=registry,ref=host:5000/other:x,mode=max,compression=zstd"
            "type=gha,scope=main"
          }
        }
        """);
    Pipeline p = PipelineEvaluator.builder().build().evaluate(file);
    Path display = p.tasks().get("a").location().file();
    assertThat(p.cacheImports()).containsExactly(
        new RemoteCache.Registry("127.0.0.1:5000/app/cache:main", RemoteCache.Mode.MIN, Map.of(),
            new SourceLocation(display, 6, 5)),
        new RemoteCache.Local(Path.of(".cache/kiln"), "latest", null, RemoteCache.Mode.MIN, Map.of(),
            new SourceLocation(display, 7, 5)),
        new RemoteCache.Registry("host:5000/other:x", RemoteCache.Mode.MIN, Map.of(), new SourceLocation(display, 8, 5)),
        new RemoteCache.Local(Path.of("shared"), "main", "sha256:abc", RemoteCache.Mode.MIN, Map.of(),
            new SourceLocation(display, 9, 5)));
    assertThat(p.cacheExports()).containsExactly(
        new RemoteCache.Registry("127.0.0.1:5000/app/cache:main", RemoteCache.Mode.MAX, Map.of(),
            new SourceLocation(display, 12, 5)),
        new RemoteCache.Local(Path.of("/ci/cache"), "latest", null, RemoteCache.Mode.MIN, Map.of(),
            new SourceLocation(display, 13, 5)),
        new RemoteCache.Inline(new SourceLocation(display, 14, 5)),
        new RemoteCache.Registry("host:5000/other:x", RemoteCache.Mode.MAX, Map.of("compression", "zstd"),
            new SourceLocation(display, 15, 5)),
        new RemoteCache.Other("gha", Map.of("scope", "main"), new SourceLocation(display, 16, 5)));
    assertThat(PipelineEvaluator.builder().build().evaluate(EXAMPLES.resolve("hello/pipeline.pkl")).cacheImports())
        .isEmpty();
  }

  @Test
  void aBuildxCacheTheSchemaLetsThroughButKilnCannotUseFailsAtItsLine() throws IOException {
    Path file = write("""
        tasks { ["a"] { run = module.container.from("busybox:latest") } }
        cache {
          imports { "type=local,src=in" }
          exports {
            "type=inline"
            "type=local,src=in"
          }
        }
        """);
    assertThatThrownBy(() -> PipelineEvaluator.builder().build().evaluate(file))
        .isInstanceOfSatisfying(PipelineException.class, e -> {
          assertThat(e).hasMessage("a local cache export needs dest=DIR: 'type=local,src=in'");
          assertThat(e.location()).hasValueSatisfying(l -> assertThat(l.line() + ":" + l.column()).isEqualTo("8:5"));
          assertThat(e.hint()).contains("write type=local,dest=DIR");
        });
  }

  @Test
  void aSecretHasExactlyOneSource() throws IOException {
    Pipeline p = PipelineEvaluator.builder().build().evaluate(write("""
        local base = module.container.from("busybox:latest")
        tasks {
          ["a"] {
            run = base
              .withMountedSecret("/e", module.envSecret("e", "E_VAR"))
              .withMountedSecret("/f", module.fileSecret("f", "secrets/f.txt"))
              .withSecretVariable("C", module.cmdSecret("c", "pass show c"))
              .withMountedSecret("/n", (module.secret("n")) { env = "N_VAR" })
          }
        }
        """));
    assertThat(p.secrets()).containsExactly(
        Map.entry("c", new Secret("c", new SecretSource.Command("pass show c"))),
        Map.entry("e", new Secret("e", new SecretSource.Environment("E_VAR"))),
        Map.entry("f", new Secret("f", new SecretSource.HostFile(Path.of("secrets/f.txt")))),
        Map.entry("n", new Secret("n", new SecretSource.Environment("N_VAR"))));
    // None, or two: invalid pipelines (invalid/49-secret-without-source, 50-secret-with-two-sources).
  }

  private Path write(String body) throws IOException {
    return Files.writeString(dir.resolve("pipeline.pkl"), "amends \".kiln/schema/Pipeline.pkl\"\n\n" + body);
  }
}
