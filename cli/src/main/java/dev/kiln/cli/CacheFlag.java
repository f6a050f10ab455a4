package dev.kiln.cli;

import dev.kiln.model.PipelineException;
import dev.kiln.model.RemoteCache;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a {@code --cache-from}/{@code --cache-to} value, in buildx syntax, into the same typed
 * cache the pipeline's {@code cache} block gives; a relative directory is taken against the
 * working directory.
 */
abstract class CacheFlag implements ITypeConverter<RemoteCache> {
  private final RemoteCache.Direction direction;

  private CacheFlag(RemoteCache.Direction direction) {
    this.direction = direction;
  }

  @Override
  public RemoteCache convert(String value) {
    try {
      return RemoteCache.parse(value, direction, null).resolve(Path.of("").toAbsolutePath());
    } catch (PipelineException e) {
      throw new TypeConversionException(e.getMessage() + e.hint().map(h -> " (" + h + ")").orElse(""));
    }
  }

  /** {@code --cache-from}. */
  static final class Import extends CacheFlag {
    Import() {
      super(RemoteCache.Direction.IMPORT);
    }
  }

  /** {@code --cache-to}. */
  static final class Export extends CacheFlag {
    Export() {
      super(RemoteCache.Direction.EXPORT);
    }
  }
}
