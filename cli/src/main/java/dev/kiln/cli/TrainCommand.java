package dev.kiln.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The launcher's training workload for the JVM's start-up archive (Java 25's AOT cache, or
 * AppCDS): validates, plans and runs a tiny pipeline in a temporary project, so the classes of
 * evaluation, planning, the engine connection, sessions and exports are all in the archive.
 * Without an engine the run part fails quickly and only its error path is trained. With
 * {@code --cached}, only what commands do when the evaluation cache answers (no Pkl), for the
 * launcher's second archive. Hidden.
 */
@Command(name = "__train", hidden = true, description = "Trains the start-up archive (used by the launcher).")
final class TrainCommand implements Callable<Integer> {
  static final String PIPELINE = """
      amends ".kiln/schema/Pipeline.pkl"

      local class TrainParams extends Params {
        greeting: String = "hello"
        count: Int = 2
        loud: Boolean = false
      }
      params = new TrainParams {}
      hostEnv { "KILN_TRAIN_UNSET" }

      local source = host.directory("src").excluding(List("*.tmp")).including(List("**"))
      local written = container.scratch()
        .withDirectory("/in", source)
        .withNewFile("/out/greeting.txt", params.greeting)

      // Planned, never run: every kind of operation, so that loading a cached evaluation and
      // planning it find their classes in the archive.
      local shapes = container.scratch()
        .withEnvVariable("COUNT", params.count.toString())
        .withoutEnvVariable("UNUSED")
        .withWorkdir("/work")
        .withUser("1000")
        .withEntrypoint(List("/bin/tool"))
        .withDefaultArgs(List("--help"))
        .withFile("/work/greeting.txt", written.file("/out/greeting.txt"))
        .withDirectory("/work/sub", emptyDirectory().withNewFile("a.txt", "a").withFile("b.txt", written.file("/out/greeting.txt"))
          .withDirectory("c", source).without("a.txt"))
        .withMountedCache("/cache", cacheVolume("train"))
        .withMountedSecret("/run/secrets/token", envSecret("token", "KILN_TRAIN_TOKEN"))
        .withMountedSecret("/run/secrets/file-token", fileSecret("file-token", "src/input.txt"))
        .withMountedDirectory("/mnt", written.directory("/out"))
        .withMountedTemp("/tmp")
        .withExec(List("/bin/tool", "build"))
        .withoutMount("/tmp")
        .withoutPath("/work/greeting.txt")
      local app = container.scratch().withDirectory("/app", shapes.directory("/work"))

      tasks {
        ["write"] {
          description = "Writes a file from a host file"
          run = written
          exports { ["/out"] = "build/out" }
        }
        ["shapes"] {
          dependsOn { "write" }
          run = shapes
          results { "version" }
        }
        ["publish"] {
          dependsOn { "shapes" }
          publish = app
          ref = "127.0.0.1:5000/kiln/train:latest"
        }
      }
      """;

  @Option(names = "--project", paramLabel = "DIR",
      description = "Where the training project goes (kept, for --cached); default: a temporary directory.")
  Path kept;

  @Option(names = "--cached", description = "Only what a run whose evaluation is cached does, in the --project"
      + " an earlier training left (for the launcher's second archive, without Pkl's classes).")
  boolean cached;

  @Override
  public Integer call() throws IOException {
    Path project = kept != null ? kept : Files.createTempDirectory("kiln-train");
    try {
      if (!cached) {
        Files.createDirectories(project.resolve("src"));
        Files.writeString(project.resolve("pipeline.pkl"), PIPELINE);
        Files.writeString(project.resolve("src/input.txt"), "input\n");
      }
      String file = project.resolve("pipeline.pkl").toString();
      String[][] commands = cached
          ? new String[][] {{"validate", file}, {"list", "-f", file}, {"plan", "-f", file},
              {"run", "-f", file, "--progress", "plain", "write"}, {"engine", "du"}}
          : new String[][] {{"validate", file}, {"list", "-f", file}, {"plan", "-f", file},
              {"run", "-f", file, "--progress", "plain", "write"},
              {"run", "-f", file, "--progress", "plain", "write"}};
      // A build on a CI runner trains too: its runs must not write to the job's step summary.
      Map<String, String> quiet = new HashMap<>(System.getenv());
      quiet.remove("GITHUB_STEP_SUMMARY");
      for (String[] args : commands) {
        StringWriter sink = new StringWriter();
        int rc = Kiln.commandLine(new PrintWriter(sink), new PrintWriter(sink), args, quiet).execute(args);
        if (System.getenv("KILN_TRAIN_DEBUG") != null) {
          System.err.println(String.join(" ", args) + " -> " + rc + "\n" + sink);
        }
      }
      return ExitCodes.OK;
    } finally {
      if (kept == null) {
        try (Stream<Path> files = Files.walk(project)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }
}
