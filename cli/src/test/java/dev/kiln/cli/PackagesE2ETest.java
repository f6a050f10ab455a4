package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testsupport.PackageServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A team's library of Pkl modules, packed with {@code kiln package}, served from a loopback HTTPS
 * server with a test CA, pinned with {@code kiln deps resolve}, used by a pipeline on the real
 * engine offline, and upgraded to a new version the way a user does it.
 */
@Tag("e2e")
class PackagesE2ETest extends KilnInProcess {
  private static final Pattern SHA = Pattern.compile("sha256:([0-9a-f]{64})");

  @TempDir Path dir;

  @BeforeAll
  static void engineIsThere() {
    DockerEngine.require();
  }

  @Test
  void aPipelineRunsALibraryPackageOfflineAndUpgradesIt() throws Exception {
    try (PackageServer server = PackageServer.start(Files.createDirectories(dir.resolve("tls")))) {
      publish(server, "1.0.0", "built the team way");
      Path app = Files.createDirectories(dir.resolve("app"));
      Path projectFile = Files.writeString(app.resolve("PklProject"), """
          amends "pkl:Project"

          dependencies {
            ["team"] { uri = "package://localhost:%d/team/java-service@1.0.0" }
          }
          """.formatted(server.port()));
      Path pipeline = Files.writeString(app.resolve("pipeline.pkl"), """
          amends ".kiln/schema/Pipeline.pkl"
          import "@team/JavaService.pkl"

          tasks {
            ["build"] {
              run = JavaService.stamp(module.container.from("busybox:latest"))
              exports { ["/out/stamp.txt"] = "build/stamp.txt" }
            }
          }
          """);
      String ca = server.caCertificate().toString();

      assertThat(kiln("deps", "resolve", "-f", pipeline.toString(), "--ca-cert", ca)).as(err.toString()).isZero();
      assertThat(out.toString()).contains("1 package pinned", "java-service@1.0.0  sha256:");
      int requests = server.requests();
      assertThat(kiln("run", "-f", pipeline.toString(), "--progress", "plain")).as(out + "\n" + err).isZero();
      assertThat(app.resolve("build/stamp.txt")).hasContent("built the team way");
      assertThat(server.requests()).as("requests during the run").isEqualTo(requests);

      // The upgrade: a new version is published, the user bumps the pin and resolves again.
      publish(server, "1.1.0", "built the team way, v1.1");
      Files.writeString(projectFile, Files.readString(projectFile).replace("@1.0.0", "@1.1.0"));
      assertThat(kiln("run", "-f", pipeline.toString(), "--progress", "plain")).isEqualTo(2);
      assertThat(err.toString()).contains("PklProject.deps.json").contains("kiln deps resolve");

      assertThat(kiln("deps", "resolve", "-f", pipeline.toString(), "--ca-cert", ca)).as(err.toString()).isZero();
      assertThat(Files.readString(app.resolve("PklProject.deps.json"))).contains("java-service@1.1.0")
          .doesNotContain("@1.0.0");
      assertThat(kiln("run", "-f", pipeline.toString(), "--progress", "plain")).as(out + "\n" + err).isZero();
      assertThat(app.resolve("build/stamp.txt")).hasContent("built the team way, v1.1");

      // An import of a package the PklProject does not declare: located, with a hint, exit 2.
      Files.writeString(pipeline, Files.readString(pipeline).replace("@team/", "@platform/"));
      assertThat(kiln("validate", "-f", pipeline.toString())).isEqualTo(2);
      assertThat(err.toString()).contains("pipeline.pkl:2:8").contains("`platform`");
    }
  }

  /** Packs the library at {@code version} with {@code kiln package} and serves it. */
  private void publish(PackageServer server, String version, String stamp) throws IOException {
    Path lib = Files.createDirectories(dir.resolve("lib"));
    Files.writeString(lib.resolve("PklProject"), server.libraryProject("team/java-service", version));
    Files.writeString(lib.resolve("JavaService.pkl"), """
        /// The team's standard steps.
        module team.JavaService

        /// Writes the team's stamp to /out/stamp.txt in [base].
        function stamp(base) = base.withExec(List("sh", "-c", "mkdir -p /out && printf '%s' > /out/stamp.txt"))
        """.formatted(stamp));
    Path outDir = dir.resolve("dist");
    assertThat(kiln("package", lib.toString(), "-o", outDir.toString())).as(err.toString()).isZero();
    Matcher sha = SHA.matcher(out.toString());
    assertThat(sha.find()).as(out.toString()).isTrue();
    Path pkg = outDir.resolve("java-service@" + version);
    server.put("/team/java-service@" + version, pkg.resolve("java-service@" + version));
    server.put("/team/java-service@" + version + ".zip", pkg.resolve("java-service@" + version + ".zip"));
  }
}
