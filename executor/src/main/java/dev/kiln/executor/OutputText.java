package dev.kiln.executor;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Text a run got from its tasks (step output, step names, errors, results) as any output may show
 * it: secrets masked, and nothing a terminal or a CI runner would act on. Colours (SGR sequences)
 * stay, reset at the end of each line; every other escape sequence (cursor movement, clearing the
 * screen, OSC titles and links, device strings) and control character is dropped; a lone carriage
 * return ends the line (so that it cannot overwrite the task's prefix); and GitHub workflow
 * commands ({@code ::name::} at a line's start, {@code ##[name]} anywhere) get a zero-width space
 * between their two marks, so the runner does not run them while people read the same text.
 * Secrets are masked before (a value may hold control characters) and again after (dropping a
 * sequence could join a value's two halves).
 */
public final class OutputText implements UnaryOperator<String> {
  private static final char ESC = '\033';
  /** Splits a workflow command's marks: not whitespace to the runner, so not trimmed; invisible. */
  static final char SPLIT = '\u200b';
  private static final String RESET = ESC + "[0m";

  private final SecretMasker masker;

  private OutputText(SecretMasker masker) {
    this.masker = Objects.requireNonNull(masker, "masker");
  }

  /** Output text with {@code masker}'s secrets masked. */
  public static OutputText of(SecretMasker masker) {
    return new OutputText(masker);
  }

  /** Neutralised output text for a run without secrets. */
  public static OutputText unmasked() {
    return new OutputText(SecretMasker.none());
  }

  @Override
  public String apply(String text) {
    return text == null ? null : masked(masker.apply(text));
  }

  /** {@code text}, which the masker has seen already, neutralised and masked again. */
  String masked(String text) {
    String safe = neutralise(text);
    return safe == text ? text : masker.apply(safe);
  }

  /** {@code text} (already safe) without its colours, for outputs that are not terminals (XML, Markdown). */
  public static String plain(String text) {
    if (text.indexOf(ESC) < 0) {
      return text;
    }
    return text.replaceAll("\033\\[[0-9;:]*m", "");
  }

  /**
   * {@code text} with colours kept and every other control sequence dropped, lone carriage returns
   * made line breaks, and workflow commands split; {@code text} itself when there is nothing to do.
   */
  public static String neutralise(String text) {
    if (!needsWork(text)) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    boolean coloured = false;
    int lineStart = 0;
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
          continue; // CRLF: the LF ends the line
        }
        if (coloured) {
          out.append(RESET);
          coloured = false;
        }
        splitCommands(out, lineStart);
        out.append('\n');
        lineStart = out.length();
      } else if (c == ESC || c == '\u009b') {
        int end = c == ESC ? escapeEnd(text, i) : sequenceEnd(text, i + 1);
        String seq = text.substring(i, end);
        if (isColour(seq)) {
          out.append(seq);
          coloured = !seq.equals(ESC + "[m") && !seq.equals(RESET);
        }
        i = end - 1;
      } else if (c == '\u009d' || c == '\u0090' || c == '\u0098' || c == '\u009e' || c == '\u009f') {
        i = stringEnd(text, i + 1) - 1; // 8-bit OSC, DCS, SOS, PM, APC and what they hold
      } else if (c == '\t' || (c >= 0x20 && c < 0x7f) || c > 0x9f) {
        out.append(c);
      }
      // any other C0 or C1 control character, and DEL, is dropped
    }
    if (coloured) {
      out.append(RESET);
    }
    splitCommands(out, lineStart);
    return out.toString();
  }

  /** Whether {@code text} holds a control character or anything a CI runner would read as a command. */
  private static boolean needsWork(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f)) {
        return true;
      }
    }
    return text.contains("::") || text.contains("##[");
  }

  /** Where the escape sequence that starts with the ESC at {@code i} ends (exclusive). */
  private static int escapeEnd(String text, int i) {
    int n = text.length();
    if (i + 1 >= n) {
      return n;
    }
    char kind = text.charAt(i + 1);
    if (kind == '[') {
      return sequenceEnd(text, i + 2);
    }
    if (kind == ']' || kind == 'P' || kind == 'X' || kind == '^' || kind == '_') {
      return stringEnd(text, i + 2); // OSC, DCS, SOS, PM, APC: a string up to its terminator
    }
    int j = i + 1;
    while (j < n && text.charAt(j) >= 0x20 && text.charAt(j) <= 0x2f) {
      j++; // intermediate bytes, as in ESC ( B
    }
    return j < n && text.charAt(j) >= 0x30 && text.charAt(j) <= 0x7e ? j + 1 : j;
  }

  /** Where a CSI sequence whose parameters start at {@code j} ends (exclusive): after its final byte. */
  private static int sequenceEnd(String text, int j) {
    int n = text.length();
    while (j < n && text.charAt(j) >= 0x20 && text.charAt(j) <= 0x3f) {
      j++; // parameter and intermediate bytes
    }
    return j < n && text.charAt(j) >= 0x40 && text.charAt(j) <= 0x7e ? j + 1 : j;
  }

  /** Where a control string that starts at {@code j} ends (exclusive): after BEL or ST, else at the line's end. */
  private static int stringEnd(String text, int j) {
    int n = text.length();
    for (; j < n; j++) {
      char c = text.charAt(j);
      if (c == '\007' || c == '\u009c') {
        return j + 1;
      }
      if (c == ESC && j + 1 < n && text.charAt(j + 1) == '\\') {
        return j + 2;
      }
      if (c == '\n') {
        return j; // never swallow the rest of the log
      }
    }
    return n;
  }

  /** Whether {@code seq} is a 7-bit SGR sequence: colours and text attributes, nothing else. */
  private static boolean isColour(String seq) {
    if (seq.length() < 3 || seq.charAt(0) != ESC || seq.charAt(1) != '[' || seq.charAt(seq.length() - 1) != 'm') {
      return false;
    }
    for (int k = 2; k < seq.length() - 1; k++) {
      char c = seq.charAt(k);
      if (!(c >= '0' && c <= '9') && c != ';' && c != ':') {
        return false;
      }
    }
    return true;
  }

  /**
   * Splits the workflow commands of the line that starts at {@code from} in {@code out}: {@code ::}
   * after leading blanks and colours (what the runner trims), and {@code ##[} anywhere in it.
   */
  private static void splitCommands(StringBuilder out, int from) {
    int i = from;
    while (i < out.length()) {
      char c = out.charAt(i);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085') {
        i++;
      } else if (c == ESC) {
        int end = sequenceEnd(out.toString(), i + 2);
        i = end;
      } else {
        break;
      }
    }
    if (i + 1 < out.length() && out.charAt(i) == ':' && out.charAt(i + 1) == ':') {
      out.insert(i + 1, SPLIT);
    }
    for (int k = out.indexOf("##[", from); k >= 0; k = out.indexOf("##[", k + 3)) {
      out.insert(k + 1, SPLIT);
    }
  }
}
