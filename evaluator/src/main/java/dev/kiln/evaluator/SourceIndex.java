package dev.kiln.evaluator;

import dev.kiln.model.SourceLocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds where things are declared in a pipeline's text. Pkl's exported values carry no source
 * positions, so checks done in Java locate tasks by their key ({@code ["name"]}) and values by their
 * string literal after it: approximate, but it points at the right line in ordinary pipelines.
 */
final class SourceIndex {
  private static final Pattern TASK_KEY = Pattern.compile("\\[\\s*\"([^\"\\\\]*)\"\\s*\\]");
  private final Path file;
  private final Path display;
  private final String text;
  /** Offsets where lines start, and of each task's first {@code ["name"]} key: built once, so
   * locating every task of a pipeline with thousands stays linear. */
  private int[] lineStarts;
  private Map<String, Integer> taskKeys;

  SourceIndex(Path file) {
    this.file = file;
    this.display = PklErrors.display(file);
    String t;
    try {
      t = Files.readString(file);
    } catch (IOException e) {
      t = "";
    }
    this.text = t.startsWith("\uFEFF") ? t.substring(1) : t; // a byte-order mark is not a column
  }

  Path file() {
    return file;
  }

  /** Offset of the key {@code ["task"]} in the text, or -1. */
  int taskOffset(String task) {
    if (taskKeys == null) {
      Map<String, Integer> keys = new HashMap<>();
      Matcher m = TASK_KEY.matcher(text);
      while (m.find()) {
        keys.putIfAbsent(m.group(1), m.start());
      }
      taskKeys = keys;
    }
    return taskKeys.getOrDefault(task, -1);
  }

  /** The end of task {@code task}'s key, or -1. */
  private int taskKeyEnd(String task) {
    int start = taskOffset(task);
    if (start < 0) {
      return -1;
    }
    Matcher m = TASK_KEY.matcher(text);
    return m.find(start) ? m.end() : -1;
  }

  /** Where task {@code task} is declared. */
  SourceLocation task(String task) {
    return at(taskOffset(task));
  }

  /** Where the string literal {@code value} first appears at or after task {@code task}'s key. */
  SourceLocation literal(String task, String value) {
    int end = taskKeyEnd(task);
    int i = end >= 0 ? text.indexOf('"' + value + '"', end) : -1;
    if (i < 0) {
      i = text.indexOf('"' + value + '"');
    }
    return i >= 0 ? at(i) : task(task);
  }

  /** Where the string literal {@code value} first appears. */
  SourceLocation literal(String value) {
    return at(text.indexOf('"' + value + '"'));
  }

  /**
   * Where the {@code nth} (from 0) {@code needle} is written in the pipeline's {@code cache} block,
   * inside its {@code imports} or {@code exports} ({@code block}); else the {@code nth} anywhere;
   * else the block itself.
   */
  SourceLocation cacheEntry(String block, String needle, int nth) {
    Matcher cache = Pattern.compile("(?m)^[ \\t]*(cache)\\s*\\{").matcher(text);
    int from = -1;
    int to = text.length();
    if (cache.find()) {
      Matcher inner = Pattern.compile("\\b" + Pattern.quote(block) + "\\s*\\{").matcher(text);
      int end = matchingBrace(cache.end() - 1);
      if (inner.find(cache.end()) && (end < 0 || inner.start() < end)) {
        from = inner.start();
        int close = matchingBrace(inner.end() - 1);
        to = close < 0 ? text.length() : close;
      } else {
        from = cache.start(1);
      }
    }
    int i = from < 0 ? -1 : nthIndexOf(needle, from, to, nth);
    if (i < 0) {
      i = nthIndexOf(needle, 0, text.length(), nth);
    }
    return at(i >= 0 ? i : from);
  }

