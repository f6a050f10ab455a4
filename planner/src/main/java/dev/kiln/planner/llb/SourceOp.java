package dev.kiln.planner.llb;

import dev.kiln.planner.llb.pb.Input;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A source vertex: an image ({@code docker-image://}) or a client directory ({@code local://}).
 * Build one with {@link Sources}.
 *
 * @param identifier e.g. {@code docker-image://docker.io/library/busybox:latest}, {@code local://src}
 * @param attrs source attributes (sorted)
 * @param platform the platform for image sources; {@code null} for platform-independent sources
 * @param name the progress name, or empty
 */
public record SourceOp(String identifier, SortedMap<String, String> attrs, Platform platform, String name)
    implements Vertex {
  static final String IMAGE_SCHEME = "docker-image://";
  static final String LOCAL_SCHEME = "local://";

  public SourceOp {
    Objects.requireNonNull(identifier, "identifier");
    Objects.requireNonNull(name, "name");
    attrs = Collections.unmodifiableSortedMap(new TreeMap<>(attrs));
  }

  /** True for a {@code local://} source (its content comes from the client). */
  public boolean isLocal() {
    return identifier.startsWith(LOCAL_SCHEME);
  }

  @Override
  public List<Output> inputs() {
    return List.of();
  }

  @Override
  public dev.kiln.planner.llb.pb.Op toPb(List<Input> wireInputs) {
    var op = dev.kiln.planner.llb.pb.Op.newBuilder()
        .setSource(dev.kiln.planner.llb.pb.SourceOp.newBuilder()
            .setIdentifier(identifier)
            .putAllAttrs(attrs));
    if (platform != null) {
      op.setPlatform(platform.toPb());
    }
    return op.build();
  }

  @Override
  public SortedSet<String> caps() {
    SortedSet<String> caps = new TreeSet<>();
    if (identifier.startsWith(IMAGE_SCHEME)) {
      caps.add(Caps.SOURCE_IMAGE);
      if (attrs.containsKey(Sources.ATTR_IMAGE_RESOLVE_MODE)) {
        caps.add(Caps.SOURCE_IMAGE_RESOLVE_MODE);
      }
    } else if (isLocal()) {
      caps.add(Caps.SOURCE_LOCAL);
      for (Map.Entry<String, String> cap : Sources.LOCAL_ATTR_CAPS.entrySet()) {
        if (attrs.containsKey(cap.getKey())) {
          caps.add(cap.getValue());
        }
      }
    }
    if (platform != null) {
      caps.add(Caps.PLATFORM);
    }
    return Collections.unmodifiableSortedSet(caps);
  }
}
