package dev.kiln.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Certificates for TLS tests, made by the {@code openssl} command line in a temporary directory:
 * CAs, and certificates (EC P-256 keys, PKCS#8) they sign for servers or clients, valid now or
 * expired. Removed on close.
 */
public final class TestCertificates implements AutoCloseable {
  private static final DateTimeFormatter ASN1_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'")
      .withZone(ZoneOffset.UTC);

  private final Path dir;

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  /** A certificate and its private key, in PEM files. */
  public record Pair(Path cert, Path key) {}

  /** A CA: its certificate and key. */
  public record Authority(String name, Pair pair) {
    /** The CA's certificate. */
    public Path cert() {
      return pair.cert();
    }
  }

  /** What a certificate is for. */
  public enum Use {
    SERVER("serverAuth"),
    CLIENT("clientAuth");

    private final String extendedKeyUsage;

    Use(String extendedKeyUsage) {
      this.extendedKeyUsage = extendedKeyUsage;
    }
  }

  /** Why the fixture cannot run here, or empty when it can. */
  public static Optional<String> unavailable() {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      if (Files.isExecutable(Path.of(d, "openssl"))) {
        return Optional.empty();
      }
    }
    return Optional.of("openssl is missing (apt-get install openssl)");
  }

  /** A fresh directory for a test; without openssl the test fails when {@code CI=true} and is skipped elsewhere. */
  public static TestCertificates createForTest() throws IOException {
    Optional<String> missing = unavailable();
    if (missing.isPresent()) {
      if ("true".equals(System.getenv("CI"))) {
        Assertions.fail(missing.get());
      }
      Assumptions.abort(missing.get());
    }
    Path dir = Files.createTempDirectory("kiln-certs-");
    Files.createDirectories(dir.resolve("issued"));
    Files.writeString(dir.resolve("index.txt"), "");
    Files.writeString(dir.resolve("serial"), "1000\n");
    Files.writeString(dir.resolve("ca.cnf"), String.join("\n",
        "[ca]", "default_ca = kiln",
        "[kiln]",
        "database = " + dir.resolve("index.txt"),
        "new_certs_dir = " + dir.resolve("issued"),
        "serial = " + dir.resolve("serial"),
        "default_md = sha256", "policy = any", "unique_subject = no", "email_in_dn = no",
        "[any]", "commonName = supplied", ""));
    return new TestCertificates(dir);
  }

  /** A new CA named {@code name} (its common name), valid for two days. */
  public Authority authority(String name) throws IOException {
    Path d = Files.createDirectories(dir.resolve(name));
    Path key = key(d);
    Path cert = d.resolve("cert.pem");
    openssl("req", "-x509", "-new", "-key", key.toString(), "-subj", "/CN=" + name, "-days", "2",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        "-out", cert.toString());
    return new Authority(name, new Pair(cert, key));
  }

  /** A certificate {@code ca} signs, valid from an hour ago for two days. */
  public Pair issue(String name, Authority ca, Use use, String... subjectAltNames) throws IOException {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    return issue(name, ca, use, now.minus(1, ChronoUnit.HOURS), now.plus(2, ChronoUnit.DAYS), subjectAltNames);
  }

  /** A certificate {@code ca} signs, valid from {@code notBefore} to {@code notAfter}. */
  public Pair issue(String name, Authority ca, Use use, Instant notBefore, Instant notAfter, String... subjectAltNames)
      throws IOException {
    Path d = Files.createDirectories(dir.resolve(name));
    Path key = key(d);
    Path csr = d.resolve("req.csr");
    openssl("req", "-new", "-key", key.toString(), "-subj", "/CN=" + name, "-out", csr.toString());
    Path ext = d.resolve("ext.cnf");
    List<String> lines = new ArrayList<>(List.of("[v3]", "basicConstraints = CA:FALSE",
        "keyUsage = critical, digitalSignature, keyEncipherment", "extendedKeyUsage = " + use.extendedKeyUsage));
    if (subjectAltNames.length > 0) {
      lines.add("subjectAltName = " + String.join(",", subjectAltNames));
    }
    Files.writeString(ext, String.join("\n", lines) + "\n");
    Path cert = d.resolve("cert.pem");
    openssl("ca", "-batch", "-config", dir.resolve("ca.cnf").toString(), "-cert", ca.cert().toString(),
        "-keyfile", ca.pair().key().toString(), "-in", csr.toString(), "-out", cert.toString(), "-notext",
        "-startdate", ASN1_TIME.format(notBefore), "-enddate", ASN1_TIME.format(notAfter),
        "-extfile", ext.toString(), "-extensions", "v3");
    return new Pair(cert, key);
  }

  /**
   * A directory as Docker's {@code DOCKER_CERT_PATH} and buildctl's {@code --tlsdir} want it:
   * {@code ca.pem}, and when {@code client} is not null, {@code cert.pem} and {@code key.pem}.
   */
  public Path tlsDir(String name, Path ca, Pair client) throws IOException {
    Path d = Files.createDirectories(dir.resolve("dirs").resolve(name));
    Files.copy(ca, d.resolve("ca.pem"));
    if (client != null) {
      Files.copy(client.cert(), d.resolve("cert.pem"));
      Files.copy(client.key(), d.resolve("key.pem"));
    }
    return d;
  }

  /** {@code key}'s PEM rewritten by {@code openssl pkey}/{@code openssl ec} in another encoding, e.g. SEC1. */
  public Path convert(Path key, String... opensslArgs) throws IOException {
    Path out = key.resolveSibling(key.getFileName() + "-" + Integer.toHexString(String.join(" ", opensslArgs).hashCode())
        + ".pem");
    List<String> args = new ArrayList<>(List.of(opensslArgs));
    args.addAll(List.of("-in", key.toString(), "-out", out.toString()));
    openssl(args.toArray(new String[0]));
    return out;
  }

  /** The directory everything is in. */
  public Path dir() {
    return dir;
  }

  private static Path key(Path d) throws IOException {
    Path key = d.resolve("key.pem");
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString());
    return key;
  }

  /** Runs openssl with {@code args}; fails with what it printed. */
  public static void openssl(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", cmd) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  @Override
  public void close() {
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is no failure
    }
  }
}
