package dev.kiln.executor;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one stream's log chunks into whole lines of text. The engine cuts its output anywhere, in
 * the middle of a line or of a UTF-8 character; a secret can only be recognised in whole text, so
 * chunks are joined first and decoded only where a line or a character is complete. A line longer
 * than {@link #MAX_PENDING} bytes is given out in pieces where the masker says none of its forms is
 * cut. Not thread-safe.
 */
final class LogLines {
  /** How much of an unfinished line is kept before a piece of it is given out. */
  static final int MAX_PENDING = 64 * 1024;

  private final SecretMasker masker;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

  LogLines(SecretMasker masker) {
    this.masker = masker;
  }

  /**
   * Adds {@code chunk} and returns the text now complete, masked: whole lines with their line
   * break, or a piece of a very long line without one.
   */
  List<String> add(byte[] chunk) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < chunk.length; i++) {
      if (chunk[i] == '\n') { // never part of a multi-byte UTF-8 sequence
        pending.write(chunk, start, i - start);
        out.add(masker.apply(drain()) + "\n");
        start = i + 1;
      }
    }
    pending.write(chunk, start, chunk.length - start);
    if (pending.size() > MAX_PENDING) {
      byte[] bytes = pending.toByteArray();
      int complete = completeCharacters(bytes);
      String text = new String(bytes, 0, complete, StandardCharsets.UTF_8);
      int cut = masker.safePrefix(text);
      if (cut > 0) {
        out.add(masker.apply(text.substring(0, cut)));
        pending.reset();
        pending.writeBytes(text.substring(cut).getBytes(StandardCharsets.UTF_8));
        pending.write(bytes, complete, bytes.length - complete);
      }
    }
    return out;
  }

  /** The unfinished last line, masked and with a line break, or null when there is none. */
  String flush() {
    return pending.size() == 0 ? null : masker.apply(drain()) + "\n";
  }

  private String drain() {
    String line = pending.toString(StandardCharsets.UTF_8);
    pending.reset();
    return line;
  }

  /** The length of the longest prefix of {@code bytes} that ends on a character boundary. */
  static int completeCharacters(byte[] bytes) {
    int n = bytes.length;
    for (int back = 1; back <= Math.min(3, n); back++) {
      int b = bytes[n - back] & 0xff;
      if ((b & 0xc0) == 0x80) {
        continue; // a continuation byte: look further back for its lead byte
      }
      int length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      return length > back ? n - back : n;
    }
    return n;
  }
}
