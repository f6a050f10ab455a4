package dev.kiln.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.planner.llb.FileAction;
import dev.kiln.planner.llb.LocalOptions;
import dev.kiln.planner.llb.Marshaller;
import dev.kiln.planner.llb.Sources;
import dev.kiln.planner.llb.pb.Op;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class DirectoryLayeringTest {
  private final List<FileAction> copies = List.of(
      new FileAction.Copy(Sources.local("a", LocalOptions.NONE, "").output(), "/", "/a", FileAction.CopyOptions.DEFAULT),
      new FileAction.Copy(Sources.local("b", LocalOptions.NONE, "").output(), "/", "/b", FileAction.CopyOptions.DEFAULT));

  @Test
  void mergesIndependentCopiesWhenTheEngineHasMergeOp() {
    var notes = new TreeSet<String>();
    DirRef dir = new DirectoryLayering(EngineCapabilities.latest(), notes)
        .apply(new DirRef(Sources.scratch(), "/"), copies);
    var def = new Marshaller().marshal(dir.fs());
    Op result = def.op(def.size() - 1);
    assertThat(result.hasMerge()).isTrue();
    assertThat(result.getMerge().getInputsCount()).isEqualTo(2);
    assertThat(def.caps()).contains("mergeop");
    assertThat(notes).isEmpty();
  }

  @Test
  void lowersToOneFileOpOnDocker2010() {
    var notes = new TreeSet<String>();
    DirRef dir = new DirectoryLayering(EngineCapabilities.dockerV20_10(), notes)
        .apply(new DirRef(Sources.scratch(), "/"), copies);
    var def = new Marshaller().marshal(dir.fs());
    Op result = def.op(def.size() - 1);
    assertThat(result.getFile().getActionsCount()).isEqualTo(2);
    assertThat(def.caps()).doesNotContain("mergeop");
    assertThat(notes).singleElement().asString().contains("Docker 20.10 (BuildKit v0.8), which has no MergeOp");
  }
}
