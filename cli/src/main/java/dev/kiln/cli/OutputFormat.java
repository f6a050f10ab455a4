package dev.kiln.cli;

/** {@code --format} of the commands that print text for people or JSON for tools. */
enum OutputFormat {
  TEXT,
  JSON;

  /** Reads {@code --format}. */
  static final class Converter extends EnumConverter<OutputFormat> {
    Converter() {
      super(OutputFormat.class);
    }
  }
}
