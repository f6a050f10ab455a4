package dev.kiln.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A second Docker daemon for end-to-end tests, beside the machine's own: its own data root, exec
 * root, pid file, Unix socket, configuration file (so {@code /etc/docker/daemon.json} is not read),
 * containerd namespaces and a supervised containerd under its exec root, and its own bridge
 * ({@code kdd-XXXX} on a 10.213.N.0/24 subnet: BuildKit's sandboxed {@code RUN} steps need one, and
 * the machine's {@code docker0} belongs to the first daemon). It adds no iptables rules and turns on
 * no IP forwarding or masquerading, so its containers reach only the host. Optionally it also
 * listens on {@code tcp://127.0.0.1:PORT} with {@code --tlsverify}. Everything it writes is in one
 * temporary directory, unmounted and removed on close with the bridge. Pulls go through the local
 * registry mirror ({@code 127.0.0.1:5000}).
 */
public final class SecondDockerd implements AutoCloseable {
  private static final Path DOCKERD = Path.of("/usr/sbin/dockerd");
  /** The machine's registry mirror (scripts/engine-up.sh), used when it answers. */
  private static final String MIRROR = "http://127.0.0.1:5000";

  private final Path dir;
  private final String bridge;
  private final Process process;
  private final int tcpPort;

  private SecondDockerd(Path dir, String bridge, Process process, int tcpPort) {
    this.dir = dir;
    this.bridge = bridge;
    this.process = process;
    this.tcpPort = tcpPort;
  }

  /** The daemon's TLS files: its certificate and key, and the CA its clients' certificates need. */
  public record ServerTls(Path ca, Path cert, Path key) {}

  /** Why the fixture cannot run here (not root, no dockerd), or empty when it can. */
  public static Optional<String> unavailable() {
    if (!Files.isExecutable(DOCKERD)) {
      return Optional.of(DOCKERD + " is missing (scripts/engine-up.sh installs docker.io)");
    }
    if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))) {
      return Optional.of("ip is missing (apt-get install iproute2)");
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      return Optional.of("a second dockerd needs root (running as " + System.getProperty("user.name") + ")");
    }
    return Optional.empty();
  }

  /**
   * Starts a daemon for a test (Unix socket only); without dockerd or root the test fails when
   * {@code CI=true} and is skipped elsewhere.
   */
  public static SecondDockerd startForTest() throws IOException, InterruptedException {
    return startForTest(null);
  }

  /** Like {@link #startForTest()}; with {@code tls}, also on TCP with {@code --tlsverify}. */
  public static SecondDockerd startForTest(ServerTls tls) throws IOException, InterruptedException {
    Optional<String> missing = unavailable();
    if (missing.isPresent()) {
      if ("true".equals(System.getenv("CI"))) {
        Assertions.fail(missing.get());
      }
      Assumptions.abort(missing.get());
    }
    return start(tls);
  }

  /** Starts a daemon; with {@code tls} (else null) it also listens on TCP with {@code --tlsverify}. */
  public static SecondDockerd start(ServerTls tls) throws IOException, InterruptedException {
    // Short: the Unix socket's path, and containerd's under the exec root, must fit 108 bytes.
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "kdd-");
    Files.writeString(dir.resolve("daemon.json"), "{}\n");
    String ns = "kiln-" + dir.getFileName();
    String bridge = dir.getFileName().toString(); // kdd-NNNN...: an interface name has at most 15 bytes
    bridge = bridge.substring(0, Math.min(15, bridge.length()));
    try {
      addBridge(bridge);
    } catch (IOException | InterruptedException e) {
      deleteTree(dir);
      throw e;
    }
    List<String> cmd = new ArrayList<>(List.of(DOCKERD.toString(),
        "--config-file", dir.resolve("daemon.json").toString(),
        "--data-root", dir.resolve("data").toString(),
        "--exec-root", dir.resolve("exec").toString(),
        "--pidfile", dir.resolve("docker.pid").toString(),
        "--host", "unix://" + dir.resolve("docker.sock"),
        "--containerd-namespace", ns,
        "--containerd-plugins-namespace", ns + "-plugins",
        "--bridge", bridge,
        "--iptables=false",
        "--ip-forward=false",
        "--ip-masq=false",
        "--registry-mirror", MIRROR));
    int port = 0;
    if (tls != null) {
      port = freePort();
      cmd.addAll(List.of("--host", "tcp://127.0.0.1:" + port, "--tlsverify",
          "--tlscacert", tls.ca().toString(), "--tlscert", tls.cert().toString(), "--tlskey", tls.key().toString()));
    }
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("dockerd.log").toFile()).start();
    } catch (IOException e) {
      ip("link", "del", bridge);
      deleteTree(dir);
      throw e;
    }
    SecondDockerd d = new SecondDockerd(dir, bridge, p, port);
    try {
      d.awaitUp();
    } catch (IOException | RuntimeException | InterruptedException e) {
      d.close();
      throw e;
    }
    return d;
  }

  /** The daemon's Unix socket. */
  public Path socket() {
    return dir.resolve("docker.sock");
  }

  /** {@code docker://SOCKET}, Kiln's address of this daemon's embedded BuildKit. */
  public String engineAddress() {
    return "docker://" + socket();
  }

  /** The loopback TCP port it listens on with TLS; 0 when started without TLS. */
  public int tcpPort() {
    return tcpPort;
  }

  /** The daemon's process id. */
  public long pid() {
    return process.pid();
  }

  /** Whether the daemon still runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** A fresh directory under the fixture's, removed with it. */
  public Path newDirectory(String name) throws IOException {
    return Files.createDirectories(dir.resolve("files").resolve(name));
  }

  /** The daemon's own log, for a failing test's message. */
  public String log() throws IOException {
    return Files.readString(dir.resolve("dockerd.log"));
  }

  /** Kills the daemon and what it started at once (SIGKILL), as a crashed engine. */
  public void kill() throws InterruptedException {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      // a killed dockerd leaves its supervised containerd and runc children behind
      for (ProcessHandle c : children) {
        c.destroyForcibly();
        c.onExit().get(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // a child that outlives the wait is left to the system
    }
    unmountUnder(dir);
    try {
      ip("link", "del", bridge);
    } catch (IOException e) {
      // a bridge left behind is reported by ip link, and goes with the next reboot
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deleteTree(dir);
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is no failure
    }
  }

  /** Creates bridge {@code name} on a 10.213.N.0/24 subnet no route of the host uses yet. */
  private static void addBridge(String name) throws IOException, InterruptedException {
    String routes = ip("route");
    int n = -1;
    for (int i = new java.util.Random().nextInt(256), tried = 0; tried < 256; i = (i + 1) % 256, tried++) {
      if (!routes.contains("10.213." + i + ".")) {
        n = i;
        break;
      }
    }
    if (n < 0) {
      throw new IOException("no free 10.213.N.0/24 subnet for a second dockerd's bridge");
    }
    ip("link", "add", name, "type", "bridge");
    try {
      ip("addr", "add", "10.213." + n + ".1/24", "dev", name);
      ip("link", "set", name, "up");
    } catch (IOException e) {
      ip("link", "del", name);
      throw e;
    }
  }

  private static String ip(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("ip"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out.trim());
    }
    return out;
  }

  /** Detaches every mount under {@code root}, deepest first: a killed daemon leaves overlays and netns. */
  private static void unmountUnder(Path root) {
    List<String> points = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
        String[] f = line.split(" ");
        if (f.length > 1 && f[1].startsWith(root.toString() + "/")) {
          points.add(f[1]);
        }
      }
    } catch (IOException e) {
      return;
    }
    points.sort(Comparator.comparingInt(String::length).reversed());
    for (String point : points) {
      try {
        new ProcessBuilder("umount", "-l", point).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
      } catch (IOException e) {
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void awaitUp() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("the second dockerd exited (" + process.exitValue() + "): " + tail(log()));
      }
      if (pings()) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IOException("the second dockerd did not answer on " + socket() + " within 60 s: " + tail(log()));
  }

  private boolean pings() {
    if (!Files.exists(socket())) {
      return false;
    }
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket()));
      OutputStream out = Channels.newOutputStream(ch);
      out.write("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = Channels.newInputStream(ch);
      String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      return answer.startsWith("HTTP/1.") && answer.contains(" 200 ") && answer.endsWith("OK");
    } catch (IOException e) {
      return false;
    }
  }

  private static String tail(String log) {
    return log.length() <= 4000 ? log : "..." + log.substring(log.length() - 4000);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }
}
