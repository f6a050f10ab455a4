package dev.kiln.executor.engine;

/** Which BuildKit engine Kiln talks to: Docker's embedded one or a standalone buildkitd. */
public enum EngineKind {
  /** The BuildKit embedded in the Docker daemon, reached through Docker's API ({@code docker://}). */
  DOCKER("docker", "Docker"),
  /** A standalone buildkitd ({@code unix://}, {@code tcp://}, {@code kube-pod://}). */
  BUILDKITD("buildkitd", "buildkitd");

  private final String id;
  private final String title;

  EngineKind(String id, String title) {
    this.id = id;
    this.title = title;
  }

  /** The kind of engine that listens at {@code address}. */
  static EngineKind of(EngineAddress address) {
    return address.docker() ? DOCKER : BUILDKITD;
  }

  /** The name in {@code kiln engine info --format json} and in cache keys: {@code docker}, {@code buildkitd}. */
  String id() {
    return id;
  }

  /** The name the planner puts in its messages: {@code Docker}, {@code buildkitd}. */
  String title() {
    return title;
  }

  /**
   * For messages: {@code Docker 20.10.24 (BuildKit v0.8.2)}, {@code buildkitd v0.12.5}.
   *
   * @param dockerVersion the Docker daemon's version (ignored for {@code BUILDKITD})
   */
  String describe(String dockerVersion, String buildkitVersion) {
    return this == DOCKER ? title + " " + dockerVersion + " (BuildKit " + buildkitVersion + ")"
        : title + " " + buildkitVersion;
  }
}
