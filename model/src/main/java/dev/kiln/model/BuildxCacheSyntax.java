package dev.kiln.model;

import dev.kiln.model.RemoteCache.Direction;
import dev.kiln.model.RemoteCache.Mode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads a {@link RemoteCache} written in buildx syntax ({@code type=registry,ref=...,mode=max}). */
final class BuildxCacheSyntax {
  private BuildxCacheSyntax() {}

  static RemoteCache parse(String text, Direction direction, SourceLocation location) {
    String t = text.trim();
    if (t.isEmpty()) {
      throw new PipelineException("empty cache specification", location,
          "use type=registry,ref=host/repo:tag or type=inline");
    }
    if (!t.contains("=")) {
      return new RemoteCache.Registry(t, Mode.MIN, Map.of(), location);
    }
    Map<String, String> attrs = new LinkedHashMap<>();
    for (String part : t.split(",")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new PipelineException("invalid cache specification '" + text + "': '" + part + "' is not key=value",
            location, "write it like type=registry,ref=host/repo:tag,mode=max");
      }
      attrs.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
    }
    String type = attrs.remove("type");
    if (type == null) {
      throw new PipelineException("cache specification '" + text + "' has no type", location,
          "add type=registry, type=inline or type=local");
    }
    return switch (type) {
      case "registry" -> new RemoteCache.Registry(required(attrs, "ref", location, "registry cache '"
          + text + "' has no ref", "add ref=host/repo:tag"), mode(attrs, location), attrs, location);
      case "local" -> local(attrs, direction, text, location);
      case "inline" -> inline(attrs, direction, text, location);
      default -> new RemoteCache.Other(type, attrs, location);
    };
  }

  private static RemoteCache local(Map<String, String> attrs, Direction direction, String text,
      SourceLocation location) {
    boolean export = direction == Direction.EXPORT;
    String key = export ? "dest" : "src";
    String dir = required(attrs, key, location,
        "a local cache " + (export ? "export needs dest=DIR" : "import needs src=DIR") + ": '" + text + "'",
        "write type=local," + key + "=DIR");
    attrs.remove(export ? "src" : "dest"); // one string may serve both --cache-from and --cache-to
    String tag = attrs.remove("tag");
    String digest = attrs.remove("digest");
    return new RemoteCache.Local(Path.of(dir), tag == null ? RemoteCache.Local.DEFAULT_TAG : tag, digest,
        mode(attrs, location), attrs, location);
  }

  private static RemoteCache inline(Map<String, String> attrs, Direction direction, String text,
      SourceLocation location) {
    if (direction == Direction.IMPORT) {
      throw new PipelineException("an inline cache cannot be imported: '" + text + "'", location,
          "import the published image's cache with type=registry,ref=IMAGE");
    }
    if (!attrs.isEmpty()) {
      throw new PipelineException("an inline cache takes no attributes: '" + text + "'", location,
          "write type=inline");
    }
    return new RemoteCache.Inline(location);
  }

  private static String required(Map<String, String> attrs, String key, SourceLocation location,
      String message, String hint) {
    String value = attrs.remove(key);
    if (value == null || value.isEmpty()) {
      throw new PipelineException(message, location, hint);
    }
    return value;
  }

  private static Mode mode(Map<String, String> attrs, SourceLocation location) {
    String mode = attrs.remove("mode");
    if (mode == null) {
      return Mode.MIN;
    }
    return switch (mode) {
      case "min" -> Mode.MIN;
      case "max" -> Mode.MAX;
      default -> throw new PipelineException("cache mode must be min or max, not '" + mode + "'", location,
          "write mode=min or mode=max");
    };
  }
}
