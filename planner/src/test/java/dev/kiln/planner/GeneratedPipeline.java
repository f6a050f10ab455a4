package dev.kiln.planner;

import dev.kiln.model.CacheVolume;
import dev.kiln.model.Container;
import dev.kiln.model.ContainerOp;
import dev.kiln.model.Directory;
import dev.kiln.model.Pipeline;
import dev.kiln.model.Secret;
import dev.kiln.model.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A large, realistic pipeline for the plan benchmark: a monorepo of modules, each with a build,
 * a test and (every tenth) a publish task, sharing toolchain prefixes, cache volumes, host
 * directories filtered by module, and dependencies on earlier modules.
 */
final class GeneratedPipeline {
  private GeneratedPipeline() {}

  static Pipeline of(int tasks) {
    Directory repo = Directory.host(".", List.of(), List.of("**/target/", ".git/"));
    Container[] toolchains = {
      Container.from("eclipse-temurin:17").withMountedCache("/root/.m2", new CacheVolume("m2")).withWorkdir("/src"),
      Container.from("node:20").withMountedCache("/root/.npm", new CacheVolume("npm")).withWorkdir("/src"),
      Container.from("golang:1.22").withMountedCache("/go/pkg/mod", new CacheVolume("gomod")).withWorkdir("/src"),
    };
    var map = new TreeMap<String, Task>();
    int module = 0;
    while (map.size() < tasks) {
      String m = String.format("m%04d", module);
      Container tool = toolchains[module % toolchains.length];
      Container built = tool
          .withEnv("MODULE", m)
          .with(new ContainerOp.WithDirectory(".", repo.directory("modules/" + m), List.of(), List.of("*.md"), ""))
          .withFile("build.conf", repo.file("build.conf"))
          .withNewFile("VERSION", "1.0." + module + "\n")
          .withExec("make", "build", "MODULE=" + m);
      var deps = new ArrayList<String>();
      if (module > 0) {
        deps.add(String.format("m%04d-build", module - 1));
      }
      if (module > 10) {
        deps.add(String.format("m%04d-test", module - 10));
      }
      add(map, new Task(m + "-build", "builds " + m, deps, built, List.of(
          new Task.Export("/src/out", "build/" + m)), null, "", null), tasks);
      add(map, Task.run(m + "-test", built.withExec("make", "test")).withDependsOn(m + "-build"), tasks);
      if (module % 10 == 0) {
        Container image = Container.from("debian:bookworm")
            .withFile("/usr/local/bin/app", built.file("/src/out/app"))
            .with(new ContainerOp.WithMountedSecret("/run/secrets/npmrc", new Secret("registry-token")))
            .with(new ContainerOp.WithEntrypoint(List.of("/usr/local/bin/app")));
        add(map, new Task(m + "-publish", "", List.of(m + "-test"), null, List.of(), image,
            "registry.example.com/" + m + ":1.0", null), tasks);
      }
      module++;
    }
    return new Pipeline(map);
  }

  private static void add(TreeMap<String, Task> map, Task t, int limit) {
    if (map.size() < limit) {
      map.put(t.name(), t);
    }
  }
}
