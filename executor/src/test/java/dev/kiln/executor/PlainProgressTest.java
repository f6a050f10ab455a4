package dev.kiln.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.executor.proto.control.Vertex;
import dev.kiln.planner.llb.Definition;
import dev.kiln.planner.llb.Marshaller;
import dev.kiln.planner.llb.Sources;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class PlainProgressTest {
  private final StringWriter out = new StringWriter();
  private final PlainProgress progress = new PlainProgress(new PrintWriter(out, true));
  private final Definition def = new Marshaller().marshal(
      Sources.image(dev.kiln.planner.llb.ImageRef.parse("busybox:latest"), dev.kiln.planner.llb.Platform.LINUX_AMD64));

  private void vertex(String digest, String name, String error) {
    progress.status("build", def, StatusResponse.newBuilder().addVertexes(Vertex.newBuilder().setDigest(digest)
        .setName(name).setError(error)).build());
  }

  @Test
  void aRemoteCacheThatIsNotThereYetIsNoError() {
    vertex("sha256:1", "importing cache manifest from host:5000/app/cache:main-build-0",
        "failed to configure registry cache importer: host:5000/app/cache:main-build-0: not found");
    vertex("sha256:2", "importing cache manifest from host:5000/app/cache:main",
        "failed to authorize: 401 Unauthorized");
    assertThat(out.toString())
        .contains("[build] #1 NO CACHE host:5000/app/cache:main-build-0 (not found: nothing to import yet)")
        .contains("[build] #2 ERROR importing cache manifest from host:5000/app/cache:main: failed to authorize")
        .doesNotContain("ERROR importing cache manifest from host:5000/app/cache:main-build-0");
  }

  private void step(String digest, String name, long startedMs, long completedMs) {
    Vertex.Builder v = Vertex.newBuilder().setDigest(digest).setName(name)
        .setStarted(com.google.protobuf.Timestamp.newBuilder().setSeconds(startedMs / 1000).setNanos((int) (startedMs % 1000) * 1_000_000));
    if (completedMs >= 0) {
      v.setCompleted(com.google.protobuf.Timestamp.newBuilder().setSeconds(completedMs / 1000)
          .setNanos((int) (completedMs % 1000) * 1_000_000));
    }
    progress.status("build", def, StatusResponse.newBuilder().addVertexes(v).build());
  }

  @Test
  void aLocalSourceReportedDoneBeforeItsTransferShowsTheTransfersTimeToo() {
    // BuildKit v0.8: the local source is done at once (its cache key), then runs the transfer
    step("sha256:1", "host .", 1_000, 1_000);
    step("sha256:1", "host .", 1_000, 1_000); // the same update again: printed once
    step("sha256:1", "host .", 1_010, -1);
    step("sha256:1", "host .", 1_010, 4_110);
    assertThat(out.toString()).contains("[build] #1 DONE 0.0s host .\n").contains("[build] #1 DONE 3.1s host .\n");
    assertThat(out.toString().split("DONE", -1)).hasSize(3);
  }
}
