package dev.kiln.planner.llb;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.kiln.planner.llb.pb.Op;
import java.util.List;
import org.junit.jupiter.api.Test;

class FileOpTest {
  @Test
  void chainedActionsUseTheLenInputsPlusKConvention() {
    LlbState base = MarshallerTest.busybox();
    LlbState src = Sources.local("src", LocalOptions.NONE, "");
    LlbState out = base.withCwd("/app").file(List.of(
        new FileAction.MkDir("/app", 0755, true, null),
        new FileAction.Copy(src.output(), "/", "/app/", FileAction.CopyOptions.DEFAULT),
        new FileAction.MkFile("/app/VERSION", 0644, ByteString.copyFromUtf8("1\n"), Owner.parse("1000:1000")),
        new FileAction.Rm("/app/tmp", true, false)), "prepare");
    Definition def = new Marshaller().marshal(out);
    Op op = def.op(def.size() - 1);
    assertThat(op.hasPlatform()).isFalse();
    assertThat(op.getInputsCount()).isEqualTo(2);
    var actions = op.getFile().getActionsList();
    assertThat(actions).extracting(a -> a.getInput()).containsExactly(0L, 2L, 3L, 4L);
    assertThat(actions).extracting(a -> a.getSecondaryInput()).containsExactly(-1L, 1L, -1L, -1L);
    assertThat(actions).extracting(a -> a.getOutput()).containsExactly(-1L, -1L, -1L, 0L);
    assertThat(actions.get(1).getCopy().getMode()).isEqualTo(-1);
    assertThat(actions.get(1).getCopy().getTimestamp()).isEqualTo(-1L);
    assertThat(actions.get(2).getMkfile().getOwner().getUser().getByID()).isEqualTo(1000);
    assertThat(def.metadata(def.resultDigest()).getCapsMap()).containsOnlyKeys(Caps.FILE_BASE, Caps.META_DESCRIPTION);
  }

  @Test
  void onScratchTheFirstActionReadsNothing() {
    LlbState out = Sources.scratch().file(
        List.of(new FileAction.MkFile("/f", 0644, ByteString.EMPTY, null)), "");
    Op op = new Marshaller().marshal(out).op(0);
    assertThat(op.getInputsCount()).isZero();
    assertThat(op.getFile().getActions(0).getInput()).isEqualTo(-1);
  }

  @Test
  void copyPatternsNeedBuildKitV09() {
    var opts = FileAction.CopyOptions.DEFAULT.withPatterns(List.of("*.java"), List.of());
    var op = new FileOp(null, List.of(new FileAction.Copy(null, "/", "/", opts)), "");
    assertThat(op.caps()).contains(Caps.FILE_COPY_INCLUDE_EXCLUDE_PATTERNS);
    assertThat(Caps.addedIn(Caps.FILE_COPY_INCLUDE_EXCLUDE_PATTERNS)).hasValue("v0.9");
  }
}
