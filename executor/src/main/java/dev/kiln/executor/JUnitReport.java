package dev.kiln.executor;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.function.UnaryOperator;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/** Writes a run as JUnit XML (one test case per task) for CI systems that show test reports. */
public final class JUnitReport {
  private JUnitReport() {}

  /** Writes {@code report} to {@code file} atomically (written aside, then renamed). */
  public static void write(RunReport report, String suite, Path file, UnaryOperator<String> mask) throws IOException {
    String xml = render(report, suite, mask);
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

  static String render(RunReport report, String suite, UnaryOperator<String> mask) {
    StringWriter sw = new StringWriter();
    try {
      XMLStreamWriter w = XMLOutputFactory.newInstance().createXMLStreamWriter(sw);
      w.writeStartDocument("UTF-8", "1.0");
      w.writeCharacters("\n");
      w.writeStartElement("testsuite");
      w.writeAttribute("name", suite);
      w.writeAttribute("tests", Integer.toString(report.tasks().size()));
      w.writeAttribute("failures", Long.toString(report.failures().size()));
      w.writeAttribute("skipped", Long.toString(report.tasks().stream()
          .filter(t -> t.status() == TaskOutcome.Status.SKIPPED || t.status() == TaskOutcome.Status.CANCELLED).count()));
      w.writeAttribute("time", seconds(report.tasks().stream().mapToLong(t -> t.duration().toMillis()).sum()));
      for (TaskOutcome t : report.tasks()) {
        w.writeCharacters("\n  ");
        w.writeStartElement("testcase");
        w.writeAttribute("classname", suite);
        w.writeAttribute("name", t.task());
        w.writeAttribute("time", seconds(t.duration().toMillis()));
        switch (t.status()) {
          case FAILED -> {
            w.writeStartElement("failure");
            w.writeAttribute("message", xml(mask.apply(t.error().getMessage())));
            w.writeCharacters(xml(mask.apply(String.join("\n", t.error().logTail()))));
            w.writeEndElement();
          }
          case SKIPPED, CANCELLED -> {
            w.writeEmptyElement("skipped");
            w.writeAttribute("message", t.status().name().toLowerCase(Locale.ROOT));
          }
          case SUCCEEDED -> { }
        }
        w.writeEndElement();
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

  /**
   * {@code text} without the characters XML 1.0 cannot hold (control characters a step printed,
   * unpaired surrogates): each becomes U+FFFD, so the report still parses.
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
