package dev.kiln.testsupport;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A Pkl package server on a loopback HTTPS port, its certificate (for {@code localhost} and
 * {@code 127.0.0.1}) signed by a throwaway test CA made with the JDK's keytool: serves whatever
 * bytes a test {@link #put}s at a path, and counts requests (to prove a step made none).
 */
public final class PackageServer implements AutoCloseable {
  private static final String PASS = "kiln-test";
  private final HttpsServer server;
  private final Path caPem;
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();

  private PackageServer(HttpsServer server, Path caPem) {
    this.server = server;
    this.caPem = caPem;
  }

  /** Generates a CA and a server certificate in {@code dir} and starts serving on a free loopback port. */
  public static PackageServer start(Path dir) throws IOException, InterruptedException {
    Path ca = dir.resolve("ca.p12");
    Path srv = dir.resolve("server.p12");
    Path caPem = dir.resolve("ca.pem");
    Path csr = dir.resolve("server.csr");
    Path crt = dir.resolve("server.pem");
    keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=Kiln test CA", "-ext", "bc:c",
        "-validity", "2", "-keystore", ca.toString());
    keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-file", caPem.toString());
    keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", "CN=localhost", "-validity", "2",
        "-keystore", srv.toString());
    keytool("-certreq", "-alias", "server", "-keystore", srv.toString(), "-file", csr.toString());
    keytool("-gencert", "-alias", "ca", "-keystore", ca.toString(), "-infile", csr.toString(), "-outfile",
        crt.toString(), "-rfc", "-validity", "2", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-ext", "EKU=serverAuth");
    keytool("-importcert", "-noprompt", "-alias", "ca", "-keystore", srv.toString(), "-file", caPem.toString());
    keytool("-importcert", "-noprompt", "-alias", "server", "-keystore", srv.toString(), "-file", crt.toString());
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(srv)) {
        ks.load(in, PASS.toCharArray());
      }
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, PASS.toCharArray());
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(kmf.getKeyManagers(), null, null);
      HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.setHttpsConfigurator(new HttpsConfigurator(ssl));
      PackageServer ps = new PackageServer(server, caPem);
      server.createContext("/", exchange -> {
        ps.requests.incrementAndGet();
        byte[] body = ps.files.get(exchange.getRequestURI().getPath());
        try (OutputStream out = exchange.getResponseBody()) {
          if (body == null) {
            exchange.sendResponseHeaders(404, -1);
          } else {
            exchange.sendResponseHeaders(200, body.length);
            out.write(body);
          }
        }
      });
      server.start();
      return ps;
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PASS, "-keypass", PASS));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
    }
  }

  /** The port it listens on (of {@code localhost}). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The test CA's certificate (PEM), which clients must trust. */
  public Path caCertificate() {
    return caPem;
  }

  /** Serves {@code body} at {@code path} (e.g. {@code /team/lib@1.0.0}) from now on. */
  public void put(String path, byte[] body) {
    files.put(path, body.clone());
  }

  /** Serves the file {@code file} at {@code path}. */
  public void put(String path, Path file) {
    try {
      put(path, Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The PklProject of a library published on this server at {@code path} (e.g. {@code
   * team/java-service}) and {@code version}; its name is the path's last segment.
   */
  public String libraryProject(String path, String version) {
    String base = "localhost:" + port() + "/" + path;
    return libraryProject("package://" + base, version, "https://" + base + "@\\(version).zip");
  }

  /** The PklProject of a library whose package is {@code baseUri} at {@code version}. */
  public static String libraryProject(String baseUri, String version, String zipUrl) {
    return """
        amends "pkl:Project"

        package {
          name = "%s"
          baseUri = "%s"
          version = "%s"
          packageZipUrl = "%s"
        }
        """.formatted(baseUri.substring(baseUri.lastIndexOf('/') + 1), baseUri, version, zipUrl);
  }

  /** How many requests it has answered. */
  public int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
