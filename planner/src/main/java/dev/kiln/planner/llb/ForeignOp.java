package dev.kiln.planner.llb;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.kiln.planner.llb.pb.Input;
import dev.kiln.planner.llb.pb.OpMetadata;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * An op of a definition made elsewhere (a frontend's, such as the Dockerfile frontend's), kept byte
 * for byte: its digest is the one the engine gave it, so the engine's source map (op digest to
 * Dockerfile line) and cache still apply. Made by {@link #load}.
 *
 * @param bytes the op as the engine marshalled it
 * @param inputs the ops it reads, in {@code Op.inputs} order, without duplicates
 * @param metadata its metadata as the engine gave it (capabilities, progress name)
 */
public record ForeignOp(ByteString bytes, List<Output> inputs, OpMetadata metadata) implements Vertex {
  public ForeignOp {
    inputs = List.copyOf(new LinkedHashSet<>(inputs));
  }

  /**
   * The result of {@code definition} as an output Kiln's LLB can build on: each of its ops a
   * {@link ForeignOp}, linked as the definition links them.
   *
   * @throws IllegalArgumentException if the definition is not well formed (an input that no earlier
   *     op produces, no return op)
   */
  public static Output load(dev.kiln.planner.llb.pb.Definition definition) {
    Definition def = Definition.fromPb(definition); // checks the return op
    Map<String, ForeignOp> byDigest = new HashMap<>();
    for (int i = 0; i < def.size(); i++) {
      var inputs = new ArrayList<Output>();
      for (Input in : def.op(i).getInputsList()) {
        inputs.add(new Output(known(byDigest, in.getDigest()), (int) in.getIndex()));
      }
      String digest = def.digests().get(i);
      byDigest.put(digest, new ForeignOp(definition.getDef(i), inputs, def.metadata(digest)));
    }
    Input result = def.op(def.size()).getInputs(0);
    return new Output(known(byDigest, result.getDigest()), (int) result.getIndex());
  }

  private static ForeignOp known(Map<String, ForeignOp> byDigest, String digest) {
    ForeignOp op = byDigest.get(digest);
    if (op == null) {
      throw new IllegalArgumentException("the definition reads op " + digest + " before it defines it");
    }
    return op;
  }

  /** The op as the engine marshalled it; {@code wireInputs} are its own by construction. */
  @Override
  public dev.kiln.planner.llb.pb.Op toPb(List<Input> wireInputs) {
    try {
      return dev.kiln.planner.llb.pb.Op.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a foreign op was checked when it was loaded", e);
    }
  }

  @Override
  public SortedSet<String> caps() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(metadata.getCapsMap().keySet()));
  }

  @Override
  public String name() {
    return metadata.getDescriptionOrDefault(Marshaller.CUSTOM_NAME, "");
  }

  // Identity, as for every vertex (Output compares vertices by identity); records would compare bytes.
  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }
}
