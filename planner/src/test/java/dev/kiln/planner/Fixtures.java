package dev.kiln.planner;

import dev.kiln.model.CacheVolume;
import dev.kiln.model.Container;
import dev.kiln.model.ContainerOp;
import dev.kiln.model.Directory;
import dev.kiln.model.Pipeline;
import dev.kiln.model.Secret;
import dev.kiln.model.Task;
import java.util.List;
import java.util.Map;

/** Pipelines built in Java, standing in for the examples until the evaluator can load them. */
final class Fixtures {
  private Fixtures() {}

  static final String DIGEST = "sha256:" + "5b".repeat(32);

  /** Image configs as the engine would report them. */
  static ImageConfigs images() {
    return ImageConfigs.of(Map.of(
        "docker.io/library/eclipse-temurin:17",
        new ImageConfig(List.of("PATH=/opt/java/openjdk/bin:/usr/bin:/bin", "JAVA_HOME=/opt/java/openjdk"),
            "", "", List.of(), List.of("jshell"), DIGEST),
        "docker.io/library/eclipse-temurin:17-jre",
        new ImageConfig(List.of("JAVA_HOME=/opt/java/openjdk"), "/", "", List.of(), List.of(), ""),
        "docker.io/library/busybox:latest",
        new ImageConfig(List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
            "", "", List.of(), List.of("sh"), "")));
  }

  /** A typical Maven pipeline build with test, package (export) and image (publish). */
  static Pipeline maven() {
    Directory src = Directory.host(".", List.of(), List.of("target/", ".git/"));
    Container jdk = Container.from("eclipse-temurin:17")
        .withMountedCache("/root/.m2", new CacheVolume("m2"))
        .withDirectory("/src", src)
        .withWorkdir("/src");
    Container packaged = jdk.withExec("mvn", "-B", "-DskipTests", "package");
    Container image = Container.from("eclipse-temurin:17-jre")
        .withFile("/app.jar", packaged.file("/src/target/app.jar"))
        .with(new ContainerOp.WithEntrypoint(List.of("java", "-jar", "/app.jar")));
    return Pipeline.of(
        Task.run("test", jdk.withExec("mvn", "-B", "test")).withDescription("Runs the unit tests"),
        Task.run("package", packaged).withExport("/src/target/app.jar", "build/app.jar"),
        new Task("image", "", List.of("test"), null, List.of(), image,
            "registry.example.com/app:1.0", null),
        Task.run("deploy", Container.from("busybox")
                .withMountedSecret("/run/secrets/token", new Secret("deploy-token"))
                .withNewFile("/etc/deploy/target", "production\n")
                .withExec("sh", "-c", "deploy --token-file /run/secrets/token"))
            .withDependsOn("image"));
  }
}