  /**
   * Where the {@code nth} (from 0) {@code new className} object is written, else where {@code
   * property} is set, else the file.
   */
  SourceLocation newObject(String className, int nth, String property) {
    Matcher m = Pattern.compile("\\bnew\\s+" + Pattern.quote(className) + "\\b").matcher(text);
    for (int n = 0; m.find(); n++) {
      if (n == nth) {
        return at(m.start());
      }
    }
    Matcher p = Pattern.compile("(?m)^[ \\t]*(" + Pattern.quote(property) + ")\\s*[{=]").matcher(text);
    return p.find() ? at(p.start(1)) : SourceLocation.of(display);
  }

  /** Where the string literal {@code value} first appears at or after {@code from}; else {@code from}. */
  SourceLocation literalAfter(SourceLocation from, String value) {
    int start = 0;
    for (int line = 1; line < from.line() && start >= 0; line++) {
      start = text.indexOf('\n', start) + 1;
    }
    int i = text.indexOf('"' + value + '"', Math.max(0, start + Math.max(0, from.column() - 1)));
    return i >= 0 ? at(i) : from;
  }

  private int nthIndexOf(String needle, int from, int to, int nth) {
    int i = from - 1;
    for (int n = 0; n <= nth; n++) {
      i = text.indexOf(needle, i + 1);
      if (i < 0 || i >= to) {
        return -1;
      }
    }
    return i;
  }

  /**
   * Where secret {@code name} is declared ({@code envSecret("name", ...)}, {@code secret("name")},
   * {@code name = "name"}): the first declaration followed, on its line or the next, by the string
   * {@code source} (its variable, file or command), else the first.
   */
  SourceLocation secret(String name, String source) {
    Matcher m = Pattern.compile("\\b(?:(?:env|file|cmd)?[Ss]ecret\\s*\\(\\s*|name\\s*=\\s*)\""
        + Pattern.quote(name) + "\"").matcher(text);
    int first = -1;
    while (m.find()) {
      if (first < 0) {
        first = m.start();
      }
      if (source == null) {
        break;
      }
      int end = text.indexOf('\n', text.indexOf('\n', m.end()) + 1);
      String near = text.substring(m.end(), end < 0 ? text.length() : end);
      int next = near.indexOf("ecret(");
      if ((next < 0 ? near : near.substring(0, next)).contains('"' + source + '"')) {
        return at(m.start());
      }
    }
    return first >= 0 ? at(first) : literal(name);
  }

  /**
   * The first {@code new ClassName { ... }} object in the text (or, for {@code Task}, the first task
   * entry) whose body does not set {@code property}: where a missing required property is missing.
   */
  SourceLocation objectWithout(String className, String property) {
    Pattern start = className.equals("Task")
        ? Pattern.compile("\\[\\s*\"[^\"]+\"\\s*\\]\\s*\\{")
        : Pattern.compile("\\bnew\\s+" + Pattern.quote(className) + "\\s*\\{");
    Pattern sets = Pattern.compile("(^|[\\s{;])" + Pattern.quote(property) + "\\s*(=|\\{)");
    Matcher m = start.matcher(text);
    while (m.find()) {
      int open = m.end() - 1;
      int close = matchingBrace(open);
      if (close < 0) {
        continue;
      }
      if (!sets.matcher(text.substring(open + 1, close)).find()) {
        return at(m.start());
      }
    }
    return SourceLocation.of(display);
  }

  private int matchingBrace(int open) {
    int depth = 0;
    boolean inString = false;
    for (int i = open; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' && (i == 0 || text.charAt(i - 1) != '\\')) {
        inString = !inString;
      } else if (!inString && c == '{') {
        depth++;
      } else if (!inString && c == '}' && --depth == 0) {
        return i;
      }
    }
    return -1;
  }

  private SourceLocation at(int offset) {
    if (offset < 0) {
      return SourceLocation.of(display);
    }
    if (lineStarts == null) {
      List<Integer> starts = new ArrayList<>();
      starts.add(0);
      for (int i = 0; i < text.length(); i++) {
        if (text.charAt(i) == '\n') {
          starts.add(i + 1);
        }
      }
      lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
    }
    int line = Arrays.binarySearch(lineStarts, offset);
    line = line >= 0 ? line : -line - 2; // the last line starting at or before offset
    return new SourceLocation(display, line + 1, offset - lineStarts[line] + 1);
  }
}
