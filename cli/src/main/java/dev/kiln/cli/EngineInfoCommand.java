package dev.kiln.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kiln.executor.Executor;
import dev.kiln.executor.engine.CapsCache;
import dev.kiln.executor.engine.EngineInfo;
import java.io.PrintWriter;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kiln engine info}: what the engine is and the capabilities Kiln relies on. */
@Command(name = "info", description = "Show the engine, its BuildKit version, workers and capabilities.",
    footerHeading = Kiln.EXAMPLES,
    footer = {
      "  # the engine Kiln finds (see --engine)",
      "  kiln engine info",
      "  # a standalone buildkitd, as JSON",
      "  kiln engine info --engine tcp://buildkitd:1234 --format json"
    })
final class EngineInfoCommand implements Callable<Integer> {
  @Mixin EngineOptions engineOptions;

  @Mixin FormatOption format;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    EngineInfo info;
    // Asks afresh, and replaces what runs reuse: the way to repair a stale or bad cache entry.
    try (Executor executor = engineOptions.executor().setCapsCache(CapsCache.forUser(System.getenv()).refreshing())
        .build()) {
      info = executor.engine();
    }
    PrintWriter out = spec.commandLine().getOut();
    if (format.json()) {
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(info));
    } else {
      out.print(text(info));
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** Says when a value was derived rather than answered by the engine (it has no API for it). */
  private static String source(EngineInfo i, String field) {
    return i.probed(field) ? "\n" : "  (derived from engine kind, version and image store)\n";
  }

  static String text(EngineInfo i) {
    StringBuilder sb = new StringBuilder();
    sb.append("Engine:     ").append(i.describe()).append('\n');
    sb.append("Address:    ").append(i.address()).append('\n');
    sb.append("BuildKit:   ").append(i.buildkitVersion())
        .append(i.probed("buildkitVersion") ? "" : " (derived from the Docker version; this engine has no Info RPC)")
        .append('\n');
    sb.append("Workers:\n");
    for (EngineInfo.Worker w : i.workers()) {
      sb.append("  ").append(w.id()).append("  ").append(String.join(", ", w.platforms()));
      if (!w.snapshotter().isEmpty()) {
        sb.append("  snapshotter=").append(w.snapshotter());
      }
      sb.append('\n');
    }
    sb.append("Exporters:      ").append(String.join(", ", i.exporters())).append(source(i, "exporters"));
    sb.append("Cache import:   ").append(String.join(", ", i.cacheImports())).append(source(i, "cacheImports"));
    sb.append("Cache export:   ").append(String.join(", ", i.cacheExports())).append(source(i, "cacheExports"));
    sb.append("LLB caps (").append(i.llbCaps().size()).append(" enabled, ")
        .append(i.probed("llbCaps") ? "probed" : "derived").append("):\n");
    StringBuilder line = new StringBuilder("  ");
    for (String cap : new TreeSet<>(i.llbCaps())) {
      if (line.length() + cap.length() > 98) {
        sb.append(line.toString().stripTrailing()).append('\n');
        line = new StringBuilder("  ");
      }
      line.append(cap).append(' ');
    }
    if (line.length() > 2) {
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    i.disabledCaps().forEach((cap, why) -> sb.append("  disabled: ").append(cap).append(" (").append(why).append(")\n"));
    for (String feature : new String[] {"mergeop", "diffop", "exec.secretenv", "exec.validexitcode"}) {
      if (!i.llbCaps().contains(feature)) {
        sb.append("  missing: ").append(feature).append('\n');
      }
    }
    return sb.toString();
  }
}
