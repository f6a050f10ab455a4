package dev.kiln.planner;

import dev.kiln.planner.llb.Caps;
import dev.kiln.planner.llb.FileAction;
import dev.kiln.planner.llb.LlbState;
import dev.kiln.planner.llb.Sources;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Applies a directory's file actions, choosing the op by engine. A directory built from scratch
 * out of copies is, on an engine with MergeOp (BuildKit v0.10+), one small copy per source merged
 * together, so a change to one source re-copies only that source. Docker 20.10's BuildKit has no
 * MergeOp; there the copies fold into one FileOp (the same files, less independent caching).
 */
final class DirectoryLayering {
  private final EngineCapabilities engine;
  private final Set<String> notes;

  DirectoryLayering(EngineCapabilities engine, Set<String> notes) {
    this.engine = engine;
    this.notes = notes;
  }

  DirRef apply(DirRef base, List<FileAction> actions) {
    if (actions.isEmpty()) {
      return base;
    }
    boolean onlyCopies = actions.stream().allMatch(a -> a instanceof FileAction.Copy);
    if (base.fs().isScratch() && onlyCopies && actions.size() > 1) {
      if (engine.supports(Caps.MERGE_OP)) {
        var layers = new ArrayList<LlbState>();
        for (FileAction a : actions) {
          layers.add(Sources.scratch().file(List.of(a), ""));
        }
        return new DirRef(layers.get(0).merge(layers.subList(1, layers.size()), ""), base.path());
      }
      notes.add("directories assembled from several sources are one FileOp instead of a MergeOp on "
          + engine.describe() + ", which has no MergeOp");
    }
    return new DirRef(base.fs().file(actions, ""), base.path());
  }
}
