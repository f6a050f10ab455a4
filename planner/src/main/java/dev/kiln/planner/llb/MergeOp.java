package dev.kiln.planner.llb;

import dev.kiln.planner.llb.pb.Input;
import dev.kiln.planner.llb.pb.MergeInput;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Layers {@code layers} on top of each other, later ones winning, without copying (BuildKit
 * v0.10+). Built by {@link LlbState#merge}; planners lower it to copies for older engines.
 */
public record MergeOp(List<Output> layers, String name) implements Vertex {
  public MergeOp {
    layers = List.copyOf(layers);
    Objects.requireNonNull(name, "name");
    if (layers.size() < 2) {
      throw new IllegalArgumentException("a merge needs at least two layers");
    }
  }

  @Override
  public List<Output> inputs() {
    return List.copyOf(new LinkedHashSet<>(layers));
  }

  @Override
  public dev.kiln.planner.llb.pb.Op toPb(List<Input> wireInputs) {
    List<Output> inputs = inputs();
    var merge = dev.kiln.planner.llb.pb.MergeOp.newBuilder();
    for (Output layer : layers) {
      merge.addInputs(MergeInput.newBuilder().setInput(inputs.indexOf(layer)));
    }
    return dev.kiln.planner.llb.pb.Op.newBuilder().addAllInputs(wireInputs).setMerge(merge).build();
  }

  @Override
  public SortedSet<String> caps() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(List.of(Caps.MERGE_OP)));
  }
}
