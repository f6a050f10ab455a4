package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** A task's {@code reports}: collected from the engine whether its tests pass or fail, and in {@code --junit}. */
@Tag("e2e")
class TestReportsE2ETest extends KilnInProcess {
  @TempDir Path dir;

  @BeforeAll
  static void engineIsThere() {
    DockerEngine.require();
  }

  @Test
  void aFailingTestRunsReportsReachTheJUnitFileAndTheTaskStillFails() throws Exception {
    String marker = UUID.randomUUID().toString();
    Path p = dir.resolve("pipeline.pkl");
    Files.writeString(p, """
        amends ".kiln/schema/Pipeline.pkl"
        tasks {
          ["test"] {
            run = container.from("busybox:latest")
              .withNewFile("/TEST-calc.xml", \"""
                <?xml version="1.0" encoding="UTF-8"?>
                <testsuite name="calc.CalcTest" tests="2" failures="1">
                  <testcase classname="calc.CalcTest" name="adds" time="0.012"/>
                  <testcase classname="calc.CalcTest" name="divides" time="1,204.5">
                    <failure message="expected 2 but was 3">at calc.CalcTest.divides(CalcTest.java:9)</failure>
                  </testcase>
                </testsuite>
                \""")
              .withExec(List("sh", "-c", "mkdir -p /work/reports && cp /TEST-calc.xml /work/reports/; echo %s; exit 3"))
            reports { "/work/reports" }
          }
        }
        """.formatted(marker));
    Path junit = dir.resolve("out/junit.xml");
    assertThat(kiln("run", "-f", p.toString(), "--progress", "plain", "--junit", junit.toString()))
        .as(err.toString() + out).isEqualTo(1);
    assertThat(dir.resolve(".kiln/reports/test/reports/TEST-calc.xml")).exists();
    assertThat(err.toString()).contains("exit code 3");

    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile());
    NodeList cases = doc.getElementsByTagName("testcase");
    assertThat(cases.getLength()).isEqualTo(3); // the task, and its two tests
    Element divides = (Element) cases.item(2);
    assertThat(divides.getAttribute("name")).isEqualTo("divides");
    assertThat(divides.getAttribute("classname")).isEqualTo("calc.CalcTest");
    assertThat(((Element) divides.getElementsByTagName("failure").item(0)).getAttribute("message"))
        .isEqualTo("expected 2 but was 3");
    Element suites = doc.getDocumentElement();
    assertThat(suites.getAttribute("tests")).isEqualTo("3");
    assertThat(suites.getAttribute("failures")).isEqualTo("2");

    // Nothing changed: the tests' step comes from the cache and the task fails again with its code.
    assertThat(kiln("run", "-f", p.toString(), "--progress", "plain")).isEqualTo(1);
    assertThat(err.toString()).contains("exit code 3");
  }

  @Test
  void aPassingRunKeepsItsReportsAndSucceeds() throws Exception {
    Path p = dir.resolve("pipeline.pkl");
    Files.writeString(p, """
        amends ".kiln/schema/Pipeline.pkl"
        tasks {
          ["test"] {
            run = container.from("busybox:latest")
              .withExec(List("sh", "-c", "mkdir -p /r && echo '<testsuite name=\\"s\\"><testcase name=\\"ok\\"/></testsuite>' > /r/a.xml; echo %s"))
            reports { "/r" }
          }
        }
        """.formatted(UUID.randomUUID()));
    assertThat(kiln("run", "-f", p.toString(), "--progress", "plain")).as(err.toString() + out).isZero();
    assertThat(dir.resolve(".kiln/reports/test/r/a.xml")).content().contains("testcase name=\"ok\"");
  }
}
