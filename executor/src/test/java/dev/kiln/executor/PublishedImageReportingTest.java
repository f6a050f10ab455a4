package dev.kiln.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every output mode shows what a task published, pinned to its digest. */
class PublishedImageReportingTest {
  static final PublishedImage IMAGE = new PublishedImage("127.0.0.1:5000/app:1.0",
      "sha256:" + "ab".repeat(32));
  static final TaskOutcome OUTCOME = new TaskOutcome("image", TaskOutcome.Status.SUCCEEDED, Duration.ofMillis(900),
      false, null, IMAGE.results(), List.of(IMAGE));

  @Test
  void theImageIsTheTasksDigestAndPinnedRefResults() {
    assertThat(IMAGE.pinned()).isEqualTo("127.0.0.1:5000/app:1.0@sha256:" + "ab".repeat(32));
    assertThat(OUTCOME.results()).containsEntry("digest", IMAGE.digest()).containsEntry("ref", IMAGE.pinned());
    assertThat(new RunReport(List.of(OUTCOME), false).published()).containsExactly(IMAGE);
  }

  @Test
  void plainAndGithubActionsPrintIt() {
    StringWriter plain = new StringWriter();
    var p = new PlainProgress(new PrintWriter(plain));
    p.published("image", IMAGE);
    assertThat(plain.toString()).isEqualTo("[image] published " + IMAGE.pinned() + "\n");

    StringWriter gh = new StringWriter();
    var g = new CiProgress(CiSystem.GITHUB_ACTIONS, new PrintWriter(gh));
    g.taskStarted("image");
    g.published("image", IMAGE);
    g.taskFinished(OUTCOME);
    assertThat(gh.toString()).contains("[image] published " + IMAGE.pinned() + "\n")
        .contains("::notice title=Task image published::" + IMAGE.pinned());
  }

  @Test
  void jsonHasAPublishEvent() throws Exception {
    StringWriter out = new StringWriter();
    new JsonProgress(new PrintWriter(out)).published("image", IMAGE);
    JsonNode e = new ObjectMapper().readTree(out.toString());
    assertThat(e.get("event").asText()).isEqualTo("publish");
    assertThat(e.get("task").asText()).isEqualTo("image");
    assertThat(e.get("ref").asText()).isEqualTo(IMAGE.ref());
    assertThat(e.get("digest").asText()).isEqualTo(IMAGE.digest());
    assertThat(e.get("pinned").asText()).isEqualTo(IMAGE.pinned());
  }

  @Test
  void theTerminalViewListsItWhenTheRunEnds() {
    StringWriter out = new StringWriter();
    var tty = new TtyProgress(new PrintWriter(out), 100);
    tty.taskStarted("image");
    tty.taskFinished(OUTCOME);
    tty.runFinished(new RunReport(List.of(OUTCOME), false));
    assertThat(out.toString()).contains("image: published " + IMAGE.pinned() + "\n");
  }
}
