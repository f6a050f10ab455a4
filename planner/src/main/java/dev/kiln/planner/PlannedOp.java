package dev.kiln.planner;

import dev.kiln.planner.llb.Definition;
import dev.kiln.planner.llb.Marshaller;
import dev.kiln.planner.llb.pb.FileAction;
import dev.kiln.planner.llb.pb.Mount;
import dev.kiln.planner.llb.pb.MountType;
import dev.kiln.planner.llb.pb.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One op of a planned definition, described for people ({@code kiln plan}): kind, a one-line
 * summary, its progress name and the digests of its inputs. Secrets appear by id (name) only,
 * which is all the LLB holds.
 *
 * @param kind {@code image}, {@code local}, {@code exec}, {@code file} or {@code merge}
 */
public record PlannedOp(String digest, String kind, String summary, String name, List<String> inputs) {
  public PlannedOp {
    Objects.requireNonNull(digest, "digest");
    inputs = List.copyOf(inputs);
  }

  /** The ops of {@code def}, dependencies first, without the return op. */
  public static List<PlannedOp> of(Definition def) {
    var out = new ArrayList<PlannedOp>(def.size());
    for (int i = 0; i < def.size(); i++) {
      Op op = def.op(i);
      String digest = def.digests().get(i);
      var inputs = op.getInputsList().stream().map(in -> in.getDigest()).toList();
      String name = def.metadata(digest).getDescriptionOrDefault(Marshaller.CUSTOM_NAME, "");
      out.add(new PlannedOp(digest, kind(op), summary(op), name, inputs));
    }
    return out;
  }

  private static String kind(Op op) {
    return switch (op.getOpCase()) {
      case SOURCE -> op.getSource().getIdentifier().startsWith("local://") ? "local" : "image";
      case EXEC -> "exec";
      case FILE -> "file";
      case MERGE -> "merge";
      case DIFF -> "diff";
      case OP_NOT_SET -> "return";
    };
  }

  private static String summary(Op op) {
    switch (op.getOpCase()) {
      case SOURCE: {
        var s = new StringBuilder(op.getSource().getIdentifier());
        op.getSource().getAttrsMap().entrySet().stream().sorted(Map.Entry.comparingByKey())
            .forEach(e -> s.append(' ').append(e.getKey()).append('=').append(e.getValue()));
        return s.toString();
      }
      case EXEC: {
        var s = new StringBuilder(String.join(" ", op.getExec().getMeta().getArgsList()));
        for (Mount m : op.getExec().getMountsList()) {
          if (m.getMountType() == MountType.CACHE) {
            s.append(" [cache ").append(m.getCacheOpt().getID()).append(" at ").append(m.getDest()).append(']');
          } else if (m.getMountType() == MountType.SECRET) {
            s.append(" [secret ").append(m.getSecretOpt().getID()).append(" at ").append(m.getDest()).append(']');
          } else if (m.getMountType() == MountType.TMPFS) {
            s.append(" [tmpfs at ").append(m.getDest()).append(']');
          } else if (!m.getDest().equals("/")) {
            s.append(m.getReadonly() ? " [ro " : " [bind ").append(m.getDest()).append(']');
          }
        }
        op.getExec().getSecretenvList().forEach(
            e -> s.append(" [secret ").append(e.getID()).append(" as $").append(e.getName()).append(']'));
        return s.toString();
      }
      case FILE: {
        var parts = new ArrayList<String>();
        for (FileAction a : op.getFile().getActionsList()) {
          parts.add(switch (a.getActionCase()) {
            case COPY -> "copy " + a.getCopy().getSrc() + " -> " + a.getCopy().getDest();
            case MKFILE -> "mkfile " + a.getMkfile().getPath() + " (" + a.getMkfile().getData().size() + " bytes)";
            case MKDIR -> "mkdir " + a.getMkdir().getPath();
            case RM -> "rm " + a.getRm().getPath();
            case ACTION_NOT_SET -> "?";
          });
        }
        return String.join("; ", parts);
      }
      case MERGE:
        return "merge " + op.getMerge().getInputsCount() + " layers";
      default:
        return op.getOpCase().name().toLowerCase(Locale.ROOT);
    }
  }
}
