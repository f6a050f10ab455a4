package dev.kiln.cli;

import dev.kiln.model.Secret;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The secrets a pipeline declares, with their providers. Found by
 * walking the model's records, so that every place a secret can appear (mounts, variables, nested
 * containers of files and directories) is covered without listing them.
 */
final class ModelSecrets {
  private ModelSecrets() {}

  /**
   * Secret name -> provider ({@code env:}, {@code file:} or {@code cmd:}). A secret with no source is
   * looked up as an environment variable of its name.
   */
  static Map<String, String> providers(Object pipeline) {
    Map<String, String> out = new TreeMap<>();
    walk(pipeline, out, new IdentityHashMap<>());
    return out;
  }

  private static void walk(Object node, Map<String, String> out, Map<Object, Boolean> seen) {
    if (node == null || seen.put(node, Boolean.TRUE) != null) {
      return;
    }
    if (node instanceof Secret s) {
      out.putIfAbsent(s.name(), s.env() != null ? "env:" + s.env()
          : s.file() != null ? "file:" + s.file()
          : s.cmd() != null ? "cmd:" + s.cmd()
          : "env:" + s.name());
      return;
    }
    if (node instanceof Collection<?> c) {
      c.forEach(e -> walk(e, out, seen));
    } else if (node instanceof Map<?, ?> m) {
      m.values().forEach(e -> walk(e, out, seen));
    } else if (node.getClass().isRecord()) {
      for (RecordComponent rc : node.getClass().getRecordComponents()) {
        try {
          walk(rc.getAccessor().invoke(node), out, seen);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot read " + rc, e);
        }
      }
    }
  }
}
