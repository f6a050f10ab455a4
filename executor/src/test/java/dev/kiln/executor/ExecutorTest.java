package dev.kiln.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.model.RemoteCache;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The executor's entry point without an engine: its builder, and what happens when no engine answers. */
class ExecutorTest {
  @TempDir Path dir;

  private static RemoteCache cache(String ref) {
    return RemoteCache.parse(ref, RemoteCache.Direction.IMPORT, null);
  }

  /** Reached ahead ({@link ExecutorBuilder#connectAhead}) or not, the failure comes where the engine is first needed. */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void anUnreachableEngineIsUnavailableWithItsAddressAndNothingMoreHappens(boolean ahead) {
    String address = "unix://" + dir.resolve("none.sock");
    List<String> phases = new ArrayList<>();
    ExecutorBuilder builder = ExecutorBuilder.unconfigured().setEngine(address);
    if (ahead) {
      builder.connectAhead();
    }
    try (Executor executor = builder.setPhaseListener(phases::add).build()) {
      assertThatThrownBy(executor::engine).isInstanceOfSatisfying(EngineUnavailableException.class,
          e -> assertThat(e.attempts()).singleElement().asString().contains(address));
    }
    assertThat(phases).isEmpty();
  }

  @Test
  void aConnectionStartedAheadServesOnlyTheEngineItWasStartedFor() {
    String first = "unix://" + dir.resolve("first.sock");
    String second = "unix://" + dir.resolve("second.sock");
    ExecutorBuilder builder = ExecutorBuilder.unconfigured().setEngine(first).connectAhead().setEngine(second);
    try (Executor executor = builder.build()) {
      assertThatThrownBy(executor::engine).isInstanceOfSatisfying(EngineUnavailableException.class,
          e -> assertThat(e.attempts()).singleElement().asString().contains(second).doesNotContain(first));
    }
  }

  @Test
  void aClosedExecutorSaysSo() {
    Executor executor = ExecutorBuilder.unconfigured().setEngine("unix://" + dir.resolve("none.sock")).build();
    executor.close();
    assertThatThrownBy(executor::diskUsage).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  void theBuilderChecksWhatItIsGivenAndBuildsFromACopy() throws Exception {
    assertThatThrownBy(() -> ExecutorBuilder.unconfigured().setParallel(0)).isInstanceOf(IllegalArgumentException.class);
    ExecutorBuilder builder = ExecutorBuilder.unconfigured().setEnvironment(Map.of("BUILDKIT_HOST", "bogus"))
        .addCacheImport(cache("registry.example/app:a"));
    Executor first = builder.build();
    builder.setEngine("unix://" + dir.resolve("none.sock")).addCacheImport(cache("registry.example/app:b"));
    ExecutorSettings settings = ((ExecutorImpl) first).settings();
    assertThat(settings.engine()).isNull();
    assertThat(settings.cacheImports()).containsExactly(cache("registry.example/app:a"));
    assertThat(((ExecutorImpl) builder.build()).settings().cacheImports()).hasSize(2);
  }

  @Test
  void theSharedKeyIsStablePerProjectAndDiffersBetweenProjects() {
    assertThat(ExecutorImpl.sharedKey(Path.of("/work/app"))).isEqualTo(ExecutorImpl.sharedKey(Path.of("/work/app")))
        .startsWith("app:").isNotEqualTo(ExecutorImpl.sharedKey(Path.of("/other/app")));
  }
}
