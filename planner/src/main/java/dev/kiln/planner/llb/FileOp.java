package dev.kiln.planner.llb;

import dev.kiln.planner.llb.pb.FileActionCopy;
import dev.kiln.planner.llb.pb.FileActionMkDir;
import dev.kiln.planner.llb.pb.FileActionMkFile;
import dev.kiln.planner.llb.pb.FileActionRm;
import dev.kiln.planner.llb.pb.Input;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A chain of file actions applied to {@code base} (scratch when null), solved as one vertex.
 *
 * <p>Wire indexes follow BuildKit's client: the first action reads the base input (or -1), action
 * {@code k > 0} reads {@code len(inputs) + k - 1} (the result of the action before it), and only
 * the last action has an output (0).
 */
public record FileOp(Output base, List<FileAction> actions, String name) implements Vertex {
  public FileOp {
    actions = List.copyOf(actions);
    Objects.requireNonNull(name, "name");
    if (actions.isEmpty()) {
      throw new IllegalArgumentException("a file op needs at least one action");
    }
  }

  /** This op with {@code more} actions appended: one vertex instead of two. */
  public FileOp append(List<FileAction> more) {
    var all = new ArrayList<>(actions);
    all.addAll(more);
    return new FileOp(base, all, name);
  }

  @Override
  public List<Output> inputs() {
    var inputs = new LinkedHashSet<Output>();
    if (base != null) {
      inputs.add(base);
    }
    for (FileAction a : actions) {
      if (a instanceof FileAction.Copy c && c.source() != null) {
        inputs.add(c.source());
      }
    }
    return List.copyOf(inputs);
  }

  @Override
  public dev.kiln.planner.llb.pb.Op toPb(List<Input> wireInputs) {
    List<Output> inputs = inputs();
    var file = dev.kiln.planner.llb.pb.FileOp.newBuilder();
    for (int k = 0; k < actions.size(); k++) {
      FileAction a = actions.get(k);
      long input = k == 0 ? (base == null ? -1 : inputs.indexOf(base)) : inputs.size() + k - 1;
      var pa = dev.kiln.planner.llb.pb.FileAction.newBuilder()
          .setInput(input)
          .setSecondaryInput(-1)
          .setOutput(k == actions.size() - 1 ? 0 : -1);
      if (a instanceof FileAction.Copy c) {
        pa.setSecondaryInput(c.source() == null ? -1 : inputs.indexOf(c.source()));
        {
          var o = c.options();
          var copy = FileActionCopy.newBuilder()
              .setSrc(c.src()).setDest(c.dest()).setMode(o.mode())
              .setFollowSymlink(o.followSymlink()).setDirCopyContents(o.dirCopyContents())
              .setCreateDestPath(o.createDestPath()).setAllowWildcard(o.allowWildcard())
              .setAllowEmptyWildcard(o.allowEmptyWildcard()).setTimestamp(-1)
              .addAllIncludePatterns(o.includePatterns())
              .addAllExcludePatterns(o.excludePatterns());
          if (o.owner() != null) {
            copy.setOwner(o.owner().toPb());
          }
          pa.setCopy(copy);
        }
      } else if (a instanceof FileAction.MkFile f) {
        var mk = FileActionMkFile.newBuilder()
            .setPath(f.path()).setMode(f.mode()).setData(f.data()).setTimestamp(-1);
        if (f.owner() != null) {
          mk.setOwner(f.owner().toPb());
        }
        pa.setMkfile(mk);
      } else if (a instanceof FileAction.MkDir d) {
        var mk = FileActionMkDir.newBuilder()
            .setPath(d.path()).setMode(d.mode()).setMakeParents(d.makeParents()).setTimestamp(-1);
        if (d.owner() != null) {
          mk.setOwner(d.owner().toPb());
        }
        pa.setMkdir(mk);
      } else if (a instanceof FileAction.Rm r) {
        pa.setRm(FileActionRm.newBuilder()
            .setPath(r.path()).setAllowNotFound(r.allowNotFound()).setAllowWildcard(r.allowWildcard()));
      }
      file.addActions(pa);
    }
    return dev.kiln.planner.llb.pb.Op.newBuilder().addAllInputs(wireInputs).setFile(file).build();
  }

  @Override
  public SortedSet<String> caps() {
    SortedSet<String> caps = new TreeSet<>();
    caps.add(Caps.FILE_BASE);
    for (FileAction a : actions) {
      if (a instanceof FileAction.Copy c
          && (!c.options().includePatterns().isEmpty() || !c.options().excludePatterns().isEmpty())) {
        caps.add(Caps.FILE_COPY_INCLUDE_EXCLUDE_PATTERNS);
      }
    }
    return Collections.unmodifiableSortedSet(caps);
  }
}
