package dev.kiln.planner.llb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.planner.llb.pb.Op;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourcesTest {
  private final LocalOptions options = LocalOptions.NONE
      .withIncludePatterns(List.of("src/", "pom.xml"))
      .withExcludePatterns(List.of("target/", "**/*.tmp"))
      .withSharedKeyHint("project");

  @Test
  void localSourcesCarryPatternsButNoSessionAndNoPlatform() {
    Definition def = new Marshaller().marshal(Sources.local(".", options, "context"));
    Op op = def.op(0);
    assertThat(op.getSource().getIdentifier()).isEqualTo("local://.");
    assertThat(op.getSource().getAttrsMap())
        .containsEntry("local.includepattern", "[\"src/\",\"pom.xml\"]")
        .containsEntry("local.excludepatterns", "[\"target/\",\"**/*.tmp\"]")
        .containsEntry("local.sharedkeyhint", "project")
        .doesNotContainKey("local.session");
    assertThat(op.hasPlatform()).isFalse();
    assertThat(def.metadata(def.digests().get(0)).getCapsMap()).containsOnlyKeys(
        Caps.SOURCE_LOCAL, Caps.SOURCE_LOCAL_INCLUDE_PATTERNS, Caps.SOURCE_LOCAL_EXCLUDE_PATTERNS,
        Caps.SOURCE_LOCAL_SHARED_KEY_HINT, Caps.META_DESCRIPTION);
  }

  @Test
  void theSessionIsStampedAtSubmitTimeAndTheRestOfTheGraphFollows() {
    LlbState image = MarshallerTest.busybox();
    LlbState built = image.run(Exec.of("make")
        .withMount(Mounts.readonly("/src", Sources.local(".", options, "")))).root();
    Definition planned = new Marshaller().marshal(built);
    Definition stamped = planned.withLocalSession("s1");

    assertThat(stamped.digests().get(0)).isEqualTo(planned.digests().get(0)); // the image
    int local = planned.op(1).hasSource() ? 1 : 0;
    assertThat(stamped.op(local).getSource().getAttrsMap()).containsEntry("local.session", "s1");
    assertThat(stamped.metadata(stamped.digests().get(local)).getCapsMap())
        .containsKey(Caps.SOURCE_LOCAL_SESSION_ID);
    assertThat(stamped.resultDigest()).isNotEqualTo(planned.resultDigest());
    assertThat(stamped.op(2).getInputsList()).extracting(i -> i.getDigest())
        .contains(stamped.digests().get(local));
    assertThat(stamped.plannedDigest(stamped.resultDigest())).isEqualTo(planned.resultDigest());
    assertThat(planned.withLocalSession("s1").toByteArray()).isEqualTo(stamped.toByteArray());
    assertThat(planned.withLocalSession("s2").resultDigest()).isNotEqualTo(stamped.resultDigest());
  }

  @Test
  void patternsAreJsonEscaped() {
    assertThat(Sources.jsonArray(List.of("a\"b", "c\\d"))).isEqualTo("[\"a\\\"b\",\"c\\\\d\"]");
  }
}
