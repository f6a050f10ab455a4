package dev.kiln.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.model.CacheVolume;
import dev.kiln.model.Container;
import dev.kiln.model.ContainerOp;
import dev.kiln.model.Directory;
import dev.kiln.model.Healthcheck;
import dev.kiln.model.Pipeline;
import dev.kiln.model.Secret;
import dev.kiln.model.Service;
import dev.kiln.model.Task;
import dev.kiln.planner.llb.Definition;
import dev.kiln.planner.llb.pb.HostIP;
import dev.kiln.planner.llb.pb.Op;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServicePlanningTest {
  private final Planner planner = PlannerBuilder.preconfigured().setImageConfigs(Fixtures.images()).build();

  private static Service web(String page) {
    Container c = Container.from("busybox").withNewFile("/www/index.html", page)
        .with(new ContainerOp.WithDefaultArgs(List.of("httpd", "-f", "-p", "8080", "-h", "/www")));
    return new Service(c, List.of(8080), null);
  }

  private static Container client(Service service) {
    return Container.from("busybox").with(new ContainerOp.WithServiceBinding("web", service))
        .withExec("wget", "-O-", "http://web:8080/");
  }

  private static Op bindingExec(Definition def) {
    for (int i = def.size() - 1; i >= 0; i--) {
      if (def.op(i).hasExec()) {
        return def.op(i);
      }
    }
    throw new AssertionError("no exec");
  }

  private static PlannedTask task(Plan plan, String name) {
    return plan.task(name).orElseThrow();
  }

  @Test
  void aBindingStepNamesTheServiceAtAPlaceholderAndTheServiceIsPlannedOnce() {
    Service web = web("hello");
    Plan plan = planner.plan(Pipeline.of(Task.run("a", client(web)),
        Task.run("b", client(web).withExec("echo", "again"))), List.of());
    PlannedService a = task(plan, "a").services().get(0);
    assertThat(task(plan, "b").services()).containsExactly(a);
    assertThat(a.name()).isEqualTo("web");
    assertThat(a.args()).containsExactly("httpd", "-f", "-p", "8080", "-h", "/www");
    assertThat(a.healthcheck()).isEqualTo(new Healthcheck.Port(8080, Healthcheck.DEFAULT_TIMEOUT));
    List<HostIP> hosts = bindingExec(task(plan, "a").targets().get(0).definition()).getExec().getMeta()
        .getExtraHostsList();
    assertThat(hosts).extracting(HostIP::getHost).containsExactly("web", a.cacheKeyHost());
    assertThat(hosts).extracting(HostIP::getIP).containsOnly(a.placeholder());
  }

  @Test
  void theServicesDefinitionIsInTheBindingStepsKeyItsAddressIsNot() {
    Definition hello = task(planner.plan(Pipeline.of(Task.run("t", client(web("hello")))), List.of()), "t")
        .targets().get(0).definition();
    Definition bye = task(planner.plan(Pipeline.of(Task.run("t", client(web("bye")))), List.of()), "t")
        .targets().get(0).definition();
    // the step's /etc/hosts names differ with the service (BuildKit keys by names)...
    assertThat(bindingExec(hello).getExec().getMeta().getExtraHosts(1).getHost())
        .isNotEqualTo(bindingExec(bye).getExec().getMeta().getExtraHosts(1).getHost());
    // ...and planning is deterministic: the same pipeline plans the same bytes
    Definition again = task(planner.plan(Pipeline.of(Task.run("t", client(web("hello")))), List.of()), "t")
        .targets().get(0).definition();
    assertThat(again.toByteArray()).isEqualTo(hello.toByteArray());
    // the executor puts the run's address in place of the placeholder; nothing else changes
    PlannedService service = task(planner.plan(Pipeline.of(Task.run("t", client(web("hello")))), List.of()), "t")
        .services().get(0);
    Definition addressed = hello.withHostAddresses(Map.of(service.placeholder(), "172.17.0.5"));
    assertThat(bindingExec(addressed).getExec().getMeta().getExtraHostsList()).extracting(HostIP::getIP)
        .containsOnly("172.17.0.5");
    assertThat(addressed.plannedDigest(addressed.resultDigest())).isEqualTo(hello.resultDigest());
    assertThat(addressed.digests().subList(0, 1)).isEqualTo(hello.digests().subList(0, 1));
  }

  @Test
  void severalServicesPerStepAndACommandHealthcheck() {
    Service db = new Service(Container.from("busybox")
        .with(new ContainerOp.WithDefaultArgs(List.of("sleep", "100"))), List.of(5432),
        new Healthcheck.Command(List.of("true"), Duration.ofSeconds(5)));
    Container c = Container.from("busybox").with(new ContainerOp.WithServiceBinding("web", web("x")))
        .with(new ContainerOp.WithServiceBinding("db", db)).withExec("true");
    PlannedTask t = task(planner.plan(Pipeline.of(Task.run("t", c)), List.of()), "t");
    assertThat(t.services()).extracting(PlannedService::name).containsExactlyInAnyOrder("web", "db");
    assertThat(t.services()).filteredOn(s -> s.name().equals("db")).first()
        .extracting(PlannedService::healthcheck).isEqualTo(new Healthcheck.Command(List.of("true"), Duration.ofSeconds(5)));
    assertThat(bindingExec(t.targets().get(0).definition()).getExec().getMeta().getExtraHostsList())
        .extracting(HostIP::getHost).contains("web", "db");
  }

  @Test
  void aServiceWithoutACommandIsAPlanError() {
    Service none = new Service(Container.from("eclipse-temurin:17-jre"), List.of(80), null);
    assertThatThrownBy(() -> planner.plan(Pipeline.of(Task.run("t", client(none))), List.of()))
        .isInstanceOf(PlanException.class).hasMessageContaining("service `web` has no command");
  }

  @Test
  void aServiceHasMountsAndSecretVariablesByNameAndTheBindingTaskServesTheirSecrets() {
    Container c = Container.from("busybox").withMountedCache("/cache", new CacheVolume("svc-cache"))
        .withMountedSecret("/run/secrets/tok", new Secret("tok"))
        .with(new ContainerOp.WithMountedDirectory("/site", Directory.host("site")))
        .with(new ContainerOp.WithSecretVariable("PASSWORD", new Secret("pw")))
        .with(new ContainerOp.WithDefaultArgs(List.of("httpd", "-f", "-p", "8080", "-h", "/site")));
    Plan plan = planner.plan(Pipeline.of(Task.run("t", client(new Service(c, List.of(8080), null)))), List.of());
    PlannedService s = task(plan, "t").services().get(0);
    assertThat(s.mounts()).extracting(m -> m.mount().dest()).containsExactly("/cache", "/run/secrets/tok", "/site");
    assertThat(s.mounts().get(2).source()).as("the host directory, solved on its own").isNotNull();
    assertThat(s.secretEnv()).extracting(e -> e.name() + "=" + e.id()).containsExactly("PASSWORD=pw");
    assertThat(task(plan, "t").secrets()).containsExactly("pw", "tok");
    assertThat(task(plan, "t").cacheVolumes()).contains("svc-cache");
    // another secret variable makes another service, so the binding step's key changes with it
    Container other = c.with(new ContainerOp.WithSecretVariable("PASSWORD", new Secret("pw2")));
    Plan changed = planner.plan(Pipeline.of(Task.run("t", client(new Service(other, List.of(8080), null)))), List.of());
    assertThat(task(changed, "t").services().get(0).id()).isNotEqualTo(s.id());
  }
}
