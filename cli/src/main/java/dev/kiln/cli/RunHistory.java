package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.executor.filesync.LocalManifest;
import dev.kiln.planner.Plan;
import dev.kiln.planner.PlannedTarget;
import dev.kiln.planner.PlannedTask;
import dev.kiln.planner.StepChanges;
import dev.kiln.planner.llb.Definition;
import dev.kiln.planner.llb.pb.Op;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * What the last successful run on this machine planned, kept in {@code .kiln/last-run.json}: each
 * target's definition and the manifest of each local source. {@code --explain} compares a new plan
 * with it to say why steps will run again.
 */
final class RunHistory {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** target key -> definition (base64); local source key -> manifest. */
  record Snapshot(Map<String, String> targets, Map<String, Map<String, String>> sources) {
    // As a JSON tree, not by data binding: binding's first use cost a cached run about 30 ms.
    ObjectNode toJson() {
      ObjectNode root = JSON.createObjectNode();
      ObjectNode t = root.putObject("targets");
      targets.forEach(t::put);
      ObjectNode s = root.putObject("sources");
      sources.forEach((name, files) -> {
        ObjectNode m = s.putObject(name);
        files.forEach(m::put);
      });
      return root;
    }

    /**
     * The snapshot {@code root} holds.
     *
     * @throws IOException when it is not one: the file is hand-edited, truncated or another's
     */
    static Snapshot fromJson(JsonNode root) throws IOException {
      if (root == null || !root.isObject() || !root.path("targets").isObject() || !root.path("sources").isObject()) {
        throw new IOException("it is not an object with `targets` and `sources`");
      }
      Map<String, String> targets = new TreeMap<>();
      for (var it = root.get("targets").fields(); it.hasNext(); ) {
        var e = it.next();
        targets.put(e.getKey(), text(e.getValue(), "targets." + e.getKey()));
      }
      Map<String, Map<String, String>> sources = new TreeMap<>();
      for (var it = root.get("sources").fields(); it.hasNext(); ) {
        var e = it.next();
        if (!e.getValue().isObject()) {
          throw new IOException("`sources." + e.getKey() + "` is not an object");
        }
        Map<String, String> files = new TreeMap<>();
        for (var f = e.getValue().fields(); f.hasNext(); ) {
          var file = f.next();
          files.put(file.getKey(), text(file.getValue(), "sources." + e.getKey() + "." + file.getKey()));
        }
        sources.put(e.getKey(), files);
      }
      return new Snapshot(targets, sources);
    }

    private static String text(JsonNode value, String where) throws IOException {
      if (!value.isTextual()) {
        throw new IOException("`" + where + "` is not a string");
      }
      return value.textValue();
    }
  }

  private RunHistory() {}

  /** {@code .kiln/last-run.json}, or null when {@code .kiln} leads outside the project. */
  static Path file(Path project) {
    return StateDirectory.path(project, "last-run.json").orElse(null);
  }

  private static String key(PlannedTask task, PlannedTarget target) {
    return task.name() + " " + target.kind().name().toLowerCase(Locale.ROOT) + " " + target.path()
        + " " + target.destination();
  }

  /**
   * Records {@code plan} as the last run (written aside, then renamed). Best effort: a run that
   * succeeded stays a success when {@code .kiln} cannot be written; {@code warn} says so.
   */
  static void record(Path project, Plan plan, Consumer<String> warn) {
    try {
      write(project, plan);
    } catch (IOException | RuntimeException e) {
      warn.accept("could not record this run in " + file(project) + " (" + reason(e)
          + "); the next --explain compares with an older run, or none");
    }
  }

