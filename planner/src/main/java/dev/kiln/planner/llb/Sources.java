package dev.kiln.planner.llb;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Factories for source states: {@link #scratch()}, {@link #image}, {@link #local}. */
public final class Sources {
  static final String ATTR_IMAGE_RESOLVE_MODE = "image.resolvemode";
  static final String ATTR_LOCAL_SESSION = "local.session";
  static final String ATTR_LOCAL_INCLUDE = "local.includepattern"; // singular on the wire
  static final String ATTR_LOCAL_EXCLUDE = "local.excludepatterns";
  static final String ATTR_LOCAL_FOLLOW = "local.followpaths";
  static final String ATTR_LOCAL_SHARED_KEY_HINT = "local.sharedkeyhint";

  static final Map<String, String> LOCAL_ATTR_CAPS =
      Map.of(
          ATTR_LOCAL_SESSION, Caps.SOURCE_LOCAL_SESSION_ID,
          ATTR_LOCAL_INCLUDE, Caps.SOURCE_LOCAL_INCLUDE_PATTERNS,
          ATTR_LOCAL_EXCLUDE, Caps.SOURCE_LOCAL_EXCLUDE_PATTERNS,
          ATTR_LOCAL_FOLLOW, Caps.SOURCE_LOCAL_FOLLOW_PATHS,
          ATTR_LOCAL_SHARED_KEY_HINT, Caps.SOURCE_LOCAL_SHARED_KEY_HINT);

  private static final JsonFactory JSON = new JsonFactory();

  /** How the engine resolves an image reference. */
  public enum ResolveMode {
    /** The engine's default (use a local copy when it has one). Not written to the op. */
    DEFAULT,
    /** Always ask the registry. */
    PULL,
    /** Only use what the engine has. */
    LOCAL
  }

  private Sources() {}

  /** The empty filesystem. */
  public static LlbState scratch() {
    return LlbState.SCRATCH;
  }

  /** An image's root filesystem; the state's env, cwd and user are not taken from the image. */
  public static LlbState image(ImageRef ref, Platform platform) {
    return image(ref, platform, ResolveMode.DEFAULT, "");
  }

  /** An image with an explicit resolve mode and progress name. */
  public static LlbState image(ImageRef ref, Platform platform, ResolveMode mode, String name) {
    var attrs = new TreeMap<String, String>();
    if (mode != ResolveMode.DEFAULT) {
      attrs.put(ATTR_IMAGE_RESOLVE_MODE, mode.name().toLowerCase(Locale.ROOT));
    }
    var op = new SourceOp(SourceOp.IMAGE_SCHEME + ref, attrs, platform, name);
    return LlbState.SCRATCH.withPlatform(platform).withOutput(new Output(op, 0));
  }

  /**
   * A directory of the client, sent by the session's FileSync service under {@code name}.
   *
   * <p>No {@code local.session} attribute is written: it changes on every run and would change
   * every digest downstream. The executor stamps it at submit time with {@link
   * Definition#withLocalSession}.
   */
  public static LlbState local(String name, LocalOptions options, String progressName) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("a local source needs a name");
    }
    var attrs = new TreeMap<String, String>();
    if (!options.includePatterns().isEmpty()) {
      attrs.put(ATTR_LOCAL_INCLUDE, jsonArray(options.includePatterns()));
    }
    if (!options.excludePatterns().isEmpty()) {
      attrs.put(ATTR_LOCAL_EXCLUDE, jsonArray(options.excludePatterns()));
    }
    if (!options.followPaths().isEmpty()) {
      attrs.put(ATTR_LOCAL_FOLLOW, jsonArray(options.followPaths()));
    }
    if (!options.sharedKeyHint().isEmpty()) {
      attrs.put(ATTR_LOCAL_SHARED_KEY_HINT, options.sharedKeyHint());
    }
    var op = new SourceOp(SourceOp.LOCAL_SCHEME + name, attrs, null, progressName);
    return LlbState.SCRATCH.withOutput(new Output(op, 0));
  }

  static String jsonArray(List<String> values) {
    var out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartArray();
      for (String v : values) {
        g.writeString(v);
      }
      g.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }
}
