package dev.kiln.planner.llb;

import java.util.Objects;

/**
 * An OCI platform such as {@code linux/amd64} or {@code linux/arm64/v8}.
 *
 * @param os operating system, e.g. {@code linux}
 * @param architecture CPU architecture, e.g. {@code amd64}
 * @param variant CPU variant, e.g. {@code v8}, or empty
 */
public record Platform(String os, String architecture, String variant) {
  /** The default platform of Kiln's engines. */
  public static final Platform LINUX_AMD64 = new Platform("linux", "amd64", "");

  public Platform {
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(variant, "variant");
    if (os.isEmpty() || architecture.isEmpty()) {
      throw new IllegalArgumentException("platform needs an os and an architecture");
    }
  }

  /** Parses {@code os/arch[/variant]}. */
  public static Platform parse(String text) {
    String[] parts = text.split("/", -1);
    if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new IllegalArgumentException("not a platform (os/arch[/variant]): " + text);
    }
    return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : "");
  }

  dev.kiln.planner.llb.pb.Platform toPb() {
    return dev.kiln.planner.llb.pb.Platform.newBuilder()
        .setOS(os)
        .setArchitecture(architecture)
        .setVariant(variant)
        .build();
  }

  @Override
  public String toString() {
    return variant.isEmpty() ? os + "/" + architecture : os + "/" + architecture + "/" + variant;
  }
}
