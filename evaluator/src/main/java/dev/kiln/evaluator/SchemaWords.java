package dev.kiln.evaluator;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kiln's words for a value its own schema refuses. Pkl names only the source text of the failed
 * constraint ({@code Type constraint `isEmpty || run != null` violated}); what the rule means, and
 * how to write the value instead, is told here, keyed by the schema declaration that refused it.
 */
final class SchemaWords {
  /** A message and its hint. */
  record Worded(String message, String hint) {}

  private static final Pattern CONSTRAINT = Pattern.compile("^Type constraint `(.+)` violated\\.\\RValue: (.*)", Pattern.DOTALL);
  private static final Pattern EXPECTED =
      Pattern.compile("^Expected value of type `([^`]+)`, but got type `([^`]+)`\\.\\RValue: (.*)", Pattern.DOTALL);
  private static final Pattern ALIAS = Pattern.compile("^\\s*typealias (\\w+) =");
  private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern BETWEEN = Pattern.compile("isBetween\\((-?\\d+), (-?\\d+)\\)");
  private static final Pattern ARCH = Pattern.compile("amd64|arm64|arm|386|ppc64le|s390x|riscv64");

  private SchemaWords() {}

  /**
   * Kiln's wording of Pkl's {@code message}, when the schema's {@code declaration} (the source line
   * of the innermost frame) refused the value at {@code member} (e.g. {@code kiln.Pipeline#Task.ref}).
   */
  static Optional<Worded> of(String message, String declaration, String member) {
    String property = member == null ? "" : member.substring(member.lastIndexOf('.') + 1);
    Matcher c = CONSTRAINT.matcher(message);
    if (c.find()) {
      String constraint = c.group(1);
      String value = firstLine(c.group(2));
      Matcher alias = ALIAS.matcher(declaration);
      return alias.find() ? alias(alias.group(1), constraint, value) : member(property, constraint, value);
    }
    Matcher e = EXPECTED.matcher(message);
    if (e.find()) {
      return expected(property, e.group(1), e.group(2), firstLine(e.group(3)));
    }
    return Optional.empty();
  }

  private static Optional<Worded> alias(String alias, String constraint, String value) {
    String v = text(value);
    return Optional.ofNullable(switch (alias) {
      case "TaskName" -> new Worded("`" + v + "` is not a valid task name",
          "task names use lowercase letters, digits and '-', starting with a letter" + tryThis(slug(v, '-', true)));
      case "AbsolutePath" -> new Worded("`" + v + "` is not an absolute path",
          "paths in the container start with '/'" + tryThis("/" + v));
      case "HostPath" -> constraint.equals("!isEmpty")
          ? new Worded("a host path cannot be empty", "name a file or directory relative to the project directory")
          : new Worded("`" + v + "` is not a path in the project",
              "host paths are relative to the project directory" + tryThis(v.replaceFirst("^/+", "")));
      case "EnvName" -> new Worded("`" + v + "` is not a valid environment variable name",
          "names use letters, digits and '_', not starting with a digit" + tryThis(envName(v)));
      case "ImageRef" -> new Worded("`" + v + "` is not a valid image reference",
          "write [REGISTRY/]NAME[:TAG][@sha256:DIGEST] with the name in lowercase, e.g. \"busybox:latest\""
              + " or \"127.0.0.1:5000/team/app:1.2\"");
      case "Platform" -> platform(v);
      case "ResourceName" -> new Worded("`" + v + "` is not a valid name for a cache volume or secret",
          "such names use letters, digits, '.', '_' and '-', starting with a letter or digit"
              + tryThis(slug(v, '-', false)));
      case "HostName" -> new Worded("`" + v + "` is not a valid host name for a service",
          "a step reaches a service by one DNS label: lowercase letters, digits and '-' (at most 63), starting with a"
              + " letter" + tryThis(slug(v, '-', true)));
      case "ResultName" -> new Worded("`" + v + "` is not a valid result name",
          "result names use letters, digits, '.', '_' and '-' (at most 64), starting with a letter or digit"
              + tryThis(slug(v, '-', false)));
      default -> null;
    });
  }

