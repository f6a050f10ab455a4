package dev.kiln.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.executor.engine.EngineInfo;
import dev.kiln.executor.engine.EngineKind;
import dev.kiln.model.RemoteCache;
import dev.kiln.planner.EngineCapabilities;
import dev.kiln.planner.ImageConfig;
import dev.kiln.planner.Plan;
import dev.kiln.planner.PlannedTarget;
import dev.kiln.planner.PlannedTask;
import dev.kiln.planner.llb.Definition;
import dev.kiln.planner.llb.ImageRef;
import dev.kiln.planner.llb.Marshaller;
import dev.kiln.planner.llb.Platform;
import dev.kiln.planner.llb.Sources;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class FleetCachesTest {
  private static final EngineInfo DOCKER = new EngineInfo(EngineKind.DOCKER, "docker://", "20.10.24", "v0.8.2",
      List.of(), Set.of(), Map.of(), List.of("moby", "local"), List.of("registry", "local"), List.of("inline"), Map.of());
  private static final EngineInfo BUILDKITD = new EngineInfo(EngineKind.BUILDKITD, "tcp://b:1234", null, "v0.13.0",
      List.of(), Set.of(), Map.of(), List.of("image", "local"), List.of("registry", "local"),
      List.of("registry", "local", "inline"), Map.of());
  private static final Definition DEF = new Marshaller().marshal(Sources.image(ImageRef.parse("busybox:latest"),
      Platform.LINUX_AMD64));

  private static PlannedTask task(String name, String... dependsOn) {
    return new PlannedTask(name, "", List.of(dependsOn), true,
        List.of(new PlannedTarget(PlannedTarget.Kind.RUN, "", "", DEF, ImageConfig.EMPTY)), new TreeSet<>(),
        new TreeSet<>());
  }

  private static final Plan PLAN = new Plan(List.of(task("a"), task("b"), task("join", "a", "b")),
      EngineCapabilities.dockerV20_10(), List.of());

  private static List<String> refs(List<RemoteCache> caches) {
    return caches.stream().map(c -> ((RemoteCache.Registry) c).ref()).toList();
  }

  @Test
  void onInlineOnlyEnginesATaskImportsTheResultsOfDependenciesThatRanElsewhereAndPushesItsOwn() {
    FleetCaches caches = new FleetCaches(Optional.of("127.0.0.1:5000/fleet/"), "proj:00", PLAN);
    PlannedTask join = PLAN.tasks().get(2);
    List<String> imports = refs(caches.imports(join, "e2", DOCKER, Map.of("a", "e1", "b", "e2"), false));
    assertEquals(1, imports.size(), imports.toString());
    assertTrue(imports.get(0).matches("127\\.0\\.0\\.1:5000/fleet/p[0-9a-f]{16}:cache-a-result"), imports.toString());
    assertTrue(caches.pushesResult(join, DOCKER));
    assertEquals(List.of(), caches.exports(DOCKER));
    // after a failover, also its own last result
    assertEquals(List.of(caches.result(PLAN.tasks().get(0)).ref()),
        refs(caches.imports(PLAN.tasks().get(0), "e2", DOCKER, Map.of(), true)));
  }

  @Test
  void enginesThatExportRegistryCachesShareModeMaxAndPushNoResult() {
    FleetCaches caches = new FleetCaches(Optional.of("r.example/fleet"), "proj:00", PLAN);
    PlannedTask join = PLAN.tasks().get(2);
    assertFalse(caches.pushesResult(join, BUILDKITD));
    List<RemoteCache> exports = caches.exports(BUILDKITD);
    assertEquals(RemoteCache.Mode.MAX, ((RemoteCache.Registry) exports.get(0)).mode());
    List<String> imports = refs(caches.imports(join, "e1", BUILDKITD, Map.of("a", "e1", "b", "e1"), false));
    assertTrue(imports.stream().anyMatch(r -> r.endsWith(":cache-join-0")), imports.toString());
    assertTrue(imports.stream().anyMatch(r -> r.endsWith(":cache-a-0")), imports.toString());
    assertTrue(imports.stream().noneMatch(r -> r.endsWith("-result")), imports.toString());
  }

  @Test
  void withoutARegistryTheFleetUsesNone() {
    FleetCaches caches = new FleetCaches(Optional.empty(), "proj:00", PLAN);
    assertFalse(caches.enabled());
    assertEquals(List.of(), caches.imports(PLAN.tasks().get(2), "e1", DOCKER, Map.of(), true));
    assertFalse(caches.pushesResult(PLAN.tasks().get(0), DOCKER));
  }
}
