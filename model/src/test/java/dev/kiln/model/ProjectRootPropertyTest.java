package dev.kiln.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random trees of directories, files and symbolic links (relative and absolute, chains, loops,
 * dangling), inside and outside a project: the checker says "inside" exactly for the paths GNU
 * {@code realpath -m} resolves inside, refuses loops, and a write through every path it accepts
 * lands where it said and changes nothing outside the project.
 */
class ProjectRootPropertyTest {
  private static final String[] NAMES = {"a", "b", "c", "build", "src", "x"};
  @TempDir Path tmp;

  @Test
  void acceptsExactlyThePathsThatResolveInside() throws Exception {
    long seed = Long.getLong("kiln.seed", System.nanoTime());
    Random random = new Random(seed);
    int checked = 0;
    int outsideSeen = 0;
    int loopsSeen = 0;
    int skipped = 0;
    for (int tree = 0; tree < 150; tree++) {
      Path base = Files.createDirectories(tmp.resolve("t" + tree)).toRealPath();
      Path project = Files.createDirectories(base.resolve("project"));
      Path outside = Files.createDirectories(base.resolve("outside"));
      populate(random, base, project, outside);
      ProjectRoot root = ProjectRoot.of(project);
      List<String> queries = new ArrayList<>();
      for (int q = 0; q < 12; q++) {
        queries.add(query(random));
      }
      List<Path> oracle = realpathM(project, queries);
      if (oracle == null) {
        skipped++;
      }
      for (int q = 0; oracle != null && q < queries.size(); q++) {
        String query = queries.get(q);
        ProjectRoot.Resolution r = root.resolve(query);
        String context = "seed " + seed + ", tree " + tree + ", query " + query + "\n" + describe(base);
        Path expected = oracle.get(q);
        if (r instanceof ProjectRoot.Resolution.Loop) {
          loopsSeen++;
          assertThat(hasLink(expected) || kernelSaysLoop(project.resolve(query)))
              .as("refused as a loop, but realpath -m resolves it to %s and the kernel finds no loop: %s",
                  expected, context)
              .isTrue();
          continue;
        }
        assertThat(hasLink(expected)).as("realpath -m left a link unresolved (a loop) in %s: %s", expected, context)
            .isFalse();
        boolean inside = expected.startsWith(project);
        assertThat(r.inside()).as("inside for %s (realpath -m: %s)", context, expected).isEqualTo(inside);
        if (r instanceof ProjectRoot.Resolution.Inside in) {
          assertThat(in.real()).as(context).isEqualTo(expected);
        } else {
          outsideSeen++;
        }
        checked++;
      }
      // Soundness: a write through each accepted path lands where the checker said, never outside.
      Map<String, String> before = snapshot(base, project);
      for (String query : queries) {
        if (root.resolve(query) instanceof ProjectRoot.Resolution.Inside in) {
          try {
            Files.createDirectories(project.resolve(query).getParent());
            Files.writeString(project.resolve(query), "written");
          } catch (IOException e) {
            continue; // the OS refused (a file in the way, a dangling link): nothing was written
          }
          assertThat(Files.readString(in.real())).as("write through %s", query).isEqualTo("written");
        }
      }
      assertThat(snapshot(base, project)).as("outside the project after writes, seed %d tree %d", seed, tree)
          .isEqualTo(before);
    }
    System.out.printf("seed %d: %d paths checked, %d outside, %d loops, %d trees skipped%n", seed, checked,
        outsideSeen, loopsSeen, skipped);
    assertThat(skipped).as("trees realpath could not resolve in time").isLessThan(20);
    assertThat(checked).isGreaterThan(1000);
    assertThat(outsideSeen).as("trees lead out often enough to test it").isGreaterThan(80);
    assertThat(loopsSeen).as("loops occur").isGreaterThan(20);
  }

