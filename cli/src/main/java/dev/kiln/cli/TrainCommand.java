package dev.kiln.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * The launcher's training workload for the JVM's start-up archive (Java 25's AOT cache, or
 * AppCDS): validates, plans and runs a tiny pipeline in a temporary project, so the classes of
 * evaluation, planning, the engine connection, sessions and exports are all in the archive.
 * Without an engine the run part fails quickly and only its error path is trained. Hidden.
 */
@Command(name = "__train", hidden = true, description = "Trains the start-up archive (used by the launcher).")
final class TrainCommand implements Callable<Integer> {
  static final String PIPELINE = """
      amends ".kiln/schema/Pipeline.pkl"

      local source = host.directory("src")
      local written = container.scratch()
        .withDirectory("/in", source)
        .withNewFile("/out/greeting.txt", "hello")

      tasks {
        ["write"] {
          description = "Writes a file from a host file"
          run = written
          exports { ["/out"] = "build/out" }
        }
      }
      """;

  @Override
  public Integer call() throws IOException {
    Path project = Files.createTempDirectory("kiln-train");
    try {
      Files.writeString(project.resolve("pipeline.pkl"), PIPELINE);
      Files.createDirectories(project.resolve("src"));
      Files.writeString(project.resolve("src/input.txt"), "input\n");
      String file = project.resolve("pipeline.pkl").toString();
      for (String[] args : new String[][] {
          {"validate", file}, {"list", "-f", file}, {"plan", "-f", file}, {"run", "-f", file, "--progress", "plain"}}) {
        StringWriter sink = new StringWriter();
        int rc = Kiln.commandLine(new PrintWriter(sink), new PrintWriter(sink)).execute(args);
        if (System.getenv("KILN_TRAIN_DEBUG") != null) {
          System.err.println(String.join(" ", args) + " -> " + rc + "\n" + sink);
        }
      }
      return ExitCodes.OK;
    } finally {
      try (Stream<Path> files = Files.walk(project)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
