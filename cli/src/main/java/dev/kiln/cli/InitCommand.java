package dev.kiln.cli;

import dev.kiln.evaluator.KilnSchema;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kiln init}: a starter {@code pipeline.pkl}, the schema under {@code .kiln/schema/}, which
 * editors resolve offline, and the project's {@code .gitignore} entries for what Kiln writes.
 */
@Command(name = "init", description = "Create a starter pipeline.pkl, write Kiln's schema to .kiln/schema/ for"
    + " editors, and add what Kiln writes (build/, .kiln/ but its plugins/) to .gitignore. Re-run to update the"
    + " schema; an existing pipeline.pkl is kept.",
    footerHeading = Kiln.EXAMPLES,
    footer = {
      "  # a starter pipeline.pkl, .kiln/schema/ and .gitignore entries here",
      "  kiln init",
      "  # after upgrading Kiln: the schema editors read, for this Kiln",
      "  kiln init --schema-only",
      "  # a new project in its own directory",
      "  kiln init services/api"
    })
final class InitCommand implements Callable<Integer> {
  static final String STARTER = """
      /// Kiln pipeline: `kiln list` shows the tasks, `kiln run` runs them.
      amends ".kiln/schema/Pipeline.pkl"

      local class BuildParams extends Params {
        /// Who to greet.
        name: String = "world"
      }
      params = new BuildParams {}

      local busybox = container.from("busybox:latest")

      tasks {
        ["hello"] {
          description = "Writes a greeting to build/hello.txt"
          run = busybox.withExec(List("sh", "-c", "mkdir -p /out && echo 'hello, \\(params.name)' > /out/hello.txt"))
          exports { ["/out/hello.txt"] = "build/hello.txt" }
        }
      }
      """;

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DIR", arity = "0..1", defaultValue = ".", description = "The project directory (default: .).")
  Path dir;

  @Option(names = "--schema-only", description = "Only write (or update) .kiln/schema/.")
  boolean schemaOnly;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Files.createDirectories(dir);
    SchemaCommand.write(dir, new PluginOptions().registry(dir), out);
    KilnIgnore.ensure(dir);
    Path pipeline = dir.resolve("pipeline.pkl");
    if (!schemaOnly) {
      List<String> ignored = KilnIgnore.addToProject(dir);
      if (!ignored.isEmpty()) {
        out.println("added " + String.join(", ", ignored) + " to " + dir.resolve(".gitignore"));
      }
      if (Files.exists(pipeline)) {
        out.println("kept " + pipeline + " (it exists)");
      } else {
        Files.writeString(pipeline, STARTER);
        out.println("wrote " + pipeline + "; try: kiln validate " + pipeline);
      }
    }
    out.flush();
    return ExitCodes.OK;
  }
}
