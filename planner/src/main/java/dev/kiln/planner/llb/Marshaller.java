package dev.kiln.planner.llb;

import com.google.protobuf.ByteString;
import dev.kiln.planner.llb.pb.Input;
import dev.kiln.planner.llb.pb.OpMetadata;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns states into {@link Definition}s. One marshaller remembers every vertex it has
 * serialised, so graphs shared by many definitions (one per task) are serialised once.
 * Not thread-safe; marshalling never mutates a vertex.
 */
public final class Marshaller {
  /** Key of the progress name in {@code OpMetadata.description}. */
  public static final String CUSTOM_NAME = "llb.customname";

  /** One serialised vertex. */
  record Marshalled(String digest, ByteString bytes, OpMetadata metadata, List<Marshalled> deps) {}

  private final IdentityHashMap<Vertex, Marshalled> done = new IdentityHashMap<>();

  /** The definition whose result is {@code state}'s filesystem. */
  public Definition marshal(LlbState state) {
    if (state.isScratch()) {
      throw new IllegalArgumentException("scratch has nothing to solve");
    }
    return marshal(state.output());
  }

  /** The definition whose result is {@code root}. */
  public Definition marshal(Output root) {
    Marshalled top = vertex(root.vertex());
    var ordered = new LinkedHashMap<String, Marshalled>();
    collect(top, ordered);
    var returnOp = dev.kiln.planner.llb.pb.Op.newBuilder()
        .addInputs(Input.newBuilder().setDigest(top.digest()).setIndex(root.index()))
        .build();
    boolean anyPlatform = false;
    var ops = new ArrayList<ByteString>(ordered.size() + 1);
    var metadata = new LinkedHashMap<String, OpMetadata>();
    for (Marshalled m : ordered.values()) {
      ops.add(m.bytes());
      metadata.put(m.digest(), m.metadata());
      anyPlatform |= m.metadata().getCapsOrDefault(Caps.PLATFORM, false);
    }
    ByteString returnBytes = Digests.deterministicBytes(returnOp);
    ops.add(returnBytes);
    if (anyPlatform) {
      metadata.put(Digests.sha256(returnBytes), OpMetadata.newBuilder().putCaps(Caps.PLATFORM, true).build());
    }
    return Definition.of(ops, metadata);
  }

  // Post-order, each digest once: dependencies before dependents, as the daemon expects.
  private static void collect(Marshalled top, Map<String, Marshalled> ordered) {
    record Frame(Marshalled m, int next) {}
    var stack = new ArrayList<Frame>();
    stack.add(new Frame(top, 0));
    while (!stack.isEmpty()) {
      Frame f = stack.remove(stack.size() - 1);
      if (ordered.containsKey(f.m().digest())) {
        continue;
      }
      if (f.next() < f.m().deps().size()) {
        stack.add(new Frame(f.m(), f.next() + 1));
        Marshalled dep = f.m().deps().get(f.next());
        if (!ordered.containsKey(dep.digest())) {
          stack.add(new Frame(dep, 0));
        }
      } else {
        ordered.put(f.m().digest(), f.m());
      }
    }
  }

  // Iterative so that very long chains of operations cannot overflow the stack.
  private Marshalled vertex(Vertex root) {
    Marshalled cached = done.get(root);
    if (cached != null) {
      return cached;
    }
    var stack = new ArrayList<Vertex>();
    stack.add(root);
    while (!stack.isEmpty()) {
      Vertex v = stack.get(stack.size() - 1);
      if (done.containsKey(v)) {
        stack.remove(stack.size() - 1);
        continue;
      }
      List<Output> inputs = v.inputs();
      boolean ready = true;
      for (Output in : inputs) {
        if (!done.containsKey(in.vertex())) {
          stack.add(in.vertex());
          ready = false;
        }
      }
      if (!ready) {
        continue;
      }
      stack.remove(stack.size() - 1);
      var wire = new ArrayList<Input>(inputs.size());
      var deps = new ArrayList<Marshalled>(inputs.size());
      for (Output in : inputs) {
        Marshalled dep = done.get(in.vertex());
        wire.add(Input.newBuilder().setDigest(dep.digest()).setIndex(in.index()).build());
        deps.add(dep);
      }
      if (v instanceof ForeignOp f) { // the engine's bytes and metadata, so that its digest stays
        done.put(v, new Marshalled(Digests.sha256(f.bytes()), f.bytes(), f.metadata(), List.copyOf(deps)));
        continue;
      }
      ByteString bytes = Digests.deterministicBytes(v.toPb(wire));
      var md = OpMetadata.newBuilder();
      for (String cap : v.caps()) {
        md.putCaps(cap, true);
      }
      if (!v.name().isEmpty()) {
        md.putDescription(CUSTOM_NAME, v.name());
        md.putCaps(Caps.META_DESCRIPTION, true);
      }
      done.put(v, new Marshalled(Digests.sha256(bytes), bytes, md.build(), List.copyOf(deps)));
    }
    return done.get(root);
  }
}
