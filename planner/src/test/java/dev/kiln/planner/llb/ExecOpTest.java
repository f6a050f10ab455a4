package dev.kiln.planner.llb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.planner.llb.pb.MountType;
import dev.kiln.planner.llb.pb.Op;
import org.junit.jupiter.api.Test;

class ExecOpTest {
  private final LlbState busybox = MarshallerTest.busybox();
  private final LlbState src = Sources.local("src", LocalOptions.NONE, "");

  @Test
  void mountsAreSortedByDestAndOnlyWritableBindsGetOutputs() {
    ExecState run = busybox.withCwd("/work").withUser("1000")
        .run(Exec.of("make")
            .withMount(Mounts.cache("/root/.cache", "m2"))
            .withMount(Mounts.bind("/out", Sources.scratch()))
            .withMount(Mounts.readonly("/src", src))
            .withMount(Mounts.secret("/run/secrets/token", "token"))
            .withMount(Mounts.tmpfs("/tmp")));
    Definition def = new Marshaller().marshal(run.mount("/out"));
    Op op = def.op(def.size() - 1);
    var mounts = op.getExec().getMountsList();
    assertThat(mounts).extracting(m -> m.getDest())
        .containsExactly("/", "/out", "/root/.cache", "/run/secrets/token", "/src", "/tmp");
    assertThat(mounts).extracting(m -> m.getOutput()).containsExactly(0L, 1L, -1L, 0L, -1L, -1L);
    assertThat(mounts).extracting(m -> m.getInput()).containsExactly(0L, -1L, -1L, -1L, 1L, -1L);
    assertThat(mounts.get(2).getMountType()).isEqualTo(MountType.CACHE);
    assertThat(mounts.get(2).getCacheOpt().getID()).isEqualTo("m2");
    assertThat(mounts.get(3).getSecretOpt().getID()).isEqualTo("token");
    assertThat(mounts.get(3).getSecretOpt().getMode()).isEqualTo(0400);
    assertThat(mounts.get(4).getReadonly()).isTrue();
    assertThat(op.getExec().getMeta().getCwd()).isEqualTo("/work");
    assertThat(op.getExec().getMeta().getUser()).isEqualTo("1000");
    assertThat(op.getInputs(op.getExec().getMounts(0).getInput() == 0 ? 0 : 1).getIndex()).isZero();
    assertThat(def.op(def.size()).getInputs(0).getIndex()).isEqualTo(1); // result: /out
    assertThat(def.metadata(def.resultDigest()).getCapsMap()).containsOnlyKeys(
        Caps.EXEC_META_BASE, Caps.PLATFORM, Caps.EXEC_MOUNT_BIND, Caps.EXEC_MOUNT_CACHE,
        Caps.EXEC_MOUNT_CACHE_SHARING, Caps.EXEC_MOUNT_SECRET, Caps.EXEC_MOUNT_TMPFS);
  }

  @Test
  void theSameInputMountedTwiceIsOneInput() {
    ExecState run = busybox.run(Exec.of("true")
        .withMount(Mounts.readonly("/a", src))
        .withMount(Mounts.readonly("/b", src, "sub")));
    Op op = new Marshaller().marshal(run.root()).op(2);
    assertThat(op.getInputsCount()).isEqualTo(2);
    assertThat(op.getExec().getMounts(1).getInput()).isEqualTo(op.getExec().getMounts(2).getInput());
    assertThat(op.getExec().getMounts(2).getSelector()).isEqualTo("sub");
  }

  @Test
  void refusesTwoMountsAtOneDestination() {
    assertThatThrownBy(() -> busybox.run(Exec.of("true").withMount(Mounts.tmpfs("/"))))
        .hasMessageContaining("two mounts at /");
  }

  @Test
  void secretEnvAndTmpfsSizeDeclareTheirNewerCaps() {
    ExecState run = busybox.run(Exec.of("true")
        .withSecretEnv(new Exec.SecretEnv("token", "TOKEN", false))
        .withMount(new Mount.Tmpfs("/tmp", 1 << 20)));
    assertThat(run.op().caps()).contains(Caps.EXEC_SECRET_ENV, Caps.EXEC_MOUNT_TMPFS_SIZE);
  }
}
