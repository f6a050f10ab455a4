package dev.kiln.cli;

/** {@code kiln run --progress}: how a run's progress is shown. */
enum ProgressMode {
  /** GitHub Actions groups when {@code GITHUB_ACTIONS=true}, a live view on a terminal, else plain. */
  AUTO,
  /** A live view, redrawn in place. */
  TTY,
  /** Lines as they come. */
  PLAIN,
  /** One JSON object per event. */
  JSON;

  /** Reads {@code --progress}. */
  static final class Converter extends EnumConverter<ProgressMode> {
    Converter() {
      super(ProgressMode.class);
    }
  }
}
