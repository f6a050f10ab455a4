package dev.kiln.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.executor.proto.control.Vertex;
import dev.kiln.executor.proto.control.VertexLog;
import dev.kiln.planner.llb.Definition;
import dev.kiln.planner.llb.ImageRef;
import dev.kiln.planner.llb.Marshaller;
import dev.kiln.planner.llb.Platform;
import dev.kiln.planner.llb.Sources;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;

/** Each output mode behind {@link MaskingListener}: what a step prints is masked before it is encoded. */
class MaskingListenerTest {
  static final String PEM = SecretMaskerTest.PEM;
  static final String TRICKY = "pa\"ss\\w\u0001rd\nsecond-line-é";
  static final Definition DEF = new Marshaller().marshal(Sources.image(ImageRef.parse("busybox:latest"),
      Platform.LINUX_AMD64));
  static final SecretMasker MASKER = SecretMasker.of(List.of(PEM.getBytes(StandardCharsets.UTF_8),
      TRICKY.getBytes(StandardCharsets.UTF_8)));

  private final StringWriter out = new StringWriter();

  /** {@code text} as a step's output, cut every {@code every} bytes (inside lines and characters). */
  static StatusResponse[] output(String text, int every) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    List<StatusResponse> updates = new ArrayList<>();
    updates.add(StatusResponse.newBuilder().addVertexes(Vertex.newBuilder().setDigest("sha256:a")
        .setName("cat /run/secrets/key").setStarted(Timestamp.newBuilder().setSeconds(1))).build());
    for (int i = 0; i < bytes.length; i += every) {
      updates.add(StatusResponse.newBuilder().addLogs(VertexLog.newBuilder().setVertex("sha256:a").setStream(1)
          .setMsg(ByteString.copyFrom(bytes, i, Math.min(every, bytes.length - i)))).build());
    }
    updates.add(StatusResponse.newBuilder().addVertexes(Vertex.newBuilder().setDigest("sha256:a")
        .setName("cat /run/secrets/key").setStarted(Timestamp.newBuilder().setSeconds(1))
        .setCompleted(Timestamp.newBuilder().setSeconds(2))).build());
    return updates.toArray(StatusResponse[]::new);
  }

  private static void assertNoSecret(String shown) {
    for (String line : (PEM + "\n" + TRICKY).split("\n")) {
      if (line.strip().length() >= SecretMasker.MIN_LENGTH) {
        assertThat(shown).as(line).doesNotContain(line.strip()).doesNotContain(SecretForms.json(line.strip(), false));
      }
    }
  }

  @Test
  void plainShowsAMultiLineSecretCatInChunksMaskedLineByLine() {
    var plain = new MaskingListener(MASKER, new PlainProgress(new PrintWriter(out)));
    for (StatusResponse u : output("key:\n" + PEM + "é done", 7)) {
      plain.status("t", DEF, u);
    }
    assertNoSecret(out.toString());
    assertThat(out.toString()).contains("[t] #1 key:\n").contains("[t] #1 ***\n")
        .contains("[t] #1 é done\n"); // the unfinished last line, when its step ends
  }

  @Test
  void jsonMasksBeforeEscaping() throws Exception {
    var json = new MaskingListener(MASKER, new JsonProgress(new PrintWriter(out)));
    for (StatusResponse u : output("token=" + TRICKY + "\n", 3)) {
      json.status("t", DEF, u);
    }
    json.functionLog("t", "fn saw " + TRICKY);
    json.warning("t", "about " + TRICKY);
    json.taskFinished(new TaskOutcome("t", TaskOutcome.Status.SUCCEEDED, Duration.ZERO, false, null,
        Map.of("r", TRICKY)));
    assertNoSecret(out.toString());
    List<String> texts = new ArrayList<>();
    for (String line : out.toString().split("\n")) {
      JsonNode e = new ObjectMapper().readTree(line);
      if (e.has("text")) {
        texts.add(e.get("text").asText());
      }
    }
    assertThat(texts).contains("token=***\n", "***\n", "fn saw ***\n");
    assertThat(out.toString()).contains("\"results\":{\"r\":\"***\"}").contains("\"message\":\"about ***\"");
  }

  @Test
  void ttyMasksALongSecretBeforeClippingIt() {
    String token = "tok_" + "x1y2z3".repeat(20);
    var tty = new TtyProgress(new PrintWriter(out), 40);
    var masked = new MaskingListener(SecretMasker.of(List.of(token.getBytes(StandardCharsets.UTF_8))), tty);
    masked.taskStarted("t");
    masked.status("t", DEF, StatusResponse.newBuilder().addVertexes(Vertex.newBuilder().setDigest("sha256:a")
        .setName("curl -H 'Authorization: " + token + "'").setStarted(Timestamp.newBuilder().setSeconds(1))).build());
    tty.redraw();
    masked.runFinished(new RunReport(List.of(), false));
    assertThat(out.toString()).doesNotContain("tok_x1y2").contains("curl -H 'Authorization:");
  }

  @Test
  void githubGroupsAndAnnotationsShowNoLineOfTheSecret() {
    var gh = new MaskingListener(MASKER, new CiProgress(CiSystem.GITHUB_ACTIONS, new PrintWriter(out)));
    gh.taskStarted("t");
    for (StatusResponse u : output(PEM, 5)) {
      gh.status("t", DEF, u);
    }
    SolveException failure = SolveException.builder("cat failed: " + PEM).setStep("cat").setExitCode(1)
        .setLogTail(List.of(PEM.split("\n"))).build();
    gh.taskFinished(new TaskOutcome("t", TaskOutcome.Status.FAILED, Duration.ZERO, false, failure));
    assertNoSecret(out.toString());
    assertNoSecret(out.toString().replace("%0A", "\n").replace("%25", "%"));
    assertThat(out.toString()).contains("::error title=Task t failed::cat failed: ***");
  }

  @Test
  void junitReportIsValidXmlWithoutTheSecret() throws Exception {
    SolveException failure = SolveException.builder("failed \u0007 " + TRICKY).setStep("step").setExitCode(1)
        .setLogTail(List.of(PEM.split("\n"))).build();
    RunReport report = new RunReport(List.of(new TaskOutcome("t", TaskOutcome.Status.FAILED, Duration.ZERO, false,
        failure)), false);
    String xml = JUnitReport.render(report, "suite", Instant.EPOCH, Duration.ZERO, "host", MASKER);
    assertNoSecret(xml);
    var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    assertThat(doc.getElementsByTagName("failure").item(0).getAttributes().getNamedItem("message").getNodeValue())
        .isEqualTo("failed \ufffd ***");
  }

  @Test
  void aVeryLongLineIsShownInPiecesThatCutNoSecret() {
    String token = "tok_" + "0123456789abcdef".repeat(4);
    SecretMasker m = SecretMasker.of(List.of(token.getBytes(StandardCharsets.UTF_8)));
    LogLines lines = new LogLines(m);
    StringBuilder shown = new StringBuilder();
    String filler = "y".repeat(LogLines.MAX_PENDING - 10);
    for (String s : lines.add((filler + token + filler + token).getBytes(StandardCharsets.UTF_8))) {
      shown.append(s);
    }
    assertThat(shown.length()).isPositive(); // pieces are given out before the line ends
    shown.append(lines.flush());
    assertThat(shown.toString()).doesNotContain("tok_").isEqualTo(filler + "***" + filler + "***\n");
  }

  @Test
  void aChunkCutInsideACharacterIsJoinedBeforeDecoding() {
    byte[] bytes = "é€😀".getBytes(StandardCharsets.UTF_8);
    for (int cut = 0; cut <= bytes.length; cut++) {
      byte[] head = Arrays.copyOf(bytes, cut);
      assertThat(new String(head, 0, LogLines.completeCharacters(head), StandardCharsets.UTF_8))
          .doesNotContain("\ufffd");
    }
  }
}
