package dev.kiln.executor.services;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a service's network namespace shows in {@code /proc/net/fib_trie}, {@code /proc/net/tcp}
 * and {@code /proc/net/tcp6} (read with {@code cat}, the one tool Kiln needs in a service's image):
 * its own addresses and the TCP ports something listens on. BuildKit writes 127.0.0.1 for the
 * container's own name in /etc/hosts, so {@code hostname -i} cannot tell the address.
 *
 * @param addresses the IPv4 addresses of the namespace's interfaces, loopback left out
 * @param listening the TCP ports in LISTEN state
 */
record NetworkView(List<String> addresses, Set<Integer> listening) {
  private static final Pattern TRIE_ENTRY = Pattern.compile("^\\s*\\|--\\s+(\\d+\\.\\d+\\.\\d+\\.\\d+)\\s*$");
  private static final Pattern TRIE_LOCAL = Pattern.compile("^\\s*/32 host LOCAL\\s*$");
  private static final Pattern TCP_LINE =
      Pattern.compile("^\\s*\\d+:\\s+[0-9A-Fa-f]+:([0-9A-Fa-f]{4})\\s+[0-9A-Fa-f]+:[0-9A-Fa-f]{4}\\s+([0-9A-Fa-f]{2})\\s");
  private static final String LISTEN = "0A";

  /** The files' text, concatenated in any order. */
  static NetworkView parse(String text) {
    var addresses = new TreeSet<String>();
    var listening = new TreeSet<Integer>();
    String previous = null;
    for (String line : text.split("\n")) {
      Matcher tcp = TCP_LINE.matcher(line);
      if (tcp.find()) {
        if (tcp.group(2).equalsIgnoreCase(LISTEN)) {
          listening.add(Integer.parseInt(tcp.group(1), 16));
        }
      } else if (previous != null && TRIE_LOCAL.matcher(line).matches() && !previous.startsWith("127.")) {
        addresses.add(previous);
      }
      Matcher entry = TRIE_ENTRY.matcher(line);
      previous = entry.matches() ? entry.group(1) : null;
    }
    return new NetworkView(new ArrayList<>(addresses), listening);
  }
}
