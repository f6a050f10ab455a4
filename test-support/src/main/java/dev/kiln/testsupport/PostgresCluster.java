package dev.kiln.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway PostgreSQL cluster for tests: Debian's {@code initdb} and {@code pg_ctl} make one in a
 * temporary directory, listening on a free loopback port with password authentication, and
 * {@link #close} stops it and deletes it. PostgreSQL refuses to run as root, so as root the cluster
 * runs as the {@code postgres} user Debian's package makes.
 */
public final class PostgresCluster implements AutoCloseable {
  public static final String USER = "kiln";
  public static final String PASSWORD = "pg-test-password-7";

  private final Path bin;
  private final Path dir;
  private final String runAs;
  private final int port;

  private PostgresCluster(Path bin, Path dir, String runAs, int port) {
    this.bin = bin;
    this.dir = dir;
    this.runAs = runAs;
    this.port = port;
  }

  /** Where {@code initdb} and {@code pg_ctl} are: on the PATH, else Debian's newest {@code /usr/lib/postgresql/N/bin}. */
  static Optional<Path> binaries() {
    for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!p.isEmpty() && Files.isExecutable(Path.of(p, "initdb")) && Files.isExecutable(Path.of(p, "pg_ctl"))) {
        return Optional.of(Path.of(p));
      }
    }
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
          .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Makes and starts a cluster, or skips the test when PostgreSQL is not installed (in CI, where
   * {@code .ci/run} installs it, its absence fails the test instead).
   */
  public static PostgresCluster startOrSkip() throws IOException, InterruptedException {
    Optional<Path> bin = binaries();
    String reason = "PostgreSQL's initdb and pg_ctl are not installed (apt-get install postgresql)";
    if (bin.isEmpty() && "true".equals(System.getenv("CI"))) {
      throw new IllegalStateException(reason + ", and CI must test the PostgreSQL history");
    }
    Assumptions.assumeTrue(bin.isPresent(), reason);
    return start(bin.get());
  }

  /** Makes and starts a cluster with the binaries in {@code bin}. */
  static PostgresCluster start(Path bin) throws IOException, InterruptedException {
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createTempDirectory("kiln-pg");
    String runAs = root ? "postgres" : null;
    if (root) {
      UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
      Files.setOwner(dir, users.lookupPrincipalByName(runAs));
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    PostgresCluster cluster = new PostgresCluster(bin, dir, runAs, port);
    try {
      Path pw = dir.resolve("pw");
      Files.writeString(pw, PASSWORD + "\n", StandardCharsets.UTF_8);
      if (root) {
        Files.setOwner(pw, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(runAs));
      }
      cluster.run("initdb", "-D", dir.resolve("data").toString(), "-U", USER, "--pwfile=" + pw,
          "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--no-instructions");
      cluster.run("pg_ctl", "-D", dir.resolve("data").toString(), "-l", dir.resolve("log").toString(), "-w",
          "-t", "60", "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir + " -c fsync=off", "start");
      return cluster;
    } catch (IOException | RuntimeException | InterruptedException e) {
      cluster.close();
      throw e;
    }
  }

  /** Makes a new, empty database {@code name} in the cluster; its JDBC URL (the password is {@link #PASSWORD}). */
  public String newDatabase(String name) {
    try (Connection c = DriverManager.getConnection(url("postgres"), USER, PASSWORD);
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot make the database " + name + ": " + e.getMessage(), e);
    }
    return url(name);
  }

  /** The JDBC URL of {@code database} (without the password). */
  public String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + USER;
  }

  private void run(String program, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    if (runAs != null) {
      command.addAll(List.of(Files.isExecutable(Path.of("/usr/sbin/runuser")) ? "/usr/sbin/runuser" : "runuser", "-u",
          runAs, "--"));
    }
    command.add(bin.resolve(program).toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      String log = Files.isRegularFile(dir.resolve("log")) ? Files.readString(dir.resolve("log")) : "";
      throw new IOException(String.join(" ", command) + " failed:\n" + out + log);
    }
  }

  @Override
  public void close() {
    try {
      if (Files.isDirectory(dir.resolve("data"))) {
        run("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
      }
    } catch (IOException | InterruptedException e) {
      // not running: nothing to stop
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a temporary directory: the system's cleaning takes what is left
    }
  }
}