  /** Directories, files and links at random places, with targets relative, absolute, dangling, looping. */
  private static void populate(Random random, Path base, Path project, Path outside) throws IOException {
    Path[] roots = {project, project, project, outside};
    if (random.nextInt(5) == 0) {
      // A cycle of one or two links, which random targets rarely make (without names after the
      // link: realpath -m expands a cycle like `a -> a/x` until it is killed).
      String a = name(random);
      String b = name(random);
      try {
        Files.createSymbolicLink(project.resolve(a), Path.of(b));
        if (!a.equals(b)) {
          Files.createSymbolicLink(project.resolve(b), random.nextBoolean() ? Path.of(a) : project.resolve(a));
        }
      } catch (IOException e) {
        // something already there
      }
    }
    for (int i = 0; i < 6; i++) {
      Path dir = roots[random.nextInt(roots.length)].resolve(name(random));
      if (random.nextBoolean()) {
        dir = dir.resolve(name(random));
      }
      try {
        Files.createDirectories(dir);
        if (random.nextInt(3) == 0) {
          Files.writeString(dir.resolve(name(random)), "file");
        }
      } catch (IOException e) {
        // a file or link already there
      }
    }
    for (int i = 0; i < 3 + random.nextInt(7); i++) {
      Path at = roots[random.nextInt(roots.length)];
      if (random.nextInt(3) == 0) {
        at = at.resolve(name(random));
      }
      Path link = at.resolve(name(random));
      try {
        Files.createSymbolicLink(link, target(random, base, project, outside));
      } catch (IOException e) {
        // something already there, or its directory is a file
      }
    }
  }

  private static Path target(Random random, Path base, Path project, Path outside) {
    StringBuilder rel = new StringBuilder();
    int n = 1 + random.nextInt(3);
    for (int i = 0; i < n; i++) {
      int k = random.nextInt(10);
      String part = k < 3 ? ".." : k == 3 ? "." : k == 4 ? "outside" : k == 5 ? "project" : name(random);
      rel.append(i == 0 ? "" : "/").append(part);
    }
    return switch (random.nextInt(5)) {
      case 0 -> project.resolve(rel.toString());
      case 1 -> outside.resolve(rel.toString());
      case 2 -> base.resolve(rel.toString());
      default -> Path.of(rel.toString());
    };
  }

  private static String query(Random random) {
    StringBuilder q = new StringBuilder(name(random));
    int n = random.nextInt(4);
    for (int i = 0; i < n; i++) {
      q.append('/').append(random.nextInt(6) == 0 ? "new" : name(random));
    }
    return q.toString();
  }

  private static String name(Random random) {
    return NAMES[random.nextInt(NAMES.length)];
  }

  /**
   * GNU realpath -m of each query under the project: links resolved, missing names as written; null
   * when it takes more than a second (it expands some link trees exponentially, where the kernel and the
   * checker stop at 40 links).
   */
  private static List<Path> realpathM(Path project, List<String> queries) throws Exception {
    List<String> command = new ArrayList<>(List.of("timeout", "-s", "KILL", "1", "realpath", "-m", "-z", "--"));
    queries.forEach(q -> command.add(project.resolve(q).toString()));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    if (p.waitFor() == 137) {
      return null;
    }
    assertThat(p.exitValue()).isZero();
    List<Path> paths = new ArrayList<>();
    for (String s : out.toString(StandardCharsets.UTF_8).split("\0")) {
      paths.add(Path.of(s));
    }
    assertThat(paths).hasSameSizeAs(queries);
    return paths;
  }

  /** Whether an existing name of {@code p} is still a link: realpath -m gave up on a loop there. */
  private static boolean hasLink(Path p) {
    for (Path at = p; at != null; at = at.getParent()) {
      if (Files.isSymbolicLink(at)) {
        return true;
      }
    }
    return false;
  }

  private static boolean kernelSaysLoop(Path p) {
    try {
      Files.readAttributes(p, "basic:isDirectory");
      return false;
    } catch (FileSystemException e) {
      return e.getReason() != null && e.getReason().contains("Too many levels of symbolic links");
    } catch (IOException e) {
      return false;
    }
  }

  /** Every entry under {@code base} but the project, with its kind and contents. */
  private static Map<String, String> snapshot(Path base, Path project) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(base)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        if (p.startsWith(project)) {
          continue;
        }
        String v = Files.isSymbolicLink(p) ? "-> " + Files.readSymbolicLink(p)
            : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "dir" : Files.readString(p);
        out.put(base.relativize(p).toString(), v);
      }
    }
    return out;
  }

  private static String describe(Path base) {
    try {
      return String.join("\n", snapshotAll(base).entrySet().stream().map(e -> "  " + e.getKey() + " " + e.getValue())
          .toList());
    } catch (IOException e) {
      return "(cannot list: " + e + ")";
    }
  }

  private static Map<String, String> snapshotAll(Path base) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(base)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        out.put(base.relativize(p).toString(), Files.isSymbolicLink(p) ? "-> " + Files.readSymbolicLink(p)
            : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "/" : "(file)");
      }
    }
    return out;
  }
}
