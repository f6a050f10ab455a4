package dev.kiln.planner;

import dev.kiln.model.DockerBuild;
import dev.kiln.model.Secret;
import dev.kiln.model.SourceLocation;
import dev.kiln.planner.llb.FileAction;
import dev.kiln.planner.llb.ForeignOp;
import dev.kiln.planner.llb.LlbState;
import dev.kiln.planner.llb.Marshaller;
import dev.kiln.planner.llb.Platform;
import dev.kiln.planner.llb.Sources;
import dev.kiln.planner.llb.pb.Location;
import dev.kiln.planner.llb.pb.Locations;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Lowers the Dockerfile builds containers start from: the context is planned like any directory
 * (its files at the root), the {@link DockerfileFrontend} turns it and the options into the
 * frontend's LLB, and the container starts on that LLB's result with the built stage's image
 * configuration. The ops the frontend made keep their digests, and the source map's lines are
 * kept by digest ({@link #locations}), so a failing step can be reported at its Dockerfile line.
 */
final class DockerfileLowering {
  private record Key(DirRef context, DirRef dockerfileDirectory, String dockerfile, String target,
      Map<String, String> buildArgs, Platform platform) {}

  private final DockerfileFrontend frontend;
  private final Set<String> notes;
  private final Marshaller marshaller = new Marshaller();
  private final Map<Key, ContainerState> built = new HashMap<>();
  private final Map<String, SourceLocation> locations = new HashMap<>();

  DockerfileLowering(DockerfileFrontend frontend, Set<String> notes) {
    this.frontend = frontend;
    this.notes = notes;
  }

  /** Where the steps of every Dockerfile lowered so far are, by op digest. */
  Map<String, SourceLocation> locations() {
    return locations;
  }

  /**
   * The container {@code build} starts, on {@code platform}.
   *
   * @param context the lowered build context
   * @param dockerfileDirectory the lowered directory holding the Dockerfile
   * @param file the Dockerfile for errors: its project-relative path when it is a host file
   */
  ContainerState container(DockerBuild build, DirRef context, DirRef dockerfileDirectory, Path file,
      Platform platform) {
    Key key = new Key(context, dockerfileDirectory, build.dockerfile().path(), build.target(), build.buildArgs(),
        platform);
    ContainerState state = built.get(key);
    if (state == null) {
      state = lower(key, file);
      built.put(key, state);
    }
    return state.withSecrets(build.secrets().stream().map(Secret::name).toList());
  }

  private ContainerState lower(Key key, Path file) {
    LlbState context = atRoot(key.context());
    LlbState dockerfileDirectory = key.dockerfileDirectory().equals(key.context())
        ? context : atRoot(key.dockerfileDirectory());
    if (context.isScratch() || dockerfileDirectory.isScratch()) {
      throw new PlanException("the build context of " + file + " or the directory holding it is empty",
          "pass the directory holding the Dockerfile and the files it copies", SourceLocation.of(file));
    }
    var request = new DockerfileRequest(marshaller.marshal(context), marshaller.marshal(dockerfileDirectory),
        key.dockerfile(), key.target(), key.buildArgs(), key.platform(), SourceLocation.of(file));
    Optional<DockerfileResult> result = frontend.build(request);
    if (result.isEmpty()) {
      notes.add("Dockerfile `" + file + "` was not built: its steps are not in this plan (run with an engine"
          + " to build it)");
      return ContainerState.of(Sources.scratch().withPlatform(key.platform()));
    }
    var definition = result.get().definition();
    definition.getSource().getLocationsMap().forEach((digest, at) -> line(at).ifPresent(
        line -> locations.put(digest, new SourceLocation(file, line, 0))));
    LlbState fs = Sources.scratch().withPlatform(key.platform()).withOutput(ForeignOp.load(definition));
    return ContainerState.of(fs, result.get().config());
  }

  /** The first line of a step's first location in the Dockerfile (source 0); lines are 1-based. */
  private static Optional<Integer> line(Locations at) {
    for (Location l : at.getLocationsList()) {
      if (l.getSourceIndex() == 0 && l.getRangesCount() > 0 && l.getRanges(0).getStart().getLine() > 0) {
        return Optional.of(l.getRanges(0).getStart().getLine());
      }
    }
    return Optional.empty();
  }

  /** The context's files at the root of a filesystem: the directory itself, or a copy of it there. */
  private static LlbState atRoot(DirRef context) {
    if (context.path().equals("/") || context.fs().isScratch()) {
      return context.fs();
    }
    var contents = new FileAction.CopyOptions(true, true, true, false, false, -1, null, List.of(), List.of());
    return Sources.scratch().file(
        List.of(new FileAction.Copy(context.fs().output(), context.path(), "/", contents)), "build context");
  }
}
