package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the user trusts to run on this machine, per project: plugin jars by checksum and secret
 * commands by their text. Kept outside every project ({@code $KILN_CONFIG_DIR}, else
 * {@code $XDG_CONFIG_HOME/kiln}, else {@code ~/.config/kiln}, file {@code trusted.json}), so that
 * a branch cannot trust itself; {@code kiln trust} writes it.
 */
final class TrustStore {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What is trusted in one project.
   *
   * @param plugins jar file name (in {@code .kiln/plugins/}) -> sha256 of its content
   * @param commands the exact text of each trusted secret command
   */
  record Entry(Map<String, String> plugins, Set<String> commands) {
    static final Entry NONE = new Entry(Map.of(), Set.of());

    Entry {
      plugins = Map.copyOf(plugins);
      commands = Set.copyOf(commands);
    }
  }

  private final Path file;

  TrustStore(Path file) {
    this.file = file;
  }

  /** The store of the user whose environment is {@code env}. */
  static TrustStore forUser(Map<String, String> env) {
    return new TrustStore(ConfigDirectory.of(env).resolve("trusted.json"));
  }

  Path file() {
    return file;
  }

  /** What is trusted in {@code project}; nothing when the file is missing or unreadable. */
  Entry get(Path project) {
    JsonNode entry = read().path(key(project));
    Map<String, String> plugins = new TreeMap<>();
    entry.path("plugins").fields().forEachRemaining(e -> plugins.put(e.getKey(), e.getValue().asText()));
    Set<String> commands = new TreeSet<>();
    entry.path("commands").forEach(c -> commands.add(c.asText()));
    return new Entry(plugins, commands);
  }

  /** Replaces what is trusted in {@code project} ({@link Entry#NONE} forgets it). */
  void put(Path project, Entry entry) throws IOException {
    ObjectNode root = read();
    if (entry.plugins().isEmpty() && entry.commands().isEmpty()) {
      root.remove(key(project));
    } else {
      ObjectNode e = root.putObject(key(project));
      ObjectNode plugins = e.putObject("plugins");
      new TreeMap<>(entry.plugins()).forEach(plugins::put);
      new TreeSet<>(entry.commands()).forEach(e.putArray("commands")::add);
    }
    Files.createDirectories(file.getParent());
    Path tmp = Files.createTempFile(file.getParent(), ".trusted", ".json");
    try {
      Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private ObjectNode read() {
    try {
      if (Files.isRegularFile(file) && JSON.readTree(file.toFile()) instanceof ObjectNode root) {
        return root;
      }
    } catch (IOException e) {
      // unreadable: nothing is trusted, and the next `kiln trust` writes it anew
    }
    return JSON.createObjectNode();
  }

  private static String key(Path project) {
    return project.toAbsolutePath().normalize().toString();
  }
}
