package dev.kiln.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The host's processes by a marker in their command line: the engine's containers run on this host. */
final class HostProcesses {
  private HostProcesses() {}

  /** The host's processes whose command line contains {@code marker} (the engine's containers run on this host). */
  static List<String> with(String marker) throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        if (!p.getFileName().toString().matches("\\d+")) {
          continue;
        }
        try {
          String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
          if (cmdline.contains(marker)) {
            found.add(p.getFileName() + ": " + cmdline);
          }
        } catch (IOException e) {
          // it ended meanwhile
        }
      }
    }
    return found;
  }

  /** Waits up to 15 s for the processes with {@code marker} to be gone; returns those left. */
  static List<String> leftAfterAWhile(String marker) throws Exception {
    List<String> left = with(marker);
    for (int i = 0; i < 30 && !left.isEmpty(); i++) {
      Thread.sleep(500);
      left = with(marker);
    }
    return left;
  }
}
