package dev.kiln.planner;

import dev.kiln.model.Pipeline;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;

/**
 * Plan benchmark (run by {@code bench/plan-bench.sh}, not a test): plans a generated pipeline in
 * this fresh JVM and prints the first (cold) planning time, the median of later (warm) ones,
 * and the peak heap, against Kiln's targets (< 1 s, < 256 MiB).
 */
public final class PlanBench {
  private PlanBench() {}

  public static void main(String[] args) {
    int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    Pipeline pipeline = GeneratedPipeline.of(tasks);
    Planner planner = PlannerBuilder.preconfigured().setImageConfigs(Fixtures.images()).build();
    List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP).toList();
    heap.forEach(MemoryPoolMXBean::resetPeakUsage);

    long t0 = System.nanoTime();
    Plan plan = planner.plan(pipeline, List.of());
    long cold = System.nanoTime() - t0;
    long sinceJvmStart = System.currentTimeMillis() - jvmStart;
    long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();

    long[] warm = new long[5];
    for (int i = 0; i < warm.length; i++) {
      long s = System.nanoTime();
      planner.plan(pipeline, List.of());
      warm[i] = System.nanoTime() - s;
    }
    Arrays.sort(warm);

    var ops = new HashSet<String>();
    long defs = 0;
    long bytes = 0;
    for (PlannedTask t : plan.tasks()) {
      for (PlannedTarget g : t.targets()) {
        defs++;
        bytes += g.definition().toByteArray().length;
        ops.addAll(g.definition().digests().subList(0, g.definition().size()));
      }
    }
    double coldMs = cold / 1e6;
    double peakMiB = peak / (1024.0 * 1024.0);
    System.out.printf("plan bench: %d tasks, %d definitions, %d unique ops, %.1f MiB of LLB%n",
        plan.tasks().size(), defs, ops.size(), bytes / (1024.0 * 1024.0));
    System.out.printf("  plan time, first in a fresh JVM: %8.1f ms   target < 1000 ms  %s%n",
        coldMs, coldMs < 1000 ? "OK" : "OVER");
    System.out.printf("  plan time, warm (median of %d):  %8.1f ms%n", warm.length, warm[warm.length / 2] / 1e6);
    System.out.printf("  peak heap during the first plan: %8.1f MiB  target < 256 MiB  %s%n",
        peakMiB, peakMiB < 256 ? "OK" : "OVER");
    System.out.printf("  (JVM start to first plan done, generating the pipeline included: %d ms)%n",
        sinceJvmStart);
  }
}
