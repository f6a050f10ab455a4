package dev.kiln.cli;

import dev.kiln.evaluator.PklPackages;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kiln package}: builds a library of Pkl modules into a package to publish. */
@Command(name = "package", description = "Build the Pkl library in DIR (a PklProject with a `package` section)"
    + " into a package to publish: its metadata and zip, reproducible (same sources, same checksum).",
    footerHeading = Kiln.EXAMPLES,
    footer = {
      "  # the library in ./ into .out/NAME@VERSION/: upload NAME@VERSION to the",
      "  # package URI's https URL, NAME@VERSION.zip to packageZipUrl",
      "  kiln package",
      "  kiln package libs/java-service -o dist"
    })
final class PackageCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "DIR", description = "The library's directory (default: .).")
  Path dir = Path.of(".");

  @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Where to write the package: OUT/NAME@VERSION/ (default: DIR/.out).")
  Path output;

  @Option(names = "--kiln", description = "Build Kiln's own package instead (its schema and standard library,"
      + " package://pkg.kiln.dev/kiln at this Kiln's schema version), which PklProjects pin as `kiln`.")
  boolean kiln;

  @Override
  public Integer call() {
    Path outDir = output != null ? output : dir.resolve(".out");
    PklPackages.Packaged p = kiln ? PklPackages.packKiln(outDir) : PklPackages.pack(dir, outDir);
    PrintWriter out = spec.commandLine().getOut();
    out.println("kiln package: " + p.packageUri() + "  sha256:" + p.sha256());
    out.println("  metadata " + p.metadata());
    out.println("  zip      " + p.zip());
    out.flush();
    return ExitCodes.OK;
  }
}
