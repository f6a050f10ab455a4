package dev.kiln.executor.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * How Kiln proves itself to an engine over TCP and checks the engine's certificate: the CA that
 * signed the engine's certificate (null: the JDK's trusted CAs), Kiln's client certificate and its
 * key (both or neither), and the name the engine's certificate must carry (null: the address's host).
 * Only paths are kept: a key is read when a connection is made and never shown.
 *
 * @param ca PEM file of the CA certificate(s) to trust, or null
 * @param cert PEM file of Kiln's client certificate (chain), or null
 * @param key PEM file of its private key (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted), or null
 * @param serverName the name to verify the engine's certificate against, or null for the host
 */
public record EngineTls(Path ca, Path cert, Path key, String serverName) {
  /** The environment variables read when neither the address nor a flag gives TLS settings. */
  public static final String ENV_DIR = "KILN_ENGINE_TLS_DIR";
  public static final String ENV_CA = "KILN_ENGINE_TLS_CACERT";
  public static final String ENV_CERT = "KILN_ENGINE_TLS_CERT";
  public static final String ENV_KEY = "KILN_ENGINE_TLS_KEY";
  public static final String ENV_SERVER_NAME = "KILN_ENGINE_TLS_SERVERNAME";

  public EngineTls {
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException(cert == null
          ? "a TLS client key needs its certificate: give both --tlscert and --tlskey"
          : "a TLS client certificate needs its key: give both --tlscert and --tlskey");
    }
    if (serverName != null && serverName.isBlank()) {
      serverName = null;
    }
  }

  /**
   * TLS settings from buildctl's options: a directory holding {@code ca.pem}, {@code cert.pem},
   * {@code key.pem} (Docker's and buildctl's names) or {@code ca.crt}, {@code tls.crt},
   * {@code tls.key} (a Kubernetes TLS Secret's), or the files one by one, not both.
   *
   * @return null when nothing is given
   * @throws IllegalArgumentException when the directory and files are mixed, or a certificate has no key
   */
  public static EngineTls of(Path dir, Path ca, Path cert, Path key, String serverName) {
    if (dir != null) {
      if (ca != null || cert != null || key != null) {
        throw new IllegalArgumentException("--tlsdir cannot be combined with --tlscacert, --tlscert or --tlskey");
      }
      return fromDir(dir, serverName);
    }
    if (ca == null && cert == null && key == null && serverName == null) {
      return null;
    }
    return new EngineTls(ca, cert, key, serverName);
  }

  /** The files of {@code dir} ({@code ca.pem}/{@code cert.pem}/{@code key.pem} or a Secret's names). */
  public static EngineTls fromDir(Path dir, String serverName) {
    boolean secret = !Files.exists(dir.resolve("ca.pem")) && !Files.exists(dir.resolve("cert.pem"))
        && (Files.exists(dir.resolve("tls.crt")) || Files.exists(dir.resolve("ca.crt")));
    Path cert = dir.resolve(secret ? "tls.crt" : "cert.pem");
    Path key = dir.resolve(secret ? "tls.key" : "key.pem");
    boolean client = Files.exists(cert) || Files.exists(key);
    return new EngineTls(dir.resolve(secret ? "ca.crt" : "ca.pem"), client ? cert : null, client ? key : null,
        serverName);
  }

  /** The settings in Kiln's {@code KILN_ENGINE_TLS_*} variables, or null when none is set. */
  public static EngineTls fromEnvironment(Map<String, String> env) {
    return of(path(env.get(ENV_DIR)), path(env.get(ENV_CA)), path(env.get(ENV_CERT)), path(env.get(ENV_KEY)),
        blankToNull(env.get(ENV_SERVER_NAME)));
  }

  /**
   * Docker's conventions: with {@code DOCKER_TLS_VERIFY} set, {@code ca.pem}, {@code cert.pem} and
   * {@code key.pem} in {@code DOCKER_CERT_PATH} (default {@code ~/.docker}); else null (plain TCP).
   */
  public static EngineTls fromDockerEnvironment(Map<String, String> env) {
    if (blankToNull(env.get("DOCKER_TLS_VERIFY")) == null) {
      return null;
    }
    String dir = blankToNull(env.get("DOCKER_CERT_PATH"));
    if (dir == null) {
      String home = env.getOrDefault("HOME", System.getProperty("user.home"));
      dir = Path.of(home, ".docker").toString();
    }
    return fromDir(Path.of(dir), null);
  }

  /** These settings with {@code name} as the server name. */
  public EngineTls withServerName(String name) {
    return new EngineTls(ca, cert, key, name);
  }

  /** For messages: which files, never what is in them. */
  public String describe() {
    return "TLS" + (ca == null ? " (JDK's CAs)" : " (CA " + ca + ")")
        + (cert == null ? ", no client certificate" : ", client certificate " + cert)
        + (serverName == null ? "" : ", server name " + serverName);
  }

  private static Path path(String s) {
    String v = blankToNull(s);
    return v == null ? null : Path.of(v);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
