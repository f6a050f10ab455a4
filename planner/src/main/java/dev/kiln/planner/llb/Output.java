package dev.kiln.planner.llb;

import java.util.Objects;

/**
 * One output of a vertex: what an {@code Op.inputs} entry points at.
 *
 * <p>Two outputs are equal when they name the same vertex <em>instance</em> and index: equality
 * by content is what digests are for, and walking a deep graph on every {@code hashCode} is not.
 *
 * @param vertex the op producing the output
 * @param index the output index (0 for sources and file ops; the writable mount's index for execs)
 */
public record Output(Vertex vertex, int index) {
  public Output {
    Objects.requireNonNull(vertex, "vertex");
    if (index < 0) {
      throw new IllegalArgumentException("output index must be >= 0: " + index);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Output other && other.vertex == vertex && other.index == index;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(vertex) * 31 + index;
  }
}
