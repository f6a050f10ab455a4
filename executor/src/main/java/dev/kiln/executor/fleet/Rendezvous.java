package dev.kiln.executor.fleet;

import dev.kiln.model.EngineFleet;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Rendezvous (highest random weight) hashing of a routing key over the fleet's engines, weighted by
 * their {@code maxSolves}: every client ranks the engines for a key alike, without coordination, and
 * adding or removing an engine moves only the keys it wins or held. The same project's same task
 * thus lands on the same engine, where its cache is warm, and on the next-ranked one when that is
 * down or full.
 */
public final class Rendezvous {
  private Rendezvous() {}

  /** The routing key of a task: the project's (stable, see the executor's shared key) and the task's name. */
  public static String key(String project, String task) {
    return project + "\u0000" + task;
  }

  /** {@code engines} from the one {@code key} prefers most to the one it prefers least. */
  public static List<EngineFleet.Engine> rank(String key, List<EngineFleet.Engine> engines) {
    List<EngineFleet.Engine> out = new ArrayList<>(engines);
    out.sort(Comparator.comparingDouble((EngineFleet.Engine e) -> -score(key, e)).thenComparing(EngineFleet.Engine::name));
    return List.copyOf(out);
  }

  /** Weighted score: {@code w / -ln(h)} for h uniform in (0, 1), so an engine wins a share of keys proportional to w. */
  static double score(String key, EngineFleet.Engine engine) {
    long bits = hash(key + "\u0000" + engine.name()) >>> 11; // 53 bits
    double h = (bits + 0.5) / (1L << 53);
    return engine.maxSolves() / -Math.log(h);
  }

  private static long hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(d).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
