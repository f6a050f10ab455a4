package dev.kiln.planner.llb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.planner.llb.pb.Op;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarshallerTest {
  static LlbState busybox() {
    return Sources.image(ImageRef.parse("busybox"), Platform.LINUX_AMD64);
  }

  @Test
  void imageSourceIsNormalisedWithPlatformAndCap() {
    Definition def = new Marshaller().marshal(busybox());
    assertThat(def.size()).isEqualTo(1);
    Op source = def.op(0);
    assertThat(source.getSource().getIdentifier())
        .isEqualTo("docker-image://docker.io/library/busybox:latest");
    assertThat(source.getPlatform().getOS()).isEqualTo("linux");
    assertThat(source.getPlatform().getArchitecture()).isEqualTo("amd64");
    assertThat(def.metadata(def.digests().get(0)).getCapsMap())
        .containsOnlyKeys(Caps.SOURCE_IMAGE, Caps.PLATFORM);
  }

  @Test
  void dependenciesComeFirstTheReturnOpLastAndEachDigestOnce() {
    LlbState base = busybox();
    LlbState a = base.run(Exec.of("touch", "/a")).root();
    LlbState b = base.run(Exec.of("touch", "/b")).root();
    LlbState both = a.file(List.of(new FileAction.Copy(b.output(), "/b", "/b", FileAction.CopyOptions.DEFAULT)), "");
    Definition def = new Marshaller().marshal(both);

    assertThat(def.digests()).doesNotHaveDuplicates().hasSize(5);
    List<String> digests = def.digests();
    for (int i = 0; i < digests.size(); i++) {
      for (var in : def.op(i).getInputsList()) {
        assertThat(digests.subList(0, i)).contains(in.getDigest());
      }
    }
    Op ret = def.op(digests.size() - 1);
    assertThat(ret.getInputsCount()).isEqualTo(1);
    assertThat(ret.getOpCase()).isEqualTo(Op.OpCase.OP_NOT_SET);
    assertThat(ret.getInputs(0).getDigest()).isEqualTo(digests.get(digests.size() - 2));
    assertThat(def.resultDigest()).isEqualTo(digests.get(digests.size() - 2));
  }

  @Test
  void structurallyEqualGraphsBuiltSeparatelyGetTheSameBytes() {
    LlbState one = busybox().withEnv("B", "2").withEnv("A", "1").run(Exec.of("true")).root();
    LlbState two = busybox().withEnv("A", "1").withEnv("B", "2").run(Exec.of("true")).root();
    byte[] first = new Marshaller().marshal(one).toByteArray();
    byte[] second = new Marshaller().marshal(two).toByteArray();
    assertThat(first).isEqualTo(second);
    assertThat(new Marshaller().marshal(one).op(1).getExec().getMeta().getEnvList())
        .containsExactly("A=1", "B=2");
  }

  @Test
  void digestIsSha256OfTheOpBytes() throws Exception {
    Definition def = new Marshaller().marshal(busybox());
    var pb = def.toPb();
    var md = MessageDigest.getInstance("SHA-256");
    String expected = "sha256:" + HexFormat.of().formatHex(md.digest(pb.getDef(0).toByteArray()));
    assertThat(def.digests().get(0)).isEqualTo(expected);
  }

  @Test
  void roundTripsThroughTheWire() throws Exception {
    LlbState s = busybox().run(Exec.of("sh", "-c", "echo hi > /x").withName("greet")).root();
    Definition def = new Marshaller().marshal(s);
    var parsed = dev.kiln.planner.llb.pb.Definition.parseFrom(def.toByteArray());
    Definition back = Definition.fromPb(parsed);
    assertThat(back).isEqualTo(def);
    assertThat(back.digests()).isEqualTo(def.digests());
    Op exec = back.op(1);
    assertThat(exec.getExec().getMeta().getArgsList()).containsExactly("sh", "-c", "echo hi > /x");
    assertThat(back.metadata(back.digests().get(1)).getDescriptionMap())
        .containsEntry(Marshaller.CUSTOM_NAME, "greet");
  }

  @Test
  void veryLongChainsDoNotOverflowTheStack() {
    LlbState s = busybox();
    for (int i = 0; i < 20_000; i++) {
      s = s.file(List.of(new FileAction.MkDir("/d" + i, 0755, false, null)), "");
    }
    assertThat(new Marshaller().marshal(s).size()).isEqualTo(20_001);
  }
}
