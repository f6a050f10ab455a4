package dev.kiln.executor.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.model.EngineFleet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RendezvousTest {
  private static final EngineFleet.Engine A = new EngineFleet.Engine("a", "docker://", 4);
  private static final EngineFleet.Engine B = new EngineFleet.Engine("b", "tcp://b:1234", 4);
  private static final EngineFleet.Engine C = new EngineFleet.Engine("c", "tcp://c:1234", 4);

  @Test
  void theRankingOfAKeyIsTheSameWhateverTheOrderTheEnginesAreListedIn() {
    for (int i = 0; i < 200; i++) {
      String key = Rendezvous.key("proj:0011", "task-" + i);
      assertEquals(Rendezvous.rank(key, List.of(A, B, C)), Rendezvous.rank(key, List.of(C, A, B)));
    }
  }

  @Test
  void removingAnEngineMovesOnlyTheKeysItHeld() {
    int moved = 0;
    for (int i = 0; i < 2000; i++) {
      String key = Rendezvous.key("proj", "t" + i);
      EngineFleet.Engine before = Rendezvous.rank(key, List.of(A, B, C)).get(0);
      EngineFleet.Engine after = Rendezvous.rank(key, List.of(A, B)).get(0);
      if (before != C) {
        assertEquals(before, after, key);
      } else {
        moved++;
        // and a key C held goes to the engine it ranked second
        assertEquals(Rendezvous.rank(key, List.of(A, B, C)).get(1), after);
      }
    }
    assertTrue(moved > 500 && moved < 830, "about a third of the keys were C's: " + moved);
  }

  @Test
  void keysSpreadInProportionToEachEnginesLimit() {
    EngineFleet.Engine big = new EngineFleet.Engine("big", "tcp://x:1", 12);
    Map<String, Integer> wins = new HashMap<>();
    for (int i = 0; i < 8000; i++) {
      wins.merge(Rendezvous.rank(Rendezvous.key("p", "t" + i), List.of(A, big)).get(0).name(), 1, Integer::sum);
    }
    double bigShare = wins.get("big") / 8000.0;
    assertTrue(Math.abs(bigShare - 0.75) < 0.03, "12 of 16 slots: " + wins);
  }
}