  private static Optional<Worded> member(String property, String constraint, String value) {
    Worded specific = switch (property + " " + constraint) {
      case "exports isEmpty || run != null" -> new Worded("`exports` needs `run`: a task exports files from the container it runs",
          "add `run = ...` to this task, or export from the task that makes the files (a publish-only or call task has none)");
      case "results isEmpty || run != null" -> new Worded("`results` needs `run`: results are files the task's container writes"
          + " under /kiln/results/", "add `run = ...` to this task, or declare `results` in the task that runs");
      case "reports isEmpty || run != null" -> new Worded("`reports` needs `run`: reports are files the task's"
          + " command writes", "add `run = ...` to this task, or declare `reports` in the task that runs the tests");
      case "ref this == null || publish != null" -> new Worded("`ref` needs `publish`: this task has no image to push",
          "set `publish = <container>` in this task, or remove `ref`");
      case "call this == null || (run == null && publish == null)" -> new Worded(
          "a task that calls a function cannot also `run` or `publish`",
          "split it in two tasks: one calls the function, the other runs or publishes; `dependsOn` orders them");
      case "image isEmpty || build == null" -> new Worded(
          "a container starts from an image or from a Dockerfile build, not both",
          "remove `image` to build the Dockerfile, or start from the image with container.from(...)");
      case "withExec !isEmpty" -> new Worded("`withExec` needs a command",
          "give the program and its arguments, e.g. withExec(List(\"make\", \"test\"))");
      case "include isEmpty || base is HostDirectory", "exclude isEmpty || base is HostDirectory" -> new Worded(
          "`" + property + "` filters only a directory read from the host",
          "filter the files where they are read, e.g. host.directory(\"src\").including(List(\"**/*.go\"))");
      case "platform isEmpty || this is Platform" -> platform(text(value));
      case "timeout value > 0" -> new Worded("`timeout` must be longer than zero: " + text(value),
          "give the longest one attempt may take, e.g. timeout = 10.min, or leave it out for no limit");
      case "name matches(Regex(#\"[a-z][a-z0-9]*\\.[a-z][A-Za-z0-9]*\"#))" -> new Worded(
          "`" + text(value) + "` is not a function name", "write namespace.function, e.g. \"git.sha\"");
      default -> null;
    };
    return specific != null ? Optional.of(specific) : Optional.ofNullable(generic(property, constraint, value));
  }

  /** The schema's plain constraints, wherever they stand. */
  private static Worded generic(String property, String constraint, String value) {
    String v = text(value);
    Matcher between = BETWEEN.matcher(constraint);
    return switch (constraint) {
      case "!isEmpty", "!isBlank" -> new Worded("`" + property + "` needs a value that is not empty",
          "give " + (property.startsWith("with") || property.equals("directory") || property.equals("file")
              ? "the path or name it works on" : "a value"));
      case "!startsWith(\"/\")" -> alias("HostPath", constraint, value).orElseThrow();
      case "startsWith(\"/\")" -> alias("AbsolutePath", constraint, value).orElseThrow();
      default -> between.matches()
          ? new Worded("`" + v + "` is not between " + between.group(1) + " and " + between.group(2),
              switch (property) {
                case "permissions" -> "write a file mode in octal, e.g. 0o644 or 0o755";
                case "retries" -> "retries counts the attempts after the first, e.g. retries = 2";
                default -> "give a value in that range";
              })
          : null;
    };
  }

  private static Optional<Worded> expected(String property, String expected, String actual, String value) {
    String name = property.isEmpty() ? "the value" : "`" + property + "`";
    if (expected.equals("Listing") && actual.equals("List")) {
      return Optional.of(new Worded(name + " is a Listing, not a List",
          "amend it with braces: " + property + " { " + elements(value, "List(") + " } (or convert: List(...).toListing())"));
    }
    if (expected.equals("Mapping") && actual.equals("Map")) {
      return Optional.of(new Worded(name + " is a Mapping, not a Map",
          "amend it with braces: " + property + " { [\"key\"] = \"value\" } (or convert: Map(...).toMapping())"));
    }
    if (expected.equals("List") && actual.equals("String") && property.equals("withExec")) {
      return Optional.of(new Worded("`withExec` takes the command as a list of arguments, not as one string",
          "write withExec(List(\"sh\", \"-c\", " + value + ")) to run it through a shell"));
    }
    return Optional.empty();
  }

  private static Worded platform(String v) {
    String hint = "write OS/ARCH[/VARIANT], e.g. \"linux/amd64\" or \"linux/arm64\"";
    return new Worded("`" + v + "` is not a platform", ARCH.matcher(v).matches() ? hint + tryThis("linux/" + v) : hint);
  }

  /** The elements of Pkl's rendering of a collection ({@code List("a", "b")}), separated by "; ". */
  private static String elements(String rendered, String open) {
    if (!rendered.startsWith(open) || !rendered.endsWith(")")) {
      return "...";
    }
    String inner = rendered.substring(open.length(), rendered.length() - 1).strip();
    return inner.isEmpty() ? "..." : String.join("; ", inner.split(",\\s*(?=\")"));
  }

  /** A string value as Pkl rendered it ({@code "a\"b"}), without its quotes; else as rendered. */
  private static String text(String rendered) {
    Matcher m = STRING.matcher(rendered);
    return m.matches() ? m.group(1).replace("\\\"", "\"").replace("\\\\", "\\") : rendered;
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).strip();
  }

  private static String tryThis(String suggestion) {
    return suggestion.isEmpty() ? "" : ": try \"" + suggestion + "\"";
  }

  /** {@code v} in lowercase (if asked) with runs of other characters made one {@code sep}. */
  private static String slug(String v, char sep, boolean lower) {
    String s = (lower ? v.toLowerCase(Locale.ROOT) : v)
        .replaceAll(lower ? "[^a-z0-9]+" : "[^A-Za-z0-9._-]+", String.valueOf(sep))
        .replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
    if (lower && !s.isEmpty() && !Character.isLetter(s.charAt(0))) {
      s = "t" + sep + s;
    }
    return s;
  }

  private static String envName(String v) {
    String s = v.replaceAll("[^A-Za-z0-9_]", "_");
    return !s.isEmpty() && Character.isDigit(s.charAt(0)) ? "_" + s : s;
  }
}
