package dev.kiln.executor.filesync;

import dev.kiln.planner.PathPatterns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The file sender's listing of a generated tree (10,000 files by default: 20 modules of 10
 * packages of 50 files, with a {@code build/} output in each module), side by side: as {@code main}
 * lists it (the top {@code .gitignore} turned into Docker patterns, nested ones unread), with git's
 * rules read during the walk (nested files in every module and package), and git's own listing of
 * the same tree in a process. Run by {@code bench/gitignore-bench.sh}.
 */
public final class GitignoreBench {
  private GitignoreBench() {}

  /** One way to list the tree; returns how many entries it listed. */
  private record Variant(String name, Listing listing) {}

  private interface Listing {
    int entries(Path root) throws Exception;
  }

  // main sent these for a top .gitignore of "*.log\nbuild/\n": nested files were not read
  private static final List<String> BEFORE = List.of(".git", ".kiln", "**/*.log", "**/build");
  private static final List<String> AFTER = List.of(".git", ".kiln", PathPatterns.GIT_RULES);

  private static final List<Variant> VARIANTS = List.of(
      new Variant("main: top .gitignore as Docker patterns", r -> FileTree.list(r, List.of(), BEFORE).size()),
      new Variant("branch: git's rules read in the walk", r -> FileTree.list(r, List.of(), AFTER).size()),
      new Variant("git ls-files -o --exclude-standard", r -> git(r, "ls-files", "-o", "--exclude-standard").split("\n").length),
      new Variant("git ls-files -o -i --exclude-standard --directory",
          r -> git(r, "ls-files", "-o", "-i", "--exclude-standard", "--directory").split("\n").length));

  /**
   * Arguments: FILES RUNS [VARIANT]. With a variant (its index), one cold run in this fresh JVM;
   * otherwise warm runs of every variant, interleaved, on the tree with nested files and on the same
   * tree with only the top one (where both listings send the same entries: the cost of git's rules).
   */
  public static void main(String[] args) throws Exception {
    int files = Integer.parseInt(args[0]);
    int runs = Integer.parseInt(args[1]);
    for (boolean nested : List.of(true, false)) {
      Path root = Files.createTempDirectory("kiln-gitignore-bench");
      try {
        generate(root, files, nested);
        git(root, "init", "-q", ".");
        if (args.length > 2) {
          Variant v = VARIANTS.get(Integer.parseInt(args[2]));
          long t = System.nanoTime();
          int entries = v.listing().entries(root);
          System.out.printf("cold, %-7s %-52s %6d entries %8.1f ms%n", nested ? "nested" : "top", v.name(), entries,
              (System.nanoTime() - t) / 1e6);
          continue;
        }
        System.out.printf("tree with %s: %d files, %d of them .gitignore; warm, %d interleaved runs, median ms%n",
            nested ? "nested .gitignore files" : "only the top .gitignore", count(root, null), count(root, ".gitignore"),
            runs);
        long[][] ms = new long[VARIANTS.size()][runs];
        int[] entries = new int[VARIANTS.size()];
        for (int i = -3; i < runs; i++) { // three rounds to warm up
          for (int v = 0; v < VARIANTS.size(); v++) {
            long t = System.nanoTime();
            entries[v] = VARIANTS.get(v).listing().entries(root);
            if (i >= 0) {
              ms[v][i] = System.nanoTime() - t;
            }
          }
        }
        for (int v = 0; v < VARIANTS.size(); v++) {
          Arrays.sort(ms[v]);
          System.out.printf("  %-52s %6d entries %8.1f ms%n", VARIANTS.get(v).name(), entries[v], ms[v][runs / 2] / 1e6);
        }
      } finally {
        try (var walk = Files.walk(root)) {
          walk.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  /** Modules of packages of files; each module has a build/ output and a .gitignore, each package one too. */
  private static void generate(Path root, int files, boolean nested) throws IOException {
    Files.writeString(root.resolve(".gitignore"), "*.log\nbuild/\n");
    int perPackage = 50;
    int packages = 10;
    int modules = Math.max(1, files / (perPackage * packages));
    for (int m = 0; m < modules; m++) {
      Path module = root.resolve("module-" + m);
      Files.createDirectories(module.resolve("build"));
      if (nested) {
        Files.writeString(module.resolve(".gitignore"), "/local.env\n*.tmp\n!keep.tmp\ngenerated/\n");
      }
      for (int p = 0; p < packages; p++) {
        Path pkg = module.resolve("src/pkg" + p);
        Files.createDirectories(pkg);
        if (nested) {
          Files.writeString(pkg.resolve(".gitignore"), "*.bak\n/scratch*\n");
        }
        for (int f = 0; f < perPackage; f++) {
          String name = switch (f % 10) {
            case 0 -> "Out" + f + ".tmp";
            case 1 -> "Old" + f + ".bak";
            case 2 -> "run" + f + ".log";
            default -> "File" + f + ".java";
          };
          Path dir = f % 25 == 24 ? module.resolve("build") : pkg;
          Files.writeString(dir.resolve(p + "-" + name), "class F" + f + " {}\n");
        }
      }
    }
  }

  private static long count(Path root, String name) throws IOException {
    try (var walk = Files.walk(root)) {
      return walk.filter(p -> Files.isRegularFile(p) && !root.relativize(p).startsWith(".git")
          && (name == null || p.getFileName().toString().equals(name))).count();
    }
  }

  private static String git(Path root, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git", "-c", "core.excludesFile=/dev/null"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("git " + String.join(" ", args) + ": " + out);
    }
    return out;
  }
}