  private static void write(Path project, Plan plan) throws IOException {
    Map<String, String> targets = new TreeMap<>();
    Map<String, Map<String, String>> sources = new TreeMap<>();
    for (PlannedTask t : plan.tasks()) {
      for (PlannedTarget target : t.targets()) {
        targets.put(key(t, target), Base64.getEncoder().encodeToString(target.definition().toByteArray()));
        for (var local : localSources(target.definition()).entrySet()) {
          sources.putIfAbsent(local.getKey(), manifest(project, local.getValue()));
        }
      }
    }
    Path f = file(project);
    if (f == null) {
      return; // RunCommand warned: nothing is kept outside the project
    }
    Files.createDirectories(f.getParent());
    Path tmp = Files.createTempFile(f.getParent(), ".last-run", ".json");
    try {
      JSON.writeValue(tmp.toFile(), new Snapshot(targets, sources).toJson());
      Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * The last run, or empty when none is recorded or its file cannot be read: a truncated or
   * hand-edited state file is ignored with a warning, as if there were none.
   */
  static Optional<Snapshot> load(Path project, Consumer<String> warn) {
    Path f = file(project);
    if (f == null || !Files.exists(f)) {
      return Optional.empty(); // none, or .kiln leads outside the project: nothing is read from there
    }
    try {
      if (!Files.isRegularFile(f)) {
        throw new IOException("it is not a regular file");
      }
      return Optional.of(Snapshot.fromJson(JSON.readTree(f.toFile())));
    } catch (IOException | RuntimeException e) {
      warn.accept("ignoring " + f + ": " + reason(e) + "; it is replaced after the next successful run");
      return Optional.empty();
    }
  }

  private static String reason(Exception e) {
    String m = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    String line = m == null ? e.getClass().getSimpleName() : m.strip().lines().findFirst().orElse("");
    return e instanceof AccessDeniedException ? "permission denied: " + line : line;
  }

  /** Prints, per task, the steps of {@code plan} that will run again and why; {@code warn} gets what was ignored. */
  static void explain(Path project, Plan plan, PrintWriter out, Consumer<String> warn) throws IOException {
    Path f = file(project);
    Optional<Snapshot> loaded = load(project, warn);
    Snapshot last = loaded.orElse(new Snapshot(Map.of(), Map.of()));
    if (f == null) {
      out.println("explain: .kiln leads outside the project, so no previous run is read; every step may run");
    } else if (loaded.isEmpty()) {
      out.println("explain: no previous run recorded in " + f + "; every step may run");
    }
    for (PlannedTask t : plan.tasks()) {
      for (PlannedTarget target : t.targets()) {
        String old = last.targets().get(key(t, target));
        Definition before = old == null ? null : definition(old, warn);
        Map<String, List<String>> changedFiles = new TreeMap<>();
        for (var local : localSources(target.definition()).entrySet()) {
          Map<String, String> was = last.sources().get(local.getKey());
          if (was != null) {
            changedFiles.put(local.getValue().name(), LocalManifest.changes(was, manifest(project, local.getValue())));
          }
        }
        List<StepChanges.Change> changes = StepChanges.between(before, target.definition(), changedFiles);
        if (changes.isEmpty()) {
          out.println("explain: " + t.name() + " (" + target.kind().name().toLowerCase(Locale.ROOT)
              + "): unchanged since the last run");
        }
        for (StepChanges.Change c : changes) {
          out.println("explain: " + t.name() + ": " + c.step());
          c.reasons().forEach(r -> out.println("  - " + r));
        }
      }
    }
    out.flush();
  }

  private record Local(String name, List<String> include, List<String> exclude) {}

  /** Local sources by a key that includes their patterns, so a manifest is compared like for like. */
  private static Map<String, Local> localSources(Definition d) {
    Map<String, Local> out = new TreeMap<>();
    for (int i = 0; i < d.size(); i++) {
      Op op = d.op(i);
      if (op.hasSource() && op.getSource().getIdentifier().startsWith("local://")) {
        String name = op.getSource().getIdentifier().substring("local://".length());
        List<String> inc = patterns(op.getSource().getAttrsOrDefault("local.includepattern", "[]"));
        List<String> exc = patterns(op.getSource().getAttrsOrDefault("local.excludepatterns", "[]"));
        out.put(name + " " + inc + " " + exc, new Local(name, inc, exc));
      }
    }
    return out;
  }

  private static List<String> patterns(String json) {
    try {
      List<String> out = new ArrayList<>();
      JSON.readTree(json).forEach(p -> out.add(p.asText()));
      return out;
    } catch (IOException e) {
      return List.of();
    }
  }

  private static Map<String, String> manifest(Path project, Local local) throws IOException {
    Path dir = project.resolve(local.name()).normalize();
    return Files.isDirectory(dir) ? LocalManifest.of(dir, local.include(), local.exclude()) : Map.of();
  }

  /** A recorded definition, or null (as if not recorded) when it does not decode. */
  private static Definition definition(String base64, Consumer<String> warn) {
    try {
      return Definition.fromPb(dev.kiln.planner.llb.pb.Definition.parseFrom(Base64.getDecoder().decode(base64)));
    } catch (IOException | RuntimeException e) {
      warn.accept("ignoring a recorded definition that does not decode (" + reason(e) + ")");
      return null;
    }
  }
}
