package dev.kiln.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A container: a base image (empty for scratch) plus ordered operations.
 *
 * @param image the base image reference, or empty for scratch
 * @param platform {@code os/arch[/variant]}, or empty for the planner's default
 * @param build the Dockerfile build the container starts from instead of {@code image}, or null
 */
public record Container(String image, String platform, List<ContainerOp> ops, DockerBuild build) {
  public Container {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(platform, "platform");
    ops = List.copyOf(ops);
    if (build != null && !image.isEmpty()) {
      throw new IllegalArgumentException("a container starts from an image or a Dockerfile build, not both");
    }
  }

  /** A container from an image (empty for scratch). */
  public Container(String image, String platform, List<ContainerOp> ops) {
    this(image, platform, ops, null);
  }

  /** {@code container.dockerfile(context, dockerfile)} amended to {@code build}. */
  public static Container build(DockerBuild build) {
    return new Container("", "", List.of(), Objects.requireNonNull(build, "build"));
  }

  /** {@code container.from(image)}. */
  public static Container from(String image) {
    return new Container(image, "", List.of());
  }

  /** This container with {@code op} appended. */
  public Container with(ContainerOp op) {
    var all = new ArrayList<>(ops);
    all.add(op);
    return new Container(image, platform, all, build);
  }

  /** {@code withExec(args)}. */
  public Container withExec(String... args) {
    return with(new ContainerOp.Exec(List.of(args), false));
  }

  /** {@code withEnv(name, value)}. */
  public Container withEnv(String name, String value) {
    return with(new ContainerOp.WithEnv(name, value));
  }

  /** {@code withWorkdir(path)}. */
  public Container withWorkdir(String path) {
    return with(new ContainerOp.WithWorkdir(path));
  }

  /** {@code withDirectory(path, dir)}. */
  public Container withDirectory(String path, Directory dir) {
    return with(new ContainerOp.WithDirectory(path, dir, List.of(), List.of(), ""));
  }

  /** {@code withFile(path, file)}. */
  public Container withFile(String path, File file) {
    return with(new ContainerOp.WithFile(path, file, -1, ""));
  }

  /** {@code withNewFile(path, contents)}. */
  public Container withNewFile(String path, String contents) {
    return with(new ContainerOp.WithNewFile(path, contents, 0644, ""));
  }

  /** {@code withMountedCache(path, cache)}. */
  public Container withMountedCache(String path, CacheVolume cache) {
    return with(new ContainerOp.WithMountedCache(path, cache, ContainerOp.Sharing.SHARED));
  }

  /** {@code withMountedSecret(path, secret)}. */
  public Container withMountedSecret(String path, Secret secret) {
    return with(new ContainerOp.WithMountedSecret(path, secret));
  }

  /** The directory {@code path} of this container. */
  public Directory directory(String path) {
    return new Directory(new Directory.FromContainer(this, path), List.of());
  }

  /** The file {@code path} of this container. */
  public File file(String path) {
    return new File(new Directory(new Directory.FromContainer(this, "/"), List.of()), path);
  }
}
