package dev.kiln.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.model.Container;
import dev.kiln.model.Directory;
import dev.kiln.model.DockerBuild;
import dev.kiln.model.Pipeline;
import dev.kiln.model.Secret;
import dev.kiln.model.SecretSource;
import dev.kiln.model.SourceLocation;
import dev.kiln.model.Task;
import dev.kiln.planner.llb.Definition;
import dev.kiln.planner.llb.Exec;
import dev.kiln.planner.llb.ImageRef;
import dev.kiln.planner.llb.LlbState;
import dev.kiln.planner.llb.Marshaller;
import dev.kiln.planner.llb.Platform;
import dev.kiln.planner.llb.Sources;
import dev.kiln.planner.llb.pb.Location;
import dev.kiln.planner.llb.pb.Locations;
import dev.kiln.planner.llb.pb.Op;
import dev.kiln.planner.llb.pb.Position;
import dev.kiln.planner.llb.pb.Range;
import dev.kiln.planner.llb.pb.Source;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class DockerfileLoweringTest {
  private final List<DockerfileRequest> requests = new ArrayList<>();

  /** What a frontend would answer: busybox plus one RUN (line 3), ENV and WORKDIR in the config. */
  private static DockerfileResult frontendAnswer(DockerfileRequest request) {
    LlbState ran = Sources.image(ImageRef.parse("busybox:latest"), request.platform())
        .run(Exec.of("/bin/sh", "-c", "echo built > /built")).root();
    Definition def = new Marshaller().marshal(ran);
    var source = Source.newBuilder().putLocations(def.resultDigest(), Locations.newBuilder()
        .addLocations(Location.newBuilder().addRanges(Range.newBuilder()
            .setStart(Position.newBuilder().setLine(3)).setEnd(Position.newBuilder().setLine(3))))
        .build());
    var config = new ImageConfig(List.of("PATH=/bin", "FOO=bar"), "/w", "", List.of(), List.of("/bin/sh"), "");
    return new DockerfileResult(def.toPb().toBuilder().setSource(source).build(), config);
  }

  private Planner planner() {
    return PlannerBuilder.preconfigured()
        .addIgnoreFile("app", IgnoreFile.parse("target\n"))
        .setDockerfileFrontend(r -> {
          requests.add(r);
          return Optional.of(frontendAnswer(r));
        }).build();
  }

  private static Container app() {
    var args = new TreeMap<String, String>(Map.of("VERSION", "1.2.0"));
    Secret npm = new Secret("npm", new SecretSource.Environment("NPM_TOKEN"));
    Directory context = Directory.host("app");
    return Container.build(new DockerBuild(context, context.file("docker/Dockerfile"), "runtime", args, List.of(npm)));
  }

  @Test
  void theFrontendGetsTheContextAsLlbWithItsIgnoreFileAndTheOptions() {
    planner().plan(Pipeline.of(Task.run("t", app().withExec("true"))), List.of());

    assertThat(requests).hasSize(1);
    DockerfileRequest r = requests.get(0);
    assertThat(r.dockerfile()).isEqualTo("docker/Dockerfile");
    assertThat(r.target()).isEqualTo("runtime");
    assertThat(r.buildArgs()).containsExactly(Map.entry("VERSION", "1.2.0"));
    assertThat(r.platform()).isEqualTo(Platform.LINUX_AMD64);
    assertThat(r.location()).isEqualTo(SourceLocation.of(Path.of("app/docker/Dockerfile")));
    Op local = r.context().op(0);
    assertThat(local.getSource().getIdentifier()).isEqualTo("local://app");
    assertThat(local.getSource().getAttrsMap()).containsEntry("local.excludepatterns", "[\"target\"]")
        .doesNotContainKey("local.session");
    // the frontend reads the Dockerfile from an input of its own: that file only, whatever the ignore files say
    Op dockerfile = r.dockerfileDirectory().op(0);
    assertThat(dockerfile.getSource().getIdentifier()).isEqualTo("local://app");
    assertThat(dockerfile.getSource().getAttrsMap()).containsEntry("local.includepattern", "[\"docker/Dockerfile\"]")
        .doesNotContainKey("local.excludepatterns");
  }

  @Test
  void aDockerfileElsewhereIsItsOwnInputAndItsDockerignoreReplacesTheContexts() {
    Planner planner = PlannerBuilder.preconfigured()
        .addIgnoreFile("app", IgnoreFile.parse("target\n"))
        .addDockerfileIgnoreFile("docker/app.Dockerfile", IgnoreFile.parse("*.log\n"))
        .setDockerfileFrontend(r -> {
          requests.add(r);
          return Optional.of(frontendAnswer(r));
        }).build();
    var build = new DockerBuild(Directory.host("app"), Directory.host("docker").file("app.Dockerfile"), "",
        new TreeMap<>(), List.of());
    planner.plan(Pipeline.of(Task.run("t", Container.build(build).withExec("true"))), List.of());

    DockerfileRequest r = requests.get(0);
    assertThat(r.context().op(0).getSource().getAttrsMap()).containsEntry("local.excludepatterns", "[\"*.log\"]");
    assertThat(r.dockerfileDirectory().op(0).getSource().getIdentifier()).isEqualTo("local://docker");
    assertThat(r.dockerfileDirectory().op(0).getSource().getAttrsMap())
        .containsEntry("local.includepattern", "[\"app.Dockerfile\"]");
    assertThat(r.dockerfile()).isEqualTo("app.Dockerfile");
    assertThat(r.location()).isEqualTo(SourceLocation.of(Path.of("docker/app.Dockerfile")));
  }

  @Test
  void laterStepsBuildOnTheFrontendsOpsWithItsImageConfig() {
    Plan plan = planner().plan(Pipeline.of(Task.run("t", app().withExec("cat", "/built"))), List.of());

    Definition run = plan.task("t").orElseThrow().targets().get(0).definition();
    Definition built = Definition.fromPb(frontendAnswer(requests.get(0)).definition());
    // the frontend's ops, byte for byte, then Kiln's exec on their result
    assertThat(run.digests()).containsAll(built.digests().subList(0, built.size()));
    Op exec = run.op(run.size() - 1);
    assertThat(exec.getInputs(0).getDigest()).isEqualTo(built.resultDigest());
    assertThat(exec.getExec().getMeta().getArgsList()).containsExactly("cat", "/built");
    assertThat(exec.getExec().getMeta().getEnvList()).containsExactly("FOO=bar", "PATH=/bin");
    assertThat(exec.getExec().getMeta().getCwd()).isEqualTo("/w");
    assertThat(plan.stepLocation(built.resultDigest()))
        .contains(new SourceLocation(Path.of("app/docker/Dockerfile"), 3, 0));
    assertThat(plan.task("t").orElseThrow().secrets()).containsExactly("npm");
  }

  @Test
  void aSharedBuildIsAskedForOnceAndPlansTheSameDigests() {
    Container base = app();
    Plan plan = planner().plan(Pipeline.of(Task.run("a", base.withExec("true")), Task.run("b", base.withExec("false"))),
        List.of());
    assertThat(requests).hasSize(1);
    Definition a = plan.task("a").orElseThrow().targets().get(0).definition();
    Definition b = plan.task("b").orElseThrow().targets().get(0).definition();
    assertThat(a.digests().subList(0, 2)).isEqualTo(b.digests().subList(0, 2));
  }

  @Test
  void aSubdirectoryContextIsCopiedToTheRoot() {
    Container c = Container.build(DockerBuild.of(Directory.host(".").directory("app"), "Dockerfile"));
    planner().plan(Pipeline.of(Task.run("t", c.withExec("true"))), List.of());
    Definition context = requests.get(0).context();
    Op copy = context.op(context.size() - 1);
    assertThat(copy.getFile().getActions(0).getCopy().getSrc()).isEqualTo("/app");
    assertThat(copy.getFile().getActions(0).getCopy().getDest()).isEqualTo("/");
    assertThat(copy.getFile().getActions(0).getCopy().getDirCopyContents()).isTrue();
  }

  @Test
  void withoutAFrontendThePlanSaysTheDockerfileWasNotBuilt() {
    Plan plan = PlannerBuilder.preconfigured().build().plan(Pipeline.of(Task.run("t", app().withExec("true"))),
        List.of());
    assertThat(plan.notes()).anyMatch(n -> n.startsWith("Dockerfile `app/docker/Dockerfile` was not built"));
  }

  @Test
  void anEmptyContextIsRefused() {
    Container c = Container.build(DockerBuild.of(Directory.empty(), "Dockerfile"));
    assertThatThrownBy(() -> planner().plan(Pipeline.of(Task.run("t", c.withExec("true"))), List.of()))
        .isInstanceOf(PlanException.class)
        .hasMessage("the build context of Dockerfile or the directory holding it is empty");
  }
}
