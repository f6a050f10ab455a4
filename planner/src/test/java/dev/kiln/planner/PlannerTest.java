package dev.kiln.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.model.Container;
import dev.kiln.model.ContainerOp;
import dev.kiln.model.Directory;
import dev.kiln.model.KilnBugException;
import dev.kiln.model.Pipeline;
import dev.kiln.model.Secret;
import dev.kiln.model.Task;
import dev.kiln.planner.llb.Definition;
import dev.kiln.planner.llb.pb.Op;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlannerTest {
  private final Planner planner = PlannerBuilder.preconfigured().setImageConfigs(Fixtures.images()).build();

  private static List<Op> ops(Definition def) {
    var ops = new ArrayList<Op>();
    for (int i = 0; i < def.size(); i++) {
      ops.add(def.op(i));
    }
    return ops;
  }

  private static Definition run(Plan plan, String task) {
    return plan.task(task).orElseThrow().targets().get(0).definition();
  }

  @Test
  void ordersTasksAndPrunesWhatWasNotAskedFor() {
    Plan all = planner.plan(Fixtures.maven(), List.of());
    assertThat(all.tasks()).extracting(PlannedTask::name).containsExactly("package", "test", "image", "deploy");
    Plan some = planner.plan(Fixtures.maven(), List.of("image"));
    assertThat(some.tasks()).extracting(PlannedTask::name).containsExactly("test", "image");
    assertThat(some.task("test").orElseThrow().requested()).isFalse();
    assertThat(some.task("image").orElseThrow().requested()).isTrue();
  }

  @Test
  void aTasksDigestsDoNotDependOnWhichOtherTasksArePlanned() {
    Plan all = planner.plan(Fixtures.maven(), List.of());
    Plan one = planner.plan(Fixtures.maven(), List.of("test"));
    assertThat(run(one, "test").toByteArray()).isEqualTo(run(all, "test").toByteArray());
  }

  @Test
  void identicalSubgraphsAcrossTasksShareDigests() {
    Plan plan = planner.plan(Fixtures.maven(), List.of());
    Definition test = run(plan, "test");
    Definition pkg = run(plan, "package");
    // the image, the local source and the folded copy are the same ops in both tasks
    assertThat(test.digests().subList(0, 3)).isEqualTo(pkg.digests().subList(0, 3));
    assertThat(plan.sharedDigests()).containsAll(test.digests().subList(0, 3));
    // and the image task reuses the packaging exec of "package" for its jar
    Definition image = plan.task("image").orElseThrow().targets().get(0).definition();
    assertThat(image.digests()).contains(pkg.resultDigest());
  }

  @Test
  void adjacentFileOperationsFoldIntoOneFileOp() {
    Container c = Container.from("busybox")
        .withNewFile("/etc/a", "a")
        .withDirectory("/src", Directory.host("."))
        .with(new ContainerOp.WithoutPath("/tmp/x"))
        .withExec("true")
        .withNewFile("b", "b");
    Definition def = run(planner.plan(Pipeline.of(Task.run("t", c)), List.of()), "t");
    List<Op> ops = ops(def);
    assertThat(ops).filteredOn(Op::hasFile).hasSize(2);
    Op folded = ops.stream().filter(Op::hasFile).findFirst().orElseThrow();
    assertThat(folded.getFile().getActionsList()).extracting(a -> a.getActionCase().name())
        .containsExactly("MKDIR", "MKFILE", "COPY", "RM");
    assertThat(ops.get(ops.size() - 1).getFile().getActions(0).getMkfile().getPath()).isEqualTo("/b");
  }

  @Test
  void imageConfigIsAppliedAndTheDigestPinned() {
    Container c = Container.from("eclipse-temurin:17")
        .with(new ContainerOp.WithEntrypoint(List.of("java")))
        .with(new ContainerOp.Exec(List.of("-version"), true));
    Definition def = run(planner.plan(Pipeline.of(Task.run("t", c)), List.of()), "t");
    assertThat(def.op(0).getSource().getIdentifier())
        .isEqualTo("docker-image://docker.io/library/eclipse-temurin:17@" + Fixtures.DIGEST);
    var meta = def.op(1).getExec().getMeta();
    assertThat(meta.getEnvList()).containsExactly("JAVA_HOME=/opt/java/openjdk", "PATH=/opt/java/openjdk/bin:/usr/bin:/bin");
    assertThat(meta.getArgsList()).containsExactly("java", "-version");
    assertThat(meta.getCwd()).isEqualTo("/");
  }

  @Test
  void unresolvedImagesAreNotedNotGuessed() {
    Plan plan = PlannerBuilder.preconfigured().build()
        .plan(Pipeline.of(Task.run("t", Container.from("alpine:3").withExec("true"))), List.of());
    assertThat(plan.notes()).singleElement().asString()
        .contains("docker.io/library/alpine:3 was not resolved");
  }

  @Test
  void patternsAndIgnoreFilesArePushedIntoTheLocalSource() {
    Planner withIgnore = PlannerBuilder.preconfigured().setImageConfigs(Fixtures.images())
        .addIgnoreFile(".", IgnoreFile.parse("target/\n").then(IgnoreFile.parse("*.md\n"))).build();
    Container c = Container.from("busybox")
        .with(new ContainerOp.WithDirectory("/src", Directory.host(".").directory("src"),
            List.of("**/*.java"), List.of("**/generated/"), ""))
        .withFile("/pom.xml", Directory.host(".").file("pom.xml"))
        .withExec("true");
    Definition def = run(withIgnore.plan(Pipeline.of(Task.run("t", c)), List.of()), "t");
    var locals = ops(def).stream().filter(o -> o.hasSource() && o.getSource().getIdentifier().equals("local://."))
        .map(o -> o.getSource().getAttrsMap()).toList();
    assertThat(locals).hasSize(2);
    assertThat(locals).anySatisfy(a -> assertThat(a)
        .containsEntry("local.includepattern", "[\"src/**/*.java\"]")
        .containsEntry("local.excludepatterns", "[\"target\",\"*.md\",\"src/**/generated\"]"));
    assertThat(locals).anySatisfy(a -> assertThat(a).containsEntry("local.includepattern", "[\"pom.xml\"]"));
    // the copy itself needs no patterns (which Docker 20.10's BuildKit could not do)
    assertThat(def.caps()).doesNotContain("file.copy.includeexcludepatterns");
  }

  @Test
  void changingAnIgnoreFileChangesOnlyTheOpsThatReadThatDirectory() {
    Container c = Container.from("busybox").withDirectory("/src", Directory.host("src")).withExec("true");
    Container other = Container.from("busybox").withDirectory("/docs", Directory.host("docs")).withExec("true");
    Pipeline p = Pipeline.of(Task.run("src", c), Task.run("docs", other));
    Plan before = planner.plan(p, List.of());
    Plan after = PlannerBuilder.preconfigured().setImageConfigs(Fixtures.images())
        .addIgnoreFile("docs", IgnoreFile.parse("drafts/\n")).build().plan(p, List.of());
    assertThat(run(after, "src").digests()).isEqualTo(run(before, "src").digests());
    assertThat(run(after, "docs").resultDigest()).isNotEqualTo(run(before, "docs").resultDigest());
  }

  @Test
  void secretsAppearByNameOnly() {
    Plan plan = planner.plan(Fixtures.maven(), List.of("deploy"));
    PlannedTask deploy = plan.task("deploy").orElseThrow();
    assertThat(deploy.secrets()).containsExactly("deploy-token");
    var mount = ops(deploy.targets().get(0).definition()).stream().filter(Op::hasExec).findFirst()
        .orElseThrow().getExec().getMountsList().stream().filter(m -> m.hasSecretOpt()).findFirst().orElseThrow();
    assertThat(mount.getSecretOpt().getID()).isEqualTo("deploy-token");
  }

  @Test
  void exportsContainOnlyTheExportedPath() {
    Plan plan = planner.plan(Fixtures.maven(), List.of("package"));
    PlannedTarget export = plan.task("package").orElseThrow().targets().get(1);
    assertThat(export.kind()).isEqualTo(PlannedTarget.Kind.EXPORT);
    assertThat(export.destination()).isEqualTo("build/app.jar");
    Op copy = export.definition().op(export.definition().size() - 1);
    assertThat(copy.getFile().getActions(0).getCopy().getSrc()).isEqualTo("/src/target/app.jar");
    assertThat(copy.getFile().getActions(0).getCopy().getDest()).isEqualTo("/app.jar");
    assertThat(copy.getFile().getActions(0).getInput()).isEqualTo(-1);
  }

  @Test
  void publishCarriesTheImageConfigKilnApplied() {
    PlannedTarget publish = planner.plan(Fixtures.maven(), List.of("image")).task("image").orElseThrow()
        .targets().get(0);
    assertThat(publish.kind()).isEqualTo(PlannedTarget.Kind.PUBLISH);
    assertThat(publish.destination()).isEqualTo("registry.example.com/app:1.0");
    assertThat(publish.image().entrypoint()).containsExactly("java", "-jar", "/app.jar");
    assertThat(publish.image().env()).containsExactly("JAVA_HOME=/opt/java/openjdk");
  }

  @Test
  void aMultiPlatformPublishIsOneTargetPerPlatformBuiltForIt() {
    Container c = Container.from("busybox:latest").withExec("sh", "-c", "uname -m > /arch");
    Pipeline p = Pipeline.of(new Task("image", "", List.of(), null, List.of(), c, "r.example/app:1", null)
        .withPlatforms("linux/amd64", "linux/arm64"));

    List<PlannedTarget> targets = planner.plan(p, List.of()).task("image").orElseThrow().targets();

    assertThat(targets).extracting(PlannedTarget::kind).containsOnly(PlannedTarget.Kind.PUBLISH);
    assertThat(targets).extracting(PlannedTarget::path).containsExactly("linux/amd64", "linux/arm64");
    assertThat(targets).extracting(PlannedTarget::destination).containsOnly("r.example/app:1");
    assertThat(targets.get(0).definition().resultDigest()).isNotEqualTo(targets.get(1).definition().resultDigest());
  }

  @Test
  void anEntrypointDropsTheInheritedCmdLikeADockerfile() {
    // busybox's config has CMD ["sh"]; with a new ENTRYPOINT it would become the entrypoint's argument.
    Container c = Container.from("busybox:latest").with(new ContainerOp.WithEntrypoint(List.of("/app")));
    Container withArgs = c.with(new ContainerOp.WithDefaultArgs(List.of("--serve")));
    Pipeline p = Pipeline.of(new Task("a", "", List.of(), null, List.of(), c, "r.example/a:1", null),
        new Task("b", "", List.of(), null, List.of(), withArgs, "r.example/b:1", null));
    Plan plan = planner.plan(p, List.of());
    assertThat(plan.task("a").orElseThrow().targets().get(0).image().cmd()).isEmpty();
    assertThat(plan.task("b").orElseThrow().targets().get(0).image().cmd()).containsExactly("--serve");
  }

  @Test
  void aFeatureTheEngineLacksFailsBeforeAnythingRuns() {
    Container c = Container.from("busybox")
        .with(new ContainerOp.WithSecretVariable("TOKEN", new Secret("token")))
        .withExec("sh", "-c", "deploy");
    Pipeline p = Pipeline.of(Task.run("deploy", c));
    assertThatThrownBy(() -> planner.plan(p, List.of()))
        .isInstanceOf(PlanException.class)
        .hasMessageContaining("task 'deploy' uses a secret as an environment variable, which Docker 20.10");
    Plan onNew = PlannerBuilder.preconfigured().setImageConfigs(Fixtures.images())
        .setEngineCapabilities(EngineCapabilities.latest()).build().plan(p, List.of());
    assertThat(run(onNew, "deploy").caps()).contains("exec.secretenv");
  }

  @Test
  void mergeOpIsLoweredForDocker2010() {
    Directory assembled = Directory.empty()
        .with(new Directory.WithDirectory("a", Directory.host("a")))
        .with(new Directory.WithDirectory("b", Directory.host("b")));
    Pipeline p = Pipeline.of(Task.run("t", Container.from("busybox").withDirectory("/x", assembled).withExec("ls")));
    Plan old = planner.plan(p, List.of());
    assertThat(run(old, "t").caps()).doesNotContain("mergeop");
    assertThat(old.notes()).anyMatch(n -> n.contains("no MergeOp"));
    Plan current = PlannerBuilder.preconfigured().setImageConfigs(Fixtures.images())
        .setEngineCapabilities(EngineCapabilities.latest()).build().plan(p, List.of());
    assertThat(run(current, "t").caps()).contains("mergeop");
  }

  @Test
  void badValuesBecomePlanErrorsNamingTheTask() {
    Pipeline badImage = Pipeline.of(Task.run("t", Container.from("Not An Image").withExec("true")));
    assertThatThrownBy(() -> planner.plan(badImage, List.of()))
        .isInstanceOf(PlanException.class).hasMessageStartingWith("task 't' has an invalid image reference");
    Pipeline badEnv = Pipeline.of(Task.run("t", Container.from("busybox").withEnv("A=B", "c")));
    assertThatThrownBy(() -> planner.plan(badEnv, List.of()))
        .isInstanceOf(PlanException.class).hasMessage("task 't': invalid environment variable name: A=B");
  }

  @Test
  void anUnexpectedFailureIsAKilnBugNamingTheTaskAndAUsersErrorPassesThrough() {
    ImageConfigs broken = (ref, platform) -> {
      throw new NullPointerException("no config");
    };
    assertThatThrownBy(() -> PlannerBuilder.preconfigured().setImageConfigs(broken).build().plan(Fixtures.maven(), List.of()))
        .isInstanceOf(KilnBugException.class)
        .hasMessage("planning task 'package' failed unexpectedly: NullPointerException: no config");
    PlanException refused = new PlanException("no such image", "check the name");
    ImageConfigs refusing = (ref, platform) -> {
      throw refused;
    };
    assertThatThrownBy(() -> PlannerBuilder.preconfigured().setImageConfigs(refusing).build().plan(Fixtures.maven(), List.of()))
        .isSameAs(refused);
  }
}
