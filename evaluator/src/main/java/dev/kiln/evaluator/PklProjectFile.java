package dev.kiln.evaluator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.model.PipelineException;
import dev.kiln.model.SourceLocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.pkl.core.PklException;
import org.pkl.core.SecurityManager;
import org.pkl.core.SecurityManagers;
import org.pkl.core.project.DeclaredDependencies;
import org.pkl.core.project.Project;

/**
 * A project's {@code PklProject} (the Pkl packages its pipeline imports as {@code @name/...}) and
 * its {@code PklProject.deps.json}, loaded in Kiln's sandbox: the PklProject may import only Pkl's
 * standard library and files under the project root (local dependencies too), reads no environment
 * variable, and its {@code evaluatorSettings} are ignored (they could loosen the sandbox).
 */
final class PklProjectFile {
  /** The project file's name, as Pkl spells it. */
  static final String NAME = "PklProject";

  /** The resolved dependencies' file, beside the project file. */
  static final String DEPS = "PklProject.deps.json";

  private final Path root;
  private final Project project;
  private final List<Resolved> resolved;

  /** One entry of {@code PklProject.deps.json}: a remote package with its metadata's sha256, or a local project. */
  record Resolved(String key, String uri, boolean remote, String sha256, Path path) {
    /** The package URI as a user writes it ({@code package://host/path@1.2.0}). */
    String packageUri() {
      return uri.replaceFirst("^projectpackage:", "package:");
    }
  }

  private PklProjectFile(Path root, Project project, List<Resolved> resolved) {
    this.root = root;
    this.project = project;
    this.resolved = List.copyOf(resolved);
  }

  /**
   * The project file of {@code root}, if it has one; its deps.json must exist unless {@code
   * resolving}.
   *
   * @throws PipelineException when the PklProject or its deps.json is invalid or missing
   */
  static Optional<PklProjectFile> of(Path root, boolean resolving) {
    Path file = root.resolve(NAME);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Project project = load(root, file);
    Path deps = root.resolve(DEPS);
    if (!Files.isRegularFile(deps)) {
      if (resolving || project.getDependencies().getRemoteDependencies().isEmpty()
          && project.getDependencies().getLocalDependencies().isEmpty()) {
        return Optional.of(new PklProjectFile(root, project, List.of()));
      }
      throw new PipelineException("the project's Pkl dependencies are not resolved: there is no " + DEPS,
          SourceLocation.of(PklErrors.display(file)), "run `kiln deps resolve` and commit " + DEPS);
    }
    return Optional.of(new PklProjectFile(root, project, parseDeps(deps, deps)));
  }

  private static Project load(Path root, Path file) {
    PklErrors errors = new PklErrors(root.resolve(KilnSchema.DIRECTORY));
    try {
      return Project.loadFromPath(file, sandbox(root), Duration.ofSeconds(30), errors, Map.of());
    } catch (PklException e) {
      throw errors.convert(e, file, null);
    }
  }

  /** What a PklProject (and Kiln's packaging) may read: Pkl's standard library and the project's files. */
  static SecurityManager sandbox(Path root) {
    String rootUri = root.toUri().toString();
    return SecurityManagers.standard(
        List.of(Pattern.compile("pkl:"), Pattern.compile(Pattern.quote(rootUri.endsWith("/") ? rootUri : rootUri + "/"))),
        List.of(Pattern.compile(Pattern.quote(rootUri.endsWith("/") ? rootUri : rootUri + "/"))),
        SecurityManagers.defaultTrustLevels, root);
  }

  /** The entries of the deps.json in {@code file}, reported as {@code deps} (its final place). */
  static List<Resolved> parseDeps(Path file, Path deps) {
    SourceLocation at = SourceLocation.of(PklErrors.display(deps));
    JsonNode json;
    try {
      json = new ObjectMapper().readTree(Files.readString(file));
    } catch (IOException e) {
      throw new PipelineException(DEPS + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), at,
          "run `kiln deps resolve` to write it again");
    }
    JsonNode entries = json == null ? null : json.get("resolvedDependencies");
    if (entries == null || !entries.isObject() || json.path("schemaVersion").asInt() != 1) {
      throw new PipelineException(DEPS + " is not a Pkl dependency list (schemaVersion 1 with resolvedDependencies)",
          at, "run `kiln deps resolve` to write it again");
    }
    List<Resolved> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = entries.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode d = e.getValue();
      boolean remote = "remote".equals(d.path("type").asText());
      String sha = d.path("checksums").path("sha256").asText(null);
      String uri = d.path("uri").asText("");
      if (!uri.startsWith("projectpackage://") || remote && (sha == null || !sha.matches("[0-9a-f]{64}"))) {
        throw new PipelineException(DEPS + ": the entry `" + e.getKey() + "` has no valid uri and sha256 checksum",
            at, "run `kiln deps resolve` to write it again");
      }
      out.add(new Resolved(e.getKey(), uri, remote, sha, remote ? null : deps.getParent().resolve(d.path("path").asText("."))
          .normalize()));
    }
    return out;
  }

  Path root() {
    return root;
  }

  Project project() {
    return project;
  }

  Path file() {
    return root.resolve(NAME);
  }

  DeclaredDependencies dependencies() {
    return project.getDependencies();
  }

  /** Every entry of deps.json, direct and transitive. */
  List<Resolved> resolved() {
    return resolved;
  }

  /**
   * Where {@code text} (a package URI without its version, or a dependency name) first appears in
   * the PklProject, else the file: where an error about that package points.
   */
  SourceLocation locate(String text) {
    Path file = file();
    try {
      List<String> lines = Files.readAllLines(file);
      for (int i = 0; i < lines.size(); i++) {
        int col = lines.get(i).indexOf(text);
        if (col >= 0) {
          return new SourceLocation(PklErrors.display(file), i + 1, col + 1);
        }
      }
    } catch (IOException e) {
      // fall through: the file is named without a line
    }
    return SourceLocation.of(PklErrors.display(file));
  }
}
