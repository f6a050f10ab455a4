package dev.kiln.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kiln deps ...}: the Pkl packages (team libraries) a pipeline's PklProject declares. */
@Command(
    name = "deps",
    description = "The Pkl packages the pipeline's PklProject declares (libraries imported as @name/...).",
    footerHeading = Kiln.EXAMPLES,
    footer = {
      "  # pin the packages in PklProject.deps.json, download them to .kiln/packages/",
      "  kiln deps resolve",
      "  # a server with a private CA; also fill ~/.pkl/cache for editors",
      "  kiln deps resolve --ca-cert company-ca.pem --editor-cache"
    },
    subcommands = {DepsResolveCommand.class})
final class DepsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
