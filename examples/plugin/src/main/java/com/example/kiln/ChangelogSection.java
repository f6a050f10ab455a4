package com.example.kiln;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionContext;
import dev.kiln.function.FunctionException;
import dev.kiln.function.KilnFunction;
import dev.kiln.function.Parameter;
import dev.kiln.function.Signature;
import dev.kiln.function.ValueType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code changelog.section(path, version)}: the notes of one release in a "Keep a Changelog"
 * file, for release notes and tag messages. Evaluation-time: pure, reads one project file.
 */
public final class ChangelogSection implements KilnFunction {
  // "## [1.2.0] - 2026-11-01" or "## 1.2.0"
  private static final Pattern HEADING = Pattern.compile("^##\\s+\\[?([^\\]\\s]+)\\]?.*$", Pattern.MULTILINE);

  @Override
  public Signature signature() {
    return Signature.builder("changelog", "section")
        .doc("The notes of release [version] in the changelog at [path] (\"Keep a Changelog\" style:"
            + " one `## [version]` heading per release), without the heading.")
        .param(Parameter.required("path", ValueType.STRING, "The changelog, relative to the project root."))
        .param(Parameter.required("version", ValueType.STRING, "The release, e.g. `1.2.0` or `Unreleased`."))
        .returns(ValueType.STRING)
        .build();
  }

  @Override
  public Object call(Arguments args, FunctionContext context) throws FunctionException {
    Path file = context.resolve(args.string("path"));
    context.dependsOn(file);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new FunctionException("cannot read " + args.string("path") + ": " + e.getMessage());
    }
    return section(text, args.string("version"), args.string("path"));
  }

  static String section(String text, String version, String name) throws FunctionException {
    Matcher m = HEADING.matcher(text);
    List<String> seen = new ArrayList<>();
    while (m.find()) {
      seen.add(m.group(1));
      if (m.group(1).equals(version)) {
        int start = m.end();
        int end = m.find() ? m.start() : text.length();
        return text.substring(start, end).strip();
      }
    }
    throw new FunctionException(name + " has no section for " + version
        + (seen.isEmpty() ? " (it has no `## [version]` headings)" : "; it has: " + String.join(", ", seen)));
  }
}
