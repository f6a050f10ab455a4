package dev.kiln.server;

import dev.kiln.model.Pipeline;
import dev.kiln.model.Task;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's task graph: which tasks a run takes (those asked for and what they depend on), and the
 * graph drawn as SVG for the run's page, each task a box in the column of its longest chain of
 * dependencies, coloured by its status, with its duration and cache hits.
 */
final class TaskGraph {
  private static final int WIDTH = 230;
  private static final int HEIGHT = 46;
  private static final int GAP_X = 50;
  private static final int GAP_Y = 14;

  private TaskGraph() {}

  /**
   * The tasks a run of {@code requested} takes (empty: every task), each with the tasks it depends
   * on, dependencies first.
   */
  static Map<String, List<String>> dependencies(Pipeline pipeline, List<String> requested) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    Deque<String> todo = new ArrayDeque<>(requested.isEmpty() ? pipeline.tasks().keySet() : requested);
    while (!todo.isEmpty()) {
      String name = todo.pop();
      Task task = pipeline.tasks().get(name);
      if (task != null && !out.containsKey(name)) {
        out.put(name, task.dependsOn());
        todo.addAll(task.dependsOn());
      }
    }
    return out;
  }

  /** The graph of {@code tasks} as an SVG element (nothing when there are none). */
  static String svg(List<TaskRecord> tasks) {
    if (tasks.isEmpty()) {
      return "";
    }
    Map<String, TaskRecord> byName = new LinkedHashMap<>();
    tasks.forEach(t -> byName.put(t.name(), t));
    Map<String, Integer> column = new HashMap<>();
    byName.keySet().forEach(n -> column(n, byName, column, new ArrayList<>()));
    Map<Integer, Integer> rowsUsed = new HashMap<>();
    Map<String, int[]> at = new LinkedHashMap<>();
    for (String name : byName.keySet()) {
      int c = column.get(name);
      int r = rowsUsed.merge(c, 1, Integer::sum) - 1;
      at.put(name, new int[] {10 + c * (WIDTH + GAP_X), 10 + r * (HEIGHT + GAP_Y)});
    }
    int width = 20 + (column.values().stream().max(Integer::compare).orElse(0) + 1) * (WIDTH + GAP_X) - GAP_X;
    int height = 20 + rowsUsed.values().stream().max(Integer::compare).orElse(1) * (HEIGHT + GAP_Y) - GAP_Y;
    StringBuilder b = new StringBuilder("<svg id=graph xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(width).append("\" height=\"").append(height).append("\" role=img aria-label=\"task graph\">")
        .append("<defs><marker id=arrow viewBox=\"0 0 10 10\" refX=10 refY=5 markerWidth=7 markerHeight=7"
            + " orient=auto><path d=\"M0,0L10,5L0,10z\" fill=\"#8c959f\"/></marker></defs>");
    for (TaskRecord t : byName.values()) {
      int[] to = at.get(t.name());
      for (String dep : t.dependsOn()) {
        int[] from = at.get(dep);
        if (from != null) {
          b.append(String.format(Locale.ROOT, "<line class=edge data-from=\"%s\" data-to=\"%s\" x1=%d y1=%d x2=%d"
              + " y2=%d stroke=\"#8c959f\" marker-end=\"url(#arrow)\"/>", RunPages.esc(dep), RunPages.esc(t.name()),
              from[0] + WIDTH, from[1] + HEIGHT / 2, to[0], to[1] + HEIGHT / 2));
        }
      }
    }
    for (TaskRecord t : byName.values()) {
      int[] p = at.get(t.name());
      String detail = t.status() + (t.durationMs() == null ? "" : " · " + RunPages.duration(Duration.ofMillis(
          t.durationMs()))) + (t.steps() == 0 ? "" : " · " + t.cachedSteps() + "/" + t.steps() + " cached");
      b.append("<g class=\"node ").append(RunPages.esc(t.status())).append("\" data-task=\"")
          .append(RunPages.esc(t.name())).append("\"><title>").append(RunPages.esc(t.name() + ": " + detail))
          .append("</title><rect x=").append(p[0]).append(" y=").append(p[1]).append(" width=").append(WIDTH)
          .append(" height=").append(HEIGHT).append(" rx=\"6\"/><text x=").append(p[0] + 10).append(" y=")
          .append(p[1] + 19).append(" font-weight=600>").append(RunPages.esc(clip(t.name(), 30)))
          .append("</text><text class=detail x=").append(p[0] + 10).append(" y=").append(p[1] + 36).append('>')
          .append(RunPages.esc(clip(detail, 36))).append("</text></g>");
    }
    return b.append("</svg>").toString();
  }

  /** The length of the longest chain of dependencies below {@code name}, memoised in {@code column}. */
  private static int column(String name, Map<String, TaskRecord> tasks, Map<String, Integer> column,
      List<String> path) {
    Integer known = column.get(name);
    if (known != null) {
      return known;
    }
    int c = 0;
    if (!path.contains(name)) { // a pipeline has no cycles; an edited database might
      path.add(name);
      for (String dep : tasks.get(name).dependsOn()) {
        if (tasks.containsKey(dep)) {
          c = Math.max(c, column(dep, tasks, column, path) + 1);
        }
      }
      path.remove(path.size() - 1);
    }
    column.put(name, c);
    return c;
  }

  private static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
