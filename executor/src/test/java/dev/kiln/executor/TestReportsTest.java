package dev.kiln.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the reports a task's container wrote, without trusting them. */
class TestReportsTest {
  @TempDir Path dir;

  @Test
  void suitesAndTheirCasesAreReadFromEveryXmlFileInPathOrder() throws Exception {
    Files.createDirectories(dir.resolve("b"));
    Files.writeString(dir.resolve("a.xml"), "<testsuite name='one'><testcase classname='C' name='t1' time='0.5'>"
        + "<skipped message='later'/></testcase></testsuite>");
    Files.writeString(dir.resolve("b/c.xml"), "<testsuites><testsuite name='two'><testcase name='t2'>"
        + "<error message='boom'>trace</error></testcase></testsuite></testsuites>");
    Files.writeString(dir.resolve("notes.txt"), "not a report");
    List<String> skipped = new ArrayList<>();
    var suites = TestReports.read(dir, skipped);
    assertThat(suites).extracting(TestReports.Suite::name).containsExactly("one", "two");
    assertThat(suites.get(0).cases().get(0).outcome().kind()).isEqualTo(TestReports.Kind.SKIPPED);
    assertThat(suites.get(1).cases().get(0).outcome()).isEqualTo(
        new TestReports.Outcome(TestReports.Kind.ERROR, "boom", "trace"));
    assertThat(skipped).isEmpty();
  }

  @Test
  void aReportWithADoctypeOrThatIsNotJUnitIsLeftOutAndNamed() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret.txt"), "s3cr3t");
    Files.writeString(dir.resolve("evil.xml"), "<?xml version='1.0'?><!DOCTYPE t [<!ENTITY x SYSTEM '"
        + secret.toUri() + "'>]><testsuite name='&x;'/>");
    Files.writeString(dir.resolve("other.xml"), "<project/>");
    Files.writeString(dir.resolve("broken.xml"), "<testsuite");
    List<String> skipped = new ArrayList<>();
    assertThat(TestReports.read(dir, skipped)).isEmpty();
    assertThat(skipped).hasSize(3).anyMatch(s -> s.startsWith("evil.xml (not XML"))
        .anyMatch(s -> s.equals("other.xml (not a JUnit report)")).noneMatch(s -> s.contains("s3cr3t"));
  }
}
