package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testsupport.PluginJars;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The project's own plugin jars run only with the user's consent, given outside the project: a
 * branch that adds or changes a jar cannot make {@code kiln validate} (a pre-commit hook) run it.
 */
class TrustTest {
  @TempDir Path project;
  @TempDir Path config;
  @TempDir Path elsewhere;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final Map<String, String> env = new HashMap<>();
  private Path marker;
  private Path pipeline;

  @BeforeEach
  void projectWithAPluginThatLeavesAMark() throws Exception {
    env.put("KILN_CONFIG_DIR", config.toString());
    marker = elsewhere.resolve("plugin-ran");
    plugin(project.resolve(".kiln/plugins"), "one");
    pipeline = Files.writeString(project.resolve("pipeline.pkl"), """
        amends ".kiln/schema/Pipeline.pkl"
        local busybox = container.from("busybox:latest")
        tasks { ["a"] { run = busybox.withExec(List("true")) } }
        """);
  }

  /** A plugin whose code, run when Kiln loads it, writes {@code marker}. */
  private Path plugin(Path dir, String version) throws Exception {
    return PluginJars.function(dir, "mark.jar", "Mark",
        "mark(\"" + version + "\")",
        "return null; } private static dev.kiln.function.Signature mark(String v) {"
            + " try { java.nio.file.Files.writeString(java.nio.file.Path.of(\"" + marker + "\"), v); }"
            + " catch (java.io.IOException e) { throw new RuntimeException(e); }"
            + " return dev.kiln.function.Signature.builder(\"mark\", \"it\").returns(dev.kiln.function.ValueType.STRING).build();");
  }

  /** Runs kiln with {@link #env} as the environment trust is read from. */
  private int kiln(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    CommandLine cl = Kiln.commandLine(new PrintWriter(out, true), new PrintWriter(err, true), args);
    Object command = cl.getSubcommands().get(args[0]).getCommand();
    PipelineOptions options = command instanceof ValidateCommand v ? v.options
        : command instanceof TrustCommand t ? t.options : null;
    if (options != null) {
      options.plugins.environment = env;
    }
    return cl.execute(args);
  }

  @Test
  void validateRefusesAnUntrustedJarWithoutRunningIt() {
    assertThat(kiln("validate", pipeline.toString())).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("mark.jar: error: plugin jar mark.jar is not trusted")
        .contains("hint: if you trust this project as it is, run `kiln trust`").contains("--trust")
        .contains("KILN_TRUST=1").contains("--plugins DIR");
    assertThat(marker).doesNotExist();
  }

  @Test
  void kilnTrustRemembersTheJarUntilItChanges() throws Exception {
    assertThat(kiln("trust", "-f", pipeline.toString())).as(err.toString()).isZero();
    assertThat(out.toString()).contains("plugin .kiln/plugins/mark.jar sha256:");
    assertThat(config.resolve("trusted.json")).exists();
    Files.deleteIfExists(marker);

    assertThat(kiln("validate", pipeline.toString())).as(err.toString()).isZero();
    assertThat(marker).hasContent("one");

    Files.delete(marker);
    plugin(project.resolve(".kiln/plugins"), "two"); // what a branch under review could do
    assertThat(kiln("validate", pipeline.toString())).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("plugin jar mark.jar is not trusted");
    assertThat(marker).doesNotExist();

    assertThat(kiln("trust", "-f", pipeline.toString())).isZero();
    assertThat(kiln("trust", "-f", pipeline.toString(), "--revoke")).isZero();
    assertThat(kiln("validate", pipeline.toString())).isEqualTo(ExitCodes.INVALID);
  }

  @Test
  void theFlagTheVariableAndANamedDirectoryAreConsent() throws Exception {
    assertThat(kiln("validate", "--trust", pipeline.toString())).as(err.toString()).isZero();
    assertThat(marker).hasContent("one");

    Files.delete(marker);
    env.put("KILN_TRUST", "1");
    assertThat(kiln("validate", pipeline.toString())).as(err.toString()).isZero();
    assertThat(marker).exists();

    env.remove("KILN_TRUST");
    Files.move(project.resolve(".kiln/plugins/mark.jar"), Files.createDirectories(elsewhere.resolve("jars"))
        .resolve("mark.jar"));
    assertThat(kiln("validate", "--plugins", elsewhere.resolve("jars").toString(), pipeline.toString()))
        .as(err.toString()).isZero();
  }

  @Test
  void theStoreKeepsEachProjectApart() throws Exception {
    TrustStore store = new TrustStore(config.resolve("trusted.json"));
    store.put(project, new TrustStore.Entry(Map.of("a.jar", "00"), Set.of("pass show token")));
    store.put(elsewhere, new TrustStore.Entry(Map.of("b.jar", "11"), Set.of()));
    assertThat(store.get(project).commands()).containsExactly("pass show token");
    assertThat(store.get(elsewhere).plugins()).containsEntry("b.jar", "11");
    store.put(project, TrustStore.Entry.NONE);
    assertThat(store.get(project)).isEqualTo(TrustStore.Entry.NONE);
    Files.writeString(config.resolve("trusted.json"), "{ not json");
    assertThat(store.get(elsewhere)).isEqualTo(TrustStore.Entry.NONE); // unreadable: nothing trusted
  }
}
