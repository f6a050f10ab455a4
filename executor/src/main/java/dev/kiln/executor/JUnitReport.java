package dev.kiln.executor;

import java.io.IOException;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Writes a run as JUnit XML for CI systems that show test reports, in the shape every common reader
 * accepts (Jenkins, GitLab, Surefire's and Ant's schema): {@code testsuites} with one {@code
 * testsuite} (name, counts, time, timestamp, hostname), one {@code testcase} per task. A task whose
 * command exited non-zero is a {@code failure}, one that failed otherwise (the engine, an export) an
 * {@code error}, both with the task's last lines; skipped and cancelled tasks are {@code skipped}.
 * Text is masked, made safe ({@link OutputText}), without colours, and without the characters XML
 * 1.0 cannot hold. The test cases of the reports tasks collected ({@link TestReports}) follow, one
 * {@code testsuite} per suite of theirs, named after the task.
 */
public final class JUnitReport {
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private JUnitReport() {}

  /** Writes {@code report} of a run that started at {@code started} to {@code file} atomically (written aside, then renamed). */
  public static void write(RunReport report, String suite, Instant started, Path file, UnaryOperator<String> mask)
      throws IOException {
    write(report, suite, started, file, mask, null, w -> { });
  }

  /**
   * Like {@link #write(RunReport, String, Instant, Path, UnaryOperator)}, with the test cases of the
   * reports the run's tasks collected under {@code projectRoot}; a report file that cannot be read
   * is told to {@code warnings} and left out.
   */
  public static void write(RunReport report, String suite, Instant started, Path file, UnaryOperator<String> mask,
      Path projectRoot, Consumer<String> warnings) throws IOException {
    Map<String, List<TestReports.Suite>> collected = new LinkedHashMap<>();
    if (projectRoot != null) {
      for (TaskOutcome t : report.tasks()) {
        List<String> skipped = new ArrayList<>();
        List<TestReports.Suite> suites = TestReports.read(TestReports.dir(projectRoot, t.task()), skipped);
        skipped.forEach(s -> warnings.accept("task " + t.task() + ": report " + s + " left out of the JUnit file"));
        if (!suites.isEmpty()) {
          collected.put(t.task(), suites);
        }
      }
    }
    String xml = render(report, suite, started, Duration.between(started, Instant.now()), hostname(), mask,
        collected);
    Path target = file.toAbsolutePath();
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), ".kiln-junit-", ".xml");
    try {
      Files.writeString(tmp, xml, StandardCharsets.UTF_8);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static String render(RunReport report, String suite, Instant started, Duration took, String hostname,
      UnaryOperator<String> mask) {
    return render(report, suite, started, took, hostname, mask, Map.of());
  }

  static String render(RunReport report, String suite, Instant started, Duration took, String hostname,
      UnaryOperator<String> mask, Map<String, List<TestReports.Suite>> collected) {
    long failures = report.failures().stream().filter(t -> t.error().exitCode().isPresent()).count();
    long errors = report.failures().size() - failures;
    long skipped = report.tasks().stream()
        .filter(t -> t.status() == TaskOutcome.Status.SKIPPED || t.status() == TaskOutcome.Status.CANCELLED).count();
    String tests = Integer.toString(report.tasks().size());
    String time = seconds(took.toMillis());
    List<TestReports.TestCase> all = collected.values().stream().flatMap(List::stream)
        .flatMap(s -> s.cases().stream()).toList();
    StringWriter sw = new StringWriter();
    try {
      XMLStreamWriter w = XMLOutputFactory.newInstance().createXMLStreamWriter(sw);
      w.writeStartDocument("UTF-8", "1.0");
      w.writeCharacters("\n");
      w.writeStartElement("testsuites");
      counts(w, suite, Integer.toString(report.tasks().size() + all.size()), failures + count(all, TestReports.Kind.FAILURE),
          errors + count(all, TestReports.Kind.ERROR), skipped + count(all, TestReports.Kind.SKIPPED), time);
      w.writeCharacters("\n  ");
      w.writeStartElement("testsuite");
      counts(w, suite, tests, failures, errors, skipped, time);
      w.writeAttribute("timestamp", TIMESTAMP.format(started)); // no zone: what the readers' schema says
      w.writeAttribute("hostname", hostname);
      w.writeAttribute("id", "0");
      w.writeAttribute("package", suite);
      for (TaskOutcome t : report.tasks()) {
        w.writeCharacters("\n    ");
        w.writeStartElement("testcase");
        w.writeAttribute("classname", suite);
        w.writeAttribute("name", text(t.task(), mask));
        w.writeAttribute("time", seconds(t.duration().toMillis()));
        switch (t.status()) {
          case FAILED -> {
            SolveException e = t.error();
            w.writeStartElement(e.exitCode().isPresent() ? "failure" : "error");
            w.writeAttribute("message", text(e.getMessage(), mask));
            w.writeAttribute("type", e.exitCode().isPresent() ? "exit code " + e.exitCode().getAsInt() : "error");
            w.writeCharacters(text(String.join("\n", e.logTail()), mask));
            w.writeEndElement();
          }
          case SKIPPED, CANCELLED -> {
            w.writeEmptyElement("skipped");
            w.writeAttribute("message", text(t.status().name().toLowerCase(Locale.ROOT)
                + (t.reason().isEmpty() ? "" : ": " + t.reason()), mask));
          }
          case SUCCEEDED -> { }
        }
        w.writeEndElement();
      }
      w.writeCharacters("\n  ");
      w.writeEndElement();
      int id = 1;
      for (Map.Entry<String, List<TestReports.Suite>> task : collected.entrySet()) {
        for (TestReports.Suite s : task.getValue()) {
          writeSuite(w, task.getKey(), s, id++, started, hostname, mask);
        }
      }
      w.writeCharacters("\n");
      w.writeEndElement();
      w.writeEndDocument();
      w.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException(e);
    }
    return sw + "\n";
  }

  /** A suite a task's tests reported, named {@code task/suite}. */
  private static void writeSuite(XMLStreamWriter w, String task, TestReports.Suite s, int id, Instant started,
      String hostname, UnaryOperator<String> mask) throws XMLStreamException {
    String name = text(task + "/" + s.name(), mask);
    double total = s.cases().stream().mapToDouble(c -> parseSeconds(c.time())).sum();
    w.writeCharacters("\n  ");
    w.writeStartElement("testsuite");
    counts(w, name, Integer.toString(s.cases().size()), count(s.cases(), TestReports.Kind.FAILURE),
        count(s.cases(), TestReports.Kind.ERROR), count(s.cases(), TestReports.Kind.SKIPPED),
        seconds(Math.round(total * 1000)));
    w.writeAttribute("timestamp", TIMESTAMP.format(started));
    w.writeAttribute("hostname", hostname);
    w.writeAttribute("id", Integer.toString(id));
    w.writeAttribute("package", text(task, mask));
    for (TestReports.TestCase c : s.cases()) {
      w.writeCharacters("\n    ");
      w.writeStartElement("testcase");
      w.writeAttribute("classname", text(c.classname(), mask));
      w.writeAttribute("name", text(c.name(), mask));
      w.writeAttribute("time", seconds(Math.round(parseSeconds(c.time()) * 1000)));
      TestReports.Outcome o = c.outcome();
      if (o.kind() == TestReports.Kind.SKIPPED) {
        w.writeEmptyElement("skipped");
        w.writeAttribute("message", text(o.message(), mask));
      } else if (o.kind() != TestReports.Kind.PASSED) {
        w.writeStartElement(o.kind() == TestReports.Kind.FAILURE ? "failure" : "error");
        w.writeAttribute("message", text(o.message(), mask));
        w.writeCharacters(text(o.text(), mask));
        w.writeEndElement();
      }
      w.writeEndElement();
    }
    w.writeCharacters("\n  ");
    w.writeEndElement();
  }

  private static long count(List<TestReports.TestCase> cases, TestReports.Kind kind) {
    return cases.stream().filter(c -> c.outcome().kind() == kind).count();
  }

  /** A report's {@code time}: seconds, possibly with a fraction or thousands separators; 0 when absent or odd. */
  private static double parseSeconds(String time) {
    try {
      double t = Double.parseDouble(time.replace(",", ""));
      return Double.isFinite(t) && t >= 0 ? t : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static void counts(XMLStreamWriter w, String suite, String tests, long failures, long errors, long skipped,
      String time) throws XMLStreamException {
    w.writeAttribute("name", suite);
    w.writeAttribute("tests", tests);
    w.writeAttribute("failures", Long.toString(failures));
    w.writeAttribute("errors", Long.toString(errors));
    w.writeAttribute("skipped", Long.toString(skipped));
    w.writeAttribute("time", time);
  }

  private static String text(String raw, UnaryOperator<String> mask) {
    return xml(OutputText.plain(mask.apply(raw)));
  }

  /** This machine's name, as a report says where it ran. */
  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException | RuntimeException e) {
      return "localhost";
    }
  }

  /**
   * {@code text} without the characters XML 1.0 cannot hold (control characters, unpaired
   * surrogates, U+FFFE/U+FFFF): each becomes U+FFFD, so the report still parses.
   */
  static String xml(String text) {
    StringBuilder sb = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok = c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd)
          || (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1)))
          || (Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(text.charAt(i - 1)));
      if (!ok && sb == null) {
        sb = new StringBuilder(text.substring(0, i));
      }
      if (sb != null) {
        sb.append(ok ? c : '\ufffd');
      }
    }
    return sb == null ? text : sb.toString();
  }

  private static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
  }
}
