package dev.kiln.executor.filesync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.planner.PathPatterns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kiln's reading of git's ignore rules, checked against git itself over generated trees with many
 * nested {@code .gitignore} files: the listing the file sender makes has exactly the files {@code git
 * ls-files --others --exclude-standard} lists (nothing is tracked, so those are the files git does not
 * ignore), and each path's verdict is {@code git check-ignore --no-index}'s.
 */
class GitIgnoresAgainstGitTest {
  private static final String[] NAMES = {"a", "b", "build", "c.log", "keep.log", "d.txt", "x.tmp", "src", "gen",
      "#h", "sp ace", "[x]", "ab"};
  private static final String[] RULES = {"*.log", "!keep.log", "build/", "/build", "build", "gen", "/gen/", "!gen",
      "a/**/d.txt", "**/x.tmp", "**/src/b", "src/**", "[ab]", "[!a]b", "?", "*.t?t", "d*/", "!d.txt", "\\#h",
      "sp\\ ace", "sp ace  ", "!/src", "a/b", "/a/*", "!a/b/", "b/**/c.log", "*", "!*/", "!b", "[[]x]", "# comment",
      "", "ab/", "!ab", "**/gen/**", "src/*.log", "!**/c.log", "x.tmp/"};

  @TempDir Path repo;

  @BeforeAll
  static void gitIsThere() {
    // The comparison needs git itself; where there is none, say so rather than fail 40 times.
    boolean found = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
        .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, "git")));
    Assumptions.assumeTrue(found, "git is not on the PATH: the sender's rules are compared with git's own");
  }

  static LongStream seeds() {
    return LongStream.rangeClosed(1, 40);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void theSenderListsExactlyWhatGitDoesNotIgnore(long seed) throws Exception {
    Random r = new Random(seed);
    git("init", "-q", ".");
    List<Path> dirs = new ArrayList<>(List.of(repo));
    generate(repo, 0, r, dirs);
    for (Path d : dirs) {
      if (r.nextInt(3) > 0) {
        Files.writeString(d.resolve(".gitignore"), rules(r));
      }
    }
    Files.writeString(repo.resolve(".git/info/exclude"), rules(r));

    for (Path root : List.of(repo, repo.resolve("a"), repo.resolve("src/a"))) {
      if (!Files.isDirectory(root)) {
        continue;
      }
      // what the sender lists under host directory `root`, files only (git lists no directories)
      Set<String> sent = new TreeSet<>();
      for (FileTree.Entry e : FileTree.list(root, List.of(), List.of(".git", PathPatterns.GIT_RULES))) {
        if (e.file() != null) {
          sent.add(e.stat().getPath());
        }
      }
      String prefix = repo.relativize(root).toString();
      Set<String> kept = new TreeSet<>();
      for (String line : git("ls-files", "--others", "--exclude-standard", "-z").split("\0")) {
        if (!line.isEmpty() && (prefix.isEmpty() || line.startsWith(prefix + "/"))) {
          kept.add(prefix.isEmpty() ? line : line.substring(prefix.length() + 1));
        }
      }
      assertThat(sent).as("seed %d, host directory /%s, rules:%n%s", seed, prefix, rulesOf(dirs)).isEqualTo(kept);
    }

    // Each path's verdict, directories included, against git check-ignore.
    GitIgnores ours = GitIgnores.under(repo);
    PathPatterns patterns = PathPatterns.of(List.of(PathPatterns.GIT_RULES), ours);
    List<String> paths = new ArrayList<>();
    List<Boolean> isDir = new ArrayList<>();
    try (var walk = Files.walk(repo)) {
      walk.filter(p -> !p.equals(repo) && !repo.relativize(p).startsWith(".git")).forEach(p -> {
        paths.add(repo.relativize(p).toString());
        isDir.add(Files.isDirectory(p));
      });
    }
    StringBuilder stdin = new StringBuilder();
    paths.forEach(p -> stdin.append(p).append('\0'));
    Set<String> gitIgnored = new TreeSet<>(List.of(
        gitIn(stdin.toString(), "check-ignore", "--no-index", "--stdin", "-z").split("\0")));
    gitIgnored.remove("");
    var mismatches = new TreeMap<String, String>();
    for (int i = 0; i < paths.size(); i++) {
      boolean mine = patterns.matches(paths.get(i), isDir.get(i));
      if (mine != gitIgnored.contains(paths.get(i))) {
        mismatches.put(paths.get(i), mine ? "Kiln ignores, git does not" : "git ignores, Kiln does not");
      }
    }
    assertThat(mismatches).as("seed %d, rules:%n%s", seed, rulesOf(dirs)).isEmpty();
  }

  private static void generate(Path dir, int depth, Random r, List<Path> dirs) throws IOException {
    Files.createDirectories(dir);
    int n = 2 + r.nextInt(5);
    for (int i = 0; i < n; i++) {
      String name = NAMES[r.nextInt(NAMES.length)];
      Path p = dir.resolve(name);
      if (Files.exists(p)) {
        continue;
      }
      if (depth < 4 && r.nextInt(3) == 0) {
        dirs.add(p);
        generate(p, depth + 1, r, dirs);
      } else {
        Files.writeString(p, name);
      }
    }
  }

  private static String rules(Random r) {
    StringBuilder sb = new StringBuilder();
    int n = 1 + r.nextInt(5);
    for (int i = 0; i < n; i++) {
      sb.append(RULES[r.nextInt(RULES.length)]).append('\n');
    }
    return sb.toString();
  }

  private String rulesOf(List<Path> dirs) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (Path d : dirs) {
      Path f = d.resolve(".gitignore");
      if (Files.exists(f)) {
        sb.append("/").append(repo.relativize(f)).append(": ").append(Files.readString(f).replace("\n", " | ")).append('\n');
      }
    }
    return sb.append("info/exclude: ").append(Files.readString(repo.resolve(".git/info/exclude")).replace("\n", " | "))
        .toString();
  }

  private String git(String... args) throws Exception {
    return gitIn("", args);
  }

  /** Runs git in the repository, away from the user's own configuration (no global excludes file). */
  private String gitIn(String stdin, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git", "-c", "core.excludesFile=/dev/null"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile());
    pb.environment().put("HOME", repo.resolve(".git").toString());
    pb.environment().put("XDG_CONFIG_HOME", repo.resolve(".git").toString());
    pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
    Process p = pb.start();
    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("git %s: %s", args, new String(p.getErrorStream().readAllBytes())).isIn(0, 1);
    return out;
  }
}
