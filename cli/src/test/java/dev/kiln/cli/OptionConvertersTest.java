package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.model.RemoteCache;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine.TypeConversionException;

/** The converters that turn option values into types, and how the command line reports a bad value. */
class OptionConvertersTest extends KilnInProcess {
  private static final String HELLO = "../examples/hello/pipeline.pkl";

  @Test
  void anEnumIsReadByItsSpellingIgnoringCase() {
    assertThat(new OutputFormat.Converter().convert("JSON")).isEqualTo(OutputFormat.JSON);
    assertThat(new PlanFormat.Converter().convert(" dot ")).isEqualTo(PlanFormat.DOT);
    assertThat(new ProgressMode.Converter().convert("Plain")).isEqualTo(ProgressMode.PLAIN);
    assertThat(new PlanCommand.AssumedEngine.Converter().convert("Docker-20.10"))
        .isEqualTo(PlanCommand.AssumedEngine.DOCKER_20_10);
  }

  @Test
  void anUnknownValueListsTheValidOnes() {
    assertThatThrownBy(() -> new PlanFormat.Converter().convert("yaml")).isInstanceOf(TypeConversionException.class)
        .hasMessage("expected text, json or dot, not 'yaml'");
    assertThatThrownBy(() -> new ProgressMode.Converter().convert("fancy"))
        .hasMessage("expected auto, tty, plain or json, not 'fancy'");
    assertThatThrownBy(() -> new OutputFormat.Converter().convert("")).hasMessage("expected text or json, not ''");
    assertThatThrownBy(() -> new PlanCommand.AssumedEngine.Converter().convert("docker_20_10"))
        .hasMessage("expected docker-20.10 or latest, not 'docker_20_10'");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      validate --format yaml                    | Invalid value for option '--format': expected text or json, not 'yaml'
      list --format yaml                        | Invalid value for option '--format': expected text or json, not 'yaml'
      schema --list --format yaml               | Invalid value for option '--format': expected text or json, not 'yaml'
      engine info --format yaml                 | Invalid value for option '--format': expected text or json, not 'yaml'
      plan --format yaml                        | Invalid value for option '--format': expected text, json or dot, not 'yaml'
      run --progress fancy                      | Invalid value for option '--progress': expected auto, tty, plain or json, not 'fancy'
      run --cache-to type=local,src=c           | a local cache export needs dest=DIR: 'type=local,src=c' (write type=local,dest=DIR)
      run --cache-from type=inline              | an inline cache cannot be imported
      run --cache-from type=registry,mode=max   | registry cache 'type=registry,mode=max' has no ref (add ref=host/repo:tag)
      """)
  void aBadValueIsAUsageErrorBeforeAnythingRuns(String line, String message) {
    assertThat(kiln(line.split(" "))).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains(message).doesNotContain("Exception");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void theSameFormatValuesWorkEverywhere() {
    assertThat(kiln("validate", "--format", "JSON", HELLO)).as(err.toString()).isZero();
    assertThat(out.toString()).contains("\"valid\" : true");
    assertThat(kiln("list", "-f", HELLO, "--format", "Json")).as(err.toString()).isZero();
    assertThat(out.toString()).startsWith("{");
  }

  @Test
  void aCacheFlagIsTheSameTypedCacheAsThePipelinesWithItsDirectoryFromTheWorkingDirectory() {
    assertThat(new CacheFlag.Export().convert("type=registry,ref=127.0.0.1:5000/c:main,mode=max"))
        .isEqualTo(new RemoteCache.Registry("127.0.0.1:5000/c:main", RemoteCache.Mode.MAX));
    assertThat(new CacheFlag.Import().convert("type=local,src=ci-cache,tag=main")).isEqualTo(new RemoteCache.Local(
        Path.of("ci-cache").toAbsolutePath(), "main", null, RemoteCache.Mode.MIN, Map.of(), null));
    assertThatThrownBy(() -> new CacheFlag.Import().convert("type=local,dest=c"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessage("a local cache import needs src=DIR: 'type=local,dest=c' (write type=local,src=DIR)");
  }

  @Test
  void aCommandThatReadsOnePipelineTakesOneFile() {
    assertThat(kiln("list", "-f", HELLO, "-f", HELLO)).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("option '--file' (FILE) should be specified only once");
  }
}
