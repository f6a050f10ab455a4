package dev.kiln.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a task is built from, as a graph of containers, directories and the secrets they use: each
 * one's direct parts, and walks that visit each once (by identity: the model shares values) with an
 * explicit stack, since values nest as deep as a pipeline makes them (a recursive walk overflows
 * the stack there). Secrets have no parts.
 */
public final class ModelGraph {
  private ModelGraph() {}

  /**
   * Where {@code task}'s values start: its run and publish containers, and the directories (a
   * file's directory) and secrets among its call's arguments, lists and maps included, in order.
   */
  public static List<Object> roots(Task task) {
    List<Object> roots = new ArrayList<>();
    if (task.run() != null) {
      roots.add(task.run());
    }
    if (task.publish() != null) {
      roots.add(task.publish());
    }
    if (task.call() != null) {
      Deque<Object> todo = new ArrayDeque<>();
      todo.push(task.call().args());
      while (!todo.isEmpty()) {
        Object v = todo.pop();
        if (v instanceof Directory || v instanceof Secret) {
          roots.add(v);
        } else if (v instanceof File f) {
          roots.add(f.directory());
        } else if (v instanceof List<?> || v instanceof Map<?, ?>) {
          List<Object> items = new ArrayList<>(v instanceof Map<?, ?> m ? m.values() : (List<?>) v);
          for (int i = items.size() - 1; i >= 0; i--) {
            if (items.get(i) != null) {
              todo.push(items.get(i));
            }
          }
        }
      }
    }
    return roots;
  }

  /** The directories, containers and secrets {@code node} uses directly, in declaration order. */
  public static List<Object> parts(Object node) {
    List<Object> parts = new ArrayList<>();
    if (node instanceof Container c) {
      if (c.build() != null) {
        parts.add(c.build().context());
        parts.add(c.build().dockerfile().directory());
        parts.addAll(c.build().secrets());
      }
      for (ContainerOp op : c.ops()) {
        if (op instanceof ContainerOp.WithDirectory d) {
          parts.add(d.source());
        } else if (op instanceof ContainerOp.WithMountedDirectory d) {
          parts.add(d.source());
        } else if (op instanceof ContainerOp.WithFile f) {
          parts.add(f.file().directory());
        } else if (op instanceof ContainerOp.WithMountedSecret m) {
          parts.add(m.secret());
        } else if (op instanceof ContainerOp.WithSecretVariable v) {
          parts.add(v.secret());
        } else if (op instanceof ContainerOp.WithServiceBinding b) {
          parts.add(b.service().container());
        }
      }
    } else if (node instanceof Directory d) {
      if (d.base() instanceof Directory.FromContainer fc) {
        parts.add(fc.container());
      } else if (d.base() instanceof Directory.Sub sub) {
        parts.add(sub.parent());
      }
      for (Directory.Op op : d.ops()) {
        if (op instanceof Directory.WithDirectory w) {
          parts.add(w.source());
        } else if (op instanceof Directory.WithFile w) {
          parts.add(w.file().directory());
        }
      }
    }
    return parts;
  }

  /**
   * Every node reachable from {@code roots}, once each, a node before its parts: the order of a
   * recursive depth-first walk that handles a node on entry.
   */
  public static List<Object> outerFirst(Collection<?> roots) {
    return walk(roots, false);
  }

  /** Every node reachable from {@code roots}, once each, its parts before a node (handled on exit). */
  public static List<Object> innerFirst(Collection<?> roots) {
    return walk(roots, true);
  }

  private record Visit(Object node, boolean exit) {}

  private static List<Object> walk(Collection<?> roots, boolean innerFirst) {
    List<Object> order = new ArrayList<>();
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Visit> todo = new ArrayDeque<>();
    List<?> start = new ArrayList<>(roots);
    for (int i = start.size() - 1; i >= 0; i--) {
      todo.push(new Visit(start.get(i), false));
    }
    while (!todo.isEmpty()) {
      Visit v = todo.pop();
      if (v.exit()) {
        order.add(v.node());
        continue;
      }
      if (!seen.add(v.node())) {
        continue;
      }
      if (innerFirst) {
        todo.push(new Visit(v.node(), true));
      } else {
        order.add(v.node());
      }
      List<Object> parts = parts(v.node());
      for (int i = parts.size() - 1; i >= 0; i--) {
        if (!seen.contains(parts.get(i))) {
          todo.push(new Visit(parts.get(i), false));
        }
      }
    }
    return order;
  }
}
