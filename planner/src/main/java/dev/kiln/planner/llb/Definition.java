package dev.kiln.planner.llb;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.kiln.planner.llb.pb.Input;
import dev.kiln.planner.llb.pb.OpMetadata;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A marshalled LLB graph, ready for {@code SolveRequest.Definition}: each op's deterministic
 * bytes, dependencies first and the return op last, with per-op metadata keyed by digest. Made by
 * {@link Marshaller}; immutable.
 *
 * <p>A planned definition has no {@code local.session} attribute: the session id changes on
 * every run, and through input digests it would change every op downstream of a local source,
 * so the plan's digests would never be stable. The executor calls {@link #withLocalSession}
 * just before submitting, and uses {@link #plannedDigest} to map the stamped digests it sees in
 * progress back to the plan.
 */
public final class Definition {
  private final List<ByteString> ops;
  private final List<String> digests;
  private final Map<String, OpMetadata> metadata;
  private final Map<String, String> plannedDigests;
  private volatile Map<String, String> engineDigests; // made when first needed: see ownDigest

  private Definition(List<ByteString> ops, List<String> digests, Map<String, OpMetadata> metadata,
      Map<String, String> plannedDigests) {
    this.ops = List.copyOf(ops);
    this.digests = List.copyOf(digests);
    this.metadata = Collections.unmodifiableMap(new TreeMap<>(metadata));
    this.plannedDigests = Map.copyOf(plannedDigests);
  }

  static Definition of(List<ByteString> ops, Map<String, OpMetadata> metadata) {
    var digests = new ArrayList<String>(ops.size());
    for (ByteString op : ops) {
      digests.add(Digests.sha256(op));
    }
    return new Definition(ops, digests, metadata, Map.of());
  }

  /**
   * Reads a definition from the wire, recomputing digests from the bytes.
   *
   * @throws IllegalArgumentException if it is empty or its last op is not a return op
   */
  public static Definition fromPb(dev.kiln.planner.llb.pb.Definition pb) {
    if (pb.getDefCount() < 2) {
      throw new IllegalArgumentException("invalid LLB with " + pb.getDefCount() + " vertexes");
    }
    Definition d = of(pb.getDefList(), pb.getMetadataMap());
    if (d.op(d.ops.size() - 1).getInputsCount() != 1) {
      throw new IllegalArgumentException("the last op must be a return op with one input");
    }
    return d;
  }

  /** The wire message (map entries are sorted when serialised with {@link #toByteArray()}). */
  public dev.kiln.planner.llb.pb.Definition toPb() {
    return dev.kiln.planner.llb.pb.Definition.newBuilder()
        .addAllDef(ops)
        .putAllMetadata(metadata)
        .build();
  }

  /** The wire bytes, deterministic. */
  public byte[] toByteArray() {
    return Digests.deterministicBytes(toPb()).toByteArray();
  }

  /** Digests of all ops in definition order; the last is the return op's. */
  public List<String> digests() {
    return digests;
  }

  /** The digest of the op whose output is the result (the return op's input). */
  public String resultDigest() {
    return op(ops.size() - 1).getInputs(0).getDigest();
  }

  /** The number of ops, without the return op. */
  public int size() {
    return ops.size() - 1;
  }

  /** The op with digest {@code digest} parsed back, in definition order index {@code i}. */
  public dev.kiln.planner.llb.pb.Op op(int i) {
    try {
      return dev.kiln.planner.llb.pb.Op.parseFrom(ops.get(i));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a definition holds only ops it marshalled or checked", e);
    }
  }

  /** The metadata of op {@code digest}, or the empty metadata. */
  public OpMetadata metadata(String digest) {
    return metadata.getOrDefault(digest, OpMetadata.getDefaultInstance());
  }

  /** Every capability declared by any op. */
  public SortedSet<String> caps() {
    var caps = new TreeSet<String>();
    metadata.values().forEach(m -> caps.addAll(m.getCapsMap().keySet()));
    return Collections.unmodifiableSortedSet(caps);
  }

  /**
   * The digest this op had in the plan, before {@link #withLocalSession} (itself if unstamped);
   * {@code digest} may be the engine's name for the op ({@link #ownDigest}).
   */
  public String plannedDigest(String digest) {
    String own = ownDigest(digest);
    return plannedDigests.getOrDefault(own, own);
  }

  /**
   * This definition's digest for an op the engine names {@code digest}: itself, or the op whose
   * digest the engine computed anew. BuildKit v0.16+ re-marshals every op it loads with
   * protobuf-go, which writes an op's oneof field (exec, source, file, ...) after its platform and
   * constraints, so each op with a platform gets another digest there, and so does every op
   * downstream of it; earlier engines keep the digests of the bytes sent (field-number order, as
   * Kiln writes them). Progress, errors and error details then name ops by the engine's digests.
   */
  public String ownDigest(String digest) {
    Map<String, String> engine = engineDigests;
    if (engine == null) {
      engine = EngineDigests.of(ops, digests);
      engineDigests = engine;
    }
    return engine.getOrDefault(digest, digest);
  }

  /** The definition-order index of the op {@code digest} names (its own or the engine's digest), or -1. */
  public int indexOf(String digest) {
    return digests.indexOf(ownDigest(digest));
  }

  /**
   * This definition with {@code local.session = sessionId} on every local source, re-marshalled:
   * the local ops and everything downstream get new digests. Call it at submit time only.
   */
  public Definition withLocalSession(String sessionId) {
    if (sessionId.isEmpty()) {
      throw new IllegalArgumentException("empty session id");
    }
    return edited((op, md) -> {
      if (op.hasSource() && op.getSource().getIdentifier().startsWith(SourceOp.LOCAL_SCHEME)) {
        op.getSourceBuilder().putAttrs(Sources.ATTR_LOCAL_SESSION, sessionId);
        md.putCaps(Caps.SOURCE_LOCAL_SESSION_ID, true);
        return true;
      }
      return false;
    });
  }

  /**
   * This definition with each /etc/hosts address that is a key of {@code addresses} (a planner's
   * placeholder) replaced by its value, re-marshalled. BuildKit leaves addresses out of an exec's
   * cache key, so the result is cached as the planned definition is. Call it at submit time only.
   */
  public Definition withHostAddresses(Map<String, String> addresses) {
    return edited((op, md) -> {
      if (!op.hasExec()) {
        return false;
      }
      var meta = op.getExecBuilder().getMetaBuilder();
      boolean changed = false;
      for (int k = 0; k < meta.getExtraHostsCount(); k++) {
        String ip = addresses.get(meta.getExtraHosts(k).getIP());
        if (ip != null) {
          meta.setExtraHosts(k, meta.getExtraHosts(k).toBuilder().setIP(ip));
          changed = true;
        }
      }
      return changed;
    });
  }

  /** Changes one op in place (and its metadata), saying whether it did. */
  private interface OpEdit {
    boolean edit(dev.kiln.planner.llb.pb.Op.Builder op, OpMetadata.Builder metadata);
  }

  /** This definition with {@code edit} applied to every op; edited ops and everything downstream get new digests. */
  private Definition edited(OpEdit edit) {
    var renamed = new HashMap<String, String>(); // digest before -> digest after
    var newOps = new ArrayList<ByteString>(ops.size());
    var newDigests = new ArrayList<String>(ops.size());
    var newMetadata = new TreeMap<String, OpMetadata>();
    var planned = new HashMap<String, String>();
    for (int i = 0; i < ops.size(); i++) {
      var op = op(i).toBuilder();
      boolean changed = false;
      for (int k = 0; k < op.getInputsCount(); k++) {
        Input in = op.getInputs(k);
        String to = renamed.get(in.getDigest());
        if (to != null) {
          op.setInputs(k, in.toBuilder().setDigest(to));
          changed = true;
        }
      }
      OpMetadata md = metadata.get(digests.get(i));
      OpMetadata.Builder mdb = md == null ? OpMetadata.newBuilder() : md.toBuilder();
      if (edit.edit(op, mdb)) {
        changed = true;
        md = mdb.build();
      }
      ByteString bytes = changed ? Digests.deterministicBytes(op.build()) : ops.get(i);
      String digest = changed ? Digests.sha256(bytes) : digests.get(i);
      if (changed) {
        renamed.put(digests.get(i), digest);
      }
      if (changed || plannedDigests.containsKey(digests.get(i))) { // keep what an earlier edit stamped
        planned.put(digest, plannedDigest(digests.get(i)));
      }
      newOps.add(bytes);
      newDigests.add(digest);
      if (md != null) {
        newMetadata.put(digest, md);
      }
    }
    return new Definition(newOps, newDigests, newMetadata, planned);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Definition d && d.ops.equals(ops) && d.metadata.equals(metadata);
  }

  @Override
  public int hashCode() {
    return digests.hashCode();
  }

  @Override
  public String toString() {
    return "Definition" + digests;
  }
}
