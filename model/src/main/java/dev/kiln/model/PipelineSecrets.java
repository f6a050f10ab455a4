package dev.kiln.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Finds every secret a pipeline's tasks use: mounted, as variables, as call arguments, and inside
 * the containers that files and directories come from. Shared containers and directories are
 * visited once, so the walk stays linear in the model's size (and it is iterative: {@link
 * ModelGraph}).
 */
final class PipelineSecrets {
  private final SortedMap<String, Secret> found = new TreeMap<>();
  private final Set<Secret> declared = new LinkedHashSet<>();

  private PipelineSecrets() {}

  /** Secret name -> the secret; where two declare one name, the first found wins. */
  static SortedMap<String, Secret> of(Pipeline pipeline) {
    return Collections.unmodifiableSortedMap(walk(pipeline).found);
  }

  /** Every different secret, in task order: two of one name with different sources are both there. */
  static List<Secret> all(Pipeline pipeline) {
    return List.copyOf(walk(pipeline).declared);
  }

  private static PipelineSecrets walk(Pipeline pipeline) {
    PipelineSecrets walk = new PipelineSecrets();
    List<Object> roots = new ArrayList<>();
    pipeline.tasks().values().forEach(t -> roots.addAll(ModelGraph.roots(t)));
    for (Object node : ModelGraph.outerFirst(roots)) {
      if (node instanceof Secret s) {
        walk.found.putIfAbsent(s.name(), s);
        walk.declared.add(s);
      }
    }
    return walk;
  }
}
