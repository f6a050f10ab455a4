package dev.kiln.executor.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import dev.kiln.executor.PlanRunner;
import dev.kiln.executor.RunReport;
import dev.kiln.executor.TaskOutcome;
import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.executor.proto.control.Vertex;
import dev.kiln.planner.llb.Definition;
import dev.kiln.planner.llb.ImageRef;
import dev.kiln.planner.llb.Marshaller;
import dev.kiln.planner.llb.Platform;
import dev.kiln.planner.llb.Sources;
import dev.kiln.testsupport.OtlpReceiver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A run's listener events become spans that an OTLP receiver in this process gets over HTTP. */
class TracingTest {
  private static final long T0 = 1_760_000_000L;

  private static Vertex vertex(String digest, String name, boolean cached, long startSecond, Long endSecond) {
    Vertex.Builder v = Vertex.newBuilder().setDigest(digest).setName(name).setCached(cached)
        .setStarted(Timestamp.newBuilder().setSeconds(T0 + startSecond));
    if (endSecond != null) {
      v.setCompleted(Timestamp.newBuilder().setSeconds(T0 + endSecond));
    }
    return v.build();
  }

  @Test
  void aRunItsTasksAndStepsAreExportedAsSpansOverOtlp() throws Exception {
    String[] traceParent = new String[1];
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      Definition definition = new Marshaller().marshal(Sources.image(ImageRef.parse("busybox:latest"),
          Platform.LINUX_AMD64));
      try (Tracing tracing = Tracing.fromEnvironment(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
          "OTEL_SERVICE_NAME", "kiln-test", "PATH", "/usr/bin"))) {
        assertThat(tracing.enabled()).isTrue();
        PlanRunner.Listener run = tracing.run("kiln run", Map.of("kiln.tasks", "build"));
        run.taskStarted("build");
        traceParent[0] = run.traceParent("build").orElseThrow();
        run.status("build", definition, StatusResponse.newBuilder()
            .addVertexes(vertex("sha256:a", "[1/2] FROM busybox", true, 0, 0L))
            .addVertexes(vertex("sha256:b", "[2/2] RUN make", false, 1, null)).build());
        run.status("build", definition, StatusResponse.newBuilder()
            .addVertexes(vertex("sha256:b", "[2/2] RUN make", false, 1, 4L)).build());
        // a step reported completed again (BuildKit repeats vertices) is one span
        run.status("build", definition, StatusResponse.newBuilder()
            .addVertexes(vertex("sha256:b", "[2/2] RUN make", false, 1, 4L)).build());
        TaskOutcome built = new TaskOutcome("build", TaskOutcome.Status.SUCCEEDED, Duration.ofSeconds(4), false, null);
        run.taskFinished(built);
        run.runFinished(new RunReport(List.of(built), false));
      } // closing flushes

      List<OtlpReceiver.Span> spans = receiver.await(s -> s.size() >= 4, Duration.ofSeconds(30));
      assertThat(spans).extracting(OtlpReceiver.Span::name)
          .containsExactlyInAnyOrder("kiln run", "build", "[1/2] FROM busybox", "[2/2] RUN make");
      OtlpReceiver.Span root = span(spans, "kiln run");
      OtlpReceiver.Span task = span(spans, "build");
      OtlpReceiver.Span from = span(spans, "[1/2] FROM busybox");
      OtlpReceiver.Span make = span(spans, "[2/2] RUN make");
      assertThat(root.parentId()).isEmpty();
      assertThat(root.attributes()).containsEntry("kiln.tasks", "build").containsEntry("kiln.run.succeeded", true);
      assertThat(root.resource()).containsEntry("service.name", "kiln-test");
      assertThat(spans).extracting(OtlpReceiver.Span::traceId).containsOnly(root.traceId());
      assertThat(task.parentId()).isEqualTo(root.spanId());
      // What the engine's calls for the task carry: the task's span, sampled.
      assertThat(traceParent[0]).matches("00-" + root.traceId() + "-" + task.spanId() + "-0[13]");
      assertThat(task.attributes()).containsEntry("kiln.task.status", "succeeded");
      assertThat(from.parentId()).isEqualTo(task.spanId());
      assertThat(from.attributes()).containsEntry("kiln.step.cached", true).containsEntry("kiln.step.digest",
          "sha256:a");
      assertThat(make.parentId()).isEqualTo(task.spanId());
      assertThat(make.attributes()).containsEntry("kiln.step.cached", false);
      // the engine's own times
      assertThat(make.startNanos()).isEqualTo((T0 + 1) * 1_000_000_000L);
      assertThat(make.endNanos()).isEqualTo((T0 + 4) * 1_000_000_000L);
    }
  }

  @Test
  void withoutAnEndpointOrWhenDisabledNothingIsTraced() throws Exception {
    try (Tracing none = Tracing.fromEnvironment(Map.of("PATH", "/usr/bin"));
        Tracing disabled = Tracing.fromEnvironment(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9",
            "OTEL_SDK_DISABLED", "true"))) {
      assertThat(none.enabled()).isFalse();
      assertThat(disabled.enabled()).isFalse();
    }
  }

  @Test
  void aProtocolKilnHasNoExporterForIsAClearError() {
    assertThatThrownBy(() -> Tracing.fromEnvironment(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9",
        "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"))).isInstanceOf(TracingException.class)
        .hasMessageStartingWith("cannot export traces as the OTEL_* variables say")
        .satisfies(e -> assertThat(((TracingException) e).hint()).hasValueSatisfying(h -> assertThat(h)
            .contains("OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf")));
  }

  private static OtlpReceiver.Span span(List<OtlpReceiver.Span> spans, String name) {
    return spans.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }
}
