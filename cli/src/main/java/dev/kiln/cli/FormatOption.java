package dev.kiln.cli;

import picocli.CommandLine.Option;

/** The {@code --format text|json} option of the commands that can answer in JSON. */
final class FormatOption {
  @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT", converter = OutputFormat.Converter.class,
      description = "text or json (default: ${DEFAULT-VALUE}).")
  OutputFormat format;

  /** Whether the answer is JSON. */
  boolean json() {
    return format == OutputFormat.JSON;
  }
}
