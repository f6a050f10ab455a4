package dev.kiln.planner;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.kiln.planner.llb.Definition;
import dev.kiln.planner.llb.pb.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Why a target's steps will not come from the cache: the steps whose own definition changed since a
 * previous plan of the same target, and what in them changed (command, environment, base image
 * digest, local source patterns...), plus local sources whose files changed. Steps that differ only
 * because something before them changed are not causes and are not listed. Pure: the previous
 * definition and the file listings come from the caller.
 */
public final class StepChanges {
  private StepChanges() {}

  /** A step that will run again, and why. */
  public record Change(String step, List<String> reasons) {
    public Change {
      Objects.requireNonNull(step, "step");
      reasons = List.copyOf(reasons);
    }
  }

  /**
   * Compares two plans of one target.
   *
   * @param before the previous definition, or null when there was none
   * @param after the new definition
   * @param changedFiles local source name -> files added, removed or modified since the previous run
   */
  public static List<Change> between(Definition before, Definition after, Map<String, List<String>> changedFiles) {
    List<Change> out = new ArrayList<>();
    if (before == null) {
      out.add(new Change("(all steps)", List.of("no previous run of this target was recorded")));
      return out;
    }
    Map<String, Op> oldOps = ops(before);
    Map<String, Op> newOps = ops(after);
    walk(after.resultDigest(), before.resultDigest(), newOps, oldOps, changedFiles, new HashSet<>(), out);
    return out;
  }

  private static Map<String, Op> ops(Definition d) {
    Map<String, Op> m = new HashMap<>();
    List<String> digests = d.digests();
    for (int i = 0; i < d.size(); i++) {
      m.put(digests.get(i), d.op(i));
    }
    return m;
  }

  private static void walk(String newDigest, String oldDigest, Map<String, Op> newOps, Map<String, Op> oldOps,
      Map<String, List<String>> changedFiles, Set<String> seen, List<Change> out) {
    if (!seen.add(newDigest)) {
      return;
    }
    Op now = newOps.get(newDigest);
    if (now == null) {
      return;
    }
    if (now.hasSource() && now.getSource().getIdentifier().startsWith("local://")) {
      String name = now.getSource().getIdentifier().substring("local://".length());
      List<String> files = changedFiles.getOrDefault(name, List.of());
      if (!files.isEmpty()) {
        List<String> reasons = new ArrayList<>();
        int shown = Math.min(files.size(), 10);
        for (String f : files.subList(0, shown)) {
          reasons.add("file " + f);
        }
        if (files.size() > shown) {
          reasons.add("and " + (files.size() - shown) + " more files");
        }
        out.add(new Change(summary(now), reasons));
      }
    }
    if (newDigest.equals(oldDigest)) {
      // Same definition: only changed files below it can make it run again.
      for (var in : now.getInputsList()) {
        walk(in.getDigest(), in.getDigest(), newOps, oldOps, changedFiles, seen, out);
      }
      return;
    }
    Op before = oldDigest == null ? null : oldOps.get(oldDigest);
    if (before == null || before.getOpCase() != now.getOpCase()) {
      out.add(new Change(summary(now), List.of("a new step (nothing like it at this place before)")));
      for (var in : now.getInputsList()) {
        walk(in.getDigest(), null, newOps, oldOps, changedFiles, seen, out);
      }
      return;
    }
    List<String> reasons = new ArrayList<>();
    diff("", strip(before), strip(now), reasons);
    if (!reasons.isEmpty()) {
      out.add(new Change(summary(now), reasons));
    }
    for (int i = 0; i < now.getInputsCount(); i++) {
      String oldIn = i < before.getInputsCount() ? before.getInputs(i).getDigest() : null;
      walk(now.getInputs(i).getDigest(), oldIn, newOps, oldOps, changedFiles, seen, out);
    }
  }

  /** The op without its inputs: input changes are causes further up, not of this step. */
  private static Op strip(Op op) {
    return op.toBuilder().clearInputs().build();
  }

  private static void diff(String path, Message a, Message b, List<String> out) {
    Set<FieldDescriptor> fields = new LinkedHashSet<>(a.getAllFields().keySet());
    fields.addAll(b.getAllFields().keySet());
    for (FieldDescriptor f : fields) {
      String p = path.isEmpty() ? f.getName() : path + "." + f.getName();
      Object x = a.getField(f);
      Object y = b.getField(f);
      if (Objects.equals(x, y)) {
        continue;
      }
      if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !f.isRepeated()) {
        diff(p, (Message) x, (Message) y, out);
      } else {
        out.add(describe(p, x, y));
      }
    }
  }

  private static String describe(String path, Object before, Object after) {
    return switch (path) {
      case "exec.meta.args" -> "command: " + String.join(" ", strings(before)) + "  ->  " + String.join(" ", strings(after));
      case "exec.meta.env" -> envChange(strings(before), strings(after));
      case "exec.meta.cwd" -> "working directory: " + before + " -> " + after;
      case "exec.meta.user" -> "user: " + before + " -> " + after;
      case "source.identifier" -> "source: " + before + " -> " + after
          + (String.valueOf(before).contains("@sha256:") || String.valueOf(after).contains("@sha256:")
              ? " (the image's digest changed)" : "");
      default -> path + " changed";
    };
  }

  private static String envChange(List<String> before, List<String> after) {
    List<String> changes = new ArrayList<>();
    Map<String, String> b = env(before);
    Map<String, String> a = env(after);
    for (var e : a.entrySet()) {
      if (!b.containsKey(e.getKey())) {
        changes.add(e.getKey() + " added");
      } else if (!b.get(e.getKey()).equals(e.getValue())) {
        changes.add(e.getKey() + " changed");
      }
    }
    for (String k : b.keySet()) {
      if (!a.containsKey(k)) {
        changes.add(k + " removed");
      }
    }
    return "environment: " + String.join(", ", changes);
  }

  private static Map<String, String> env(List<String> entries) {
    Map<String, String> m = new TreeMap<>();
    for (String e : entries) {
      int eq = e.indexOf('=');
      m.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
    }
    return m;
  }

  private static List<String> strings(Object o) {
    List<String> out = new ArrayList<>();
    if (o instanceof List<?> l) {
      l.forEach(x -> out.add(String.valueOf(x)));
    }
    return out;
  }

  private static String summary(Op op) {
    return switch (op.getOpCase()) {
      case EXEC -> "exec " + String.join(" ", op.getExec().getMeta().getArgsList());
      case SOURCE -> op.getSource().getIdentifier();
      case FILE -> "file operations (" + op.getFile().getActionsCount() + ")";
      case MERGE -> "merge";
      case DIFF -> "diff";
      default -> op.getOpCase().name().toLowerCase(Locale.ROOT);
    };
  }
}
