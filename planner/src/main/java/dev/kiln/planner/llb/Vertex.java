package dev.kiln.planner.llb;

import dev.kiln.planner.llb.pb.Input;
import java.util.List;
import java.util.SortedSet;

/** One LLB op with links to the outputs it reads; marshalled by {@link Marshaller}. */
public sealed interface Vertex permits SourceOp, ExecOp, FileOp, MergeOp, ForeignOp {
  /** The outputs this op reads, without duplicates, in {@code Op.inputs} order. */
  List<Output> inputs();

  /** This op on the wire, given the wire form of each of {@link #inputs()} (same order). */
  dev.kiln.planner.llb.pb.Op toPb(List<Input> wireInputs);

  /** The LLB capabilities this op uses, declared in its {@code OpMetadata.caps}. */
  SortedSet<String> caps();

  /** The name shown in progress ({@code llb.customname}); empty for BuildKit's default. */
  String name();
}
