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
}
