package dev.kiln.model;

import static dev.kiln.model.RemoteCache.Direction.EXPORT;
import static dev.kiln.model.RemoteCache.Direction.IMPORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.model.RemoteCache.Mode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RemoteCacheTest {
  private static final SourceLocation AT = new SourceLocation(Path.of("pipeline.pkl"), 7, 5);

  @Test
  void buildxSyntaxBecomesTypedCaches() {
    assertThat(RemoteCache.parse("type=registry,ref=127.0.0.1:5000/app:cache,mode=max", EXPORT, AT))
        .isEqualTo(new RemoteCache.Registry("127.0.0.1:5000/app:cache", Mode.MAX, Map.of(), AT));
    assertThat(RemoteCache.parse(" registry.example.com/app:cache ", IMPORT, null))
        .isEqualTo(new RemoteCache.Registry("registry.example.com/app:cache", Mode.MIN));
    assertThat(RemoteCache.parse("type=inline", EXPORT, AT)).isEqualTo(new RemoteCache.Inline(AT));
    assertThat(RemoteCache.parse("type=local,src=c,tag=main", IMPORT, null))
        .isEqualTo(new RemoteCache.Local(Path.of("c"), "main", null, Mode.MIN, Map.of(), null));
    assertThat(RemoteCache.parse("type=local,dest=/c,mode=max,src=ignored", EXPORT, null))
        .isEqualTo(new RemoteCache.Local(Path.of("/c"), "latest", null, Mode.MAX, Map.of(), null));
  }

  @Test
  void attributesKilnDoesNotModelArePassedThrough() {
    assertThat(RemoteCache.parse("type=registry,ref=r/c,image-manifest=true, compression = zstd", EXPORT, null))
        .isEqualTo(new RemoteCache.Registry("r/c", Mode.MIN, Map.of("image-manifest", "true", "compression", "zstd"),
            null));
    assertThat(RemoteCache.parse("type=gha,scope=main", IMPORT, AT))
        .isEqualTo(new RemoteCache.Other("gha", Map.of("scope", "main"), AT));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      ''                          | IMPORT | empty cache specification                                   | type=inline
      type=registry               | IMPORT | registry cache 'type=registry' has no ref                   | add ref=
      ref=x                       | IMPORT | cache specification 'ref=x' has no type                     | add type=registry
      type=registry,ref=x,mode=all| EXPORT | cache mode must be min or max, not 'all'                    | mode=max
      type=registry,junk          | IMPORT | 'junk' is not key=value                                     | write it like
      type=local,dest=c           | IMPORT | a local cache import needs src=DIR: 'type=local,dest=c'     | type=local,src=DIR
      type=local,src=c            | EXPORT | a local cache export needs dest=DIR: 'type=local,src=c'     | type=local,dest=DIR
      type=inline                 | IMPORT | an inline cache cannot be imported                          | type=registry,ref=IMAGE
      type=inline,mode=max        | EXPORT | an inline cache takes no attributes                         | write type=inline
      """)
  void anInvalidCacheIsAPipelineErrorAtItsLocation(String text, RemoteCache.Direction direction, String message,
      String hint) {
    assertThatThrownBy(() -> RemoteCache.parse(text, direction, AT))
        .isInstanceOfSatisfying(PipelineException.class, e -> {
          assertThat(e.getMessage()).contains(message);
          assertThat(e.location()).contains(AT);
          assertThat(e.hint()).hasValueSatisfying(h -> assertThat(h).contains(hint));
        });
  }

  @Test
  void aLocalDirectoryIsResolvedAgainstABaseAndOthersStayAsTheyAre() {
    RemoteCache local = RemoteCache.parse("type=local,dest=../c,tag=main", EXPORT, AT);
    assertThat(local.resolve(Path.of("/work/p")))
        .isEqualTo(new RemoteCache.Local(Path.of("/work/c"), "main", null, Mode.MIN, Map.of(), AT));
    assertThat(new RemoteCache.Local(Path.of("/abs")).resolve(Path.of("/work/p")).equals(new RemoteCache.Local(
        Path.of("/abs")))).isTrue();
    RemoteCache registry = new RemoteCache.Registry("r/c", Mode.MIN);
    assertThat(registry.resolve(Path.of("/x"))).isSameAs(registry);
  }

  @Test
  void anAttributeWithItsOwnComponentIsRefused() {
    assertThatThrownBy(() -> new RemoteCache.Registry("r/c", Mode.MIN, Map.of("mode", "max"), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mode");
  }
}
