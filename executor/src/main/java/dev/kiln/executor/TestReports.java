package dev.kiln.executor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * The JUnit XML reports a task's tests wrote, as Kiln keeps them ({@code .kiln/reports/<task>/}):
 * their test cases, read without trusting them (no DTDs, no external entities: a container wrote
 * them), for the run's {@code --junit} file.
 */
final class TestReports {
  /** Where reports are kept, relative to the project root. */
  static final String DIR = ".kiln/reports";
  /** Reports larger than this are left out: a test report is not a log archive. */
  private static final long MAX_FILE = 16L << 20;

  /** One test case: where it is, how long it took, and how it ended. */
  record TestCase(String classname, String name, String time, Outcome outcome) {}

  /** How a test case ended, with the report's message and text (empty when it passed). */
  record Outcome(Kind kind, String message, String text) {
    static final Outcome PASSED = new Outcome(Kind.PASSED, "", "");
  }

  /** The ways a test case ends in JUnit XML. */
  enum Kind { PASSED, FAILURE, ERROR, SKIPPED }

  /** One suite of a report. */
  record Suite(String name, List<TestCase> cases) {}

  private TestReports() {}

  /** The directory {@code task}'s reports are kept in. */
  static Path dir(Path projectRoot, String task) {
    return projectRoot.resolve(DIR).resolve(task);
  }

  /**
   * The suites of every {@code .xml} file under {@code dir}, in path order; a file that is not a
   * JUnit report (or not XML) is skipped and named in {@code skipped}.
   */
  static List<Suite> read(Path dir, List<String> skipped) throws IOException {
    List<Suite> suites = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return suites;
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".xml")).sorted().toList();
    }
    DocumentBuilder parser = parser();
    for (Path f : files) {
      if (Files.size(f) > MAX_FILE) {
        skipped.add(dir.relativize(f) + " (larger than 16 MiB)");
        continue;
      }
      try (InputStream in = Files.newInputStream(f)) {
        Document doc = parser.parse(in);
        Element root = doc.getDocumentElement();
        if (root.getTagName().equals("testsuite")) {
          suites.add(suite(root));
        } else if (root.getTagName().equals("testsuites")) {
          for (Element s : children(root, "testsuite")) {
            suites.add(suite(s));
          }
        } else {
          skipped.add(dir.relativize(f) + " (not a JUnit report)");
        }
      } catch (SAXException e) {
        skipped.add(dir.relativize(f) + " (not XML: " + e.getMessage() + ")");
      }
    }
    return suites;
  }

  private static Suite suite(Element s) {
    List<TestCase> cases = new ArrayList<>();
    for (Element c : children(s, "testcase")) {
      cases.add(new TestCase(c.getAttribute("classname"), c.getAttribute("name"), c.getAttribute("time"), outcome(c)));
    }
    return new Suite(s.getAttribute("name"), cases);
  }

  private static Outcome outcome(Element c) {
    for (Kind k : List.of(Kind.FAILURE, Kind.ERROR, Kind.SKIPPED)) {
      List<Element> found = children(c, k.name().toLowerCase(Locale.ROOT));
      if (!found.isEmpty()) {
        Element e = found.get(0);
        return new Outcome(k, e.getAttribute("message"), e.getTextContent());
      }
    }
    return Outcome.PASSED;
  }

  private static List<Element> children(Element parent, String tag) {
    List<Element> out = new ArrayList<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i).getNodeType() == Node.ELEMENT_NODE && ((Element) nodes.item(i)).getTagName().equals(tag)) {
        out.add((Element) nodes.item(i));
      }
    }
    return out;
  }

  private static DocumentBuilder parser() throws IOException {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(new DefaultHandler()); // quiet: a broken report is skipped and named, not printed
      return b;
    } catch (ParserConfigurationException e) {
      throw new IOException("no XML parser: " + e.getMessage(), e);
    }
  }
}
