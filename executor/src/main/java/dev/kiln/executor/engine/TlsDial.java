package dev.kiln.executor.engine;

import dev.kiln.executor.engine.EngineTlsException.Reason;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509KeyManager;

/**
 * Opens a TLS connection to an engine on TCP: the engine's certificate is checked against the given
 * CA and the server name, Kiln's client certificate is offered when the engine asks, and each way
 * this can fail becomes an {@link EngineTlsException} with its own {@link Reason}. ALPN offers
 * {@code h2} to a buildkitd (grpc-go servers insist on it) and {@code http/1.1} to Docker's API.
 */
final class TlsDial {
  private static final Pattern IP = Pattern.compile("[0-9.]+|.*:.*");

  private TlsDial() {}

  static Dialer.Conn connect(EngineAddress address, Duration answer) throws IOException {
    EngineTls tls = address.tls();
    String serverName = tls.serverName() != null ? tls.serverName() : address.host();
    AtomicBoolean asked = new AtomicBoolean();
    SSLContext context = context(tls, serverName, asked);
    Socket raw = new Socket();
    try {
      raw.connect(new InetSocketAddress(address.host(), address.port()), (int) answer.toMillis());
      raw.setTcpNoDelay(true);
    } catch (SocketTimeoutException e) {
      raw.close();
      throw new Dialer.NoAnswerException("did not accept the connection within " + Dialer.seconds(answer)
          + " (stopped or hung?)");
    } catch (IOException e) {
      raw.close();
      throw e;
    }
    SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(raw, serverName, address.port(), true);
    try {
      SSLParameters p = s.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      p.setApplicationProtocols(address.docker() ? new String[] {"http/1.1"} : new String[] {"h2"});
      if (!IP.matcher(serverName).matches()) {
        p.setServerNames(List.of(new SNIHostName(serverName)));
      }
      s.setSSLParameters(p);
      s.setSoTimeout((int) answer.toMillis());
      s.startHandshake();
      s.setSoTimeout(0);
    } catch (SocketTimeoutException e) {
      s.close();
      throw new Dialer.NoAnswerException("accepted the connection but did not complete the TLS handshake within "
          + Dialer.seconds(answer) + " (stopped or hung?)");
    } catch (IOException e) {
      s.close();
      throw classify(e, tls, asked);
    }
    // With TLS 1.3 the engine judges Kiln's certificate after Kiln's side of the handshake is done:
    // its refusal arrives as an alert, or a closed connection, at the first read or write.
    AtomicBoolean heard = new AtomicBoolean();
    InputStream in = new FilterInputStream(s.getInputStream()) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
          n = super.read(b, off, len);
        } catch (IOException e) {
          throw heard.get() ? e : refusal(s, e, tls, asked);
        }
        if (n > 0) {
          heard.set(true);
        } else if (n < 0 && !heard.get() && asked.get()) {
          throw refusal(s, new IOException("the engine closed the connection"), tls, asked);
        }
        return n;
      }
    };
    OutputStream out = new FilterOutputStream(s.getOutputStream()) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        try {
          this.out.write(b, off, len);
        } catch (IOException e) {
          throw heard.get() ? e : refusal(s, e, tls, asked);
        }
      }

      @Override
      public void flush() throws IOException {
        try {
          this.out.flush();
        } catch (IOException e) {
          throw heard.get() ? e : refusal(s, e, tls, asked);
        }
      }
    };
    // closing the TCP socket, not the TLS one: a TLS close first sends close_notify, which blocks
    // on an engine that stopped reading (the very engine a stall watch cuts off)
    return new Dialer.Conn(raw, in, out);
  }

  /**
   * Why the engine ended a fresh connection: its TLS alert when one can still be read, else what
   * follows from its having asked for Kiln's certificate.
   */
  private static IOException refusal(SSLSocket s, IOException e, EngineTls tls, AtomicBoolean asked) {
    if (!(e instanceof SSLException)) {
      try {
        s.setSoTimeout(1000);
        s.getInputStream().read();
      } catch (SSLException alert) {
        return classify(alert, tls, asked);
      } catch (IOException ignored) {
        // no alert to read
      }
      if (asked.get() && tls.cert() != null) {
        return new EngineTlsException(Reason.CLIENT_CERT_REFUSED, "the engine refused Kiln's client certificate "
            + tls.cert() + " (it closed the connection after the handshake)");
      }
    }
    return classify(e, tls, asked);
  }

  /** What a failed handshake or a refusal after it means. */
  static IOException classify(IOException e, EngineTls tls, AtomicBoolean asked) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof EngineCertificateCheck.Refused r) {
        return new EngineTlsException(r.reason(), r.getMessage());
      }
    }
    String m = String.valueOf(e.getMessage());
    String alert = m.startsWith("Received fatal alert: ") ? m.substring("Received fatal alert: ".length()) : null;
    if (asked.get() && tls.cert() == null && (alert != null || !(e instanceof SSLException))) {
      return new EngineTlsException(Reason.CLIENT_CERT_MISSING,
          "the engine requires a client certificate and none was given");
    }
    if (alert != null && tls.cert() != null && List.of("bad_certificate", "unknown_ca", "certificate_unknown",
        "certificate_expired", "certificate_revoked", "unsupported_certificate", "access_denied",
        "certificate_required", "decrypt_error").contains(alert)) {
      return new EngineTlsException(Reason.CLIENT_CERT_REFUSED,
          "the engine refused Kiln's client certificate " + tls.cert() + " (TLS alert " + alert + ")");
    }
    if (m.contains("Unsupported or unrecognized SSL message") || m.contains("plaintext connection")) {
      return new EngineTlsException(Reason.NOT_TLS, "the engine answered, but not with TLS");
    }
    if (e instanceof SSLException) {
      return new EngineTlsException(Reason.HANDSHAKE, "the handshake failed: " + m);
    }
    return e;
  }

  private static SSLContext context(EngineTls tls, String serverName, AtomicBoolean asked) throws IOException {
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (tls.ca() != null) {
        int n = 0;
        for (X509Certificate c : PemFiles.certificates(tls.ca(), "TLS CA certificate")) {
          trust.setCertificateEntry("ca-" + n++, c);
        }
        tmf.init(trust);
      } else {
        tmf.init((KeyStore) null);
      }
      X509KeyManager keys = null;
      if (tls.cert() != null) {
        List<X509Certificate> chain = PemFiles.certificates(tls.cert(), "TLS client certificate");
        checkOwnValidity(chain.get(0), tls);
        PrivateKey key = PemFiles.privateKey(tls.key());
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        char[] none = new char[0];
        ks.setKeyEntry("kiln", key, none, chain.toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, none);
        keys = (X509KeyManager) kmf.getKeyManagers()[0];
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(new javax.net.ssl.KeyManager[] {new ClientKeyOffer(keys, asked)},
          new javax.net.ssl.TrustManager[] {new EngineCertificateCheck(trustManager(tmf), tls, serverName)}, null);
      return ctx;
    } catch (EngineTlsException e) {
      throw e;
    } catch (IOException e) {
      throw new EngineTlsException(Reason.FILES, e.getMessage());
    } catch (GeneralSecurityException e) {
      throw new EngineTlsException(Reason.FILES, "the TLS files cannot be used: " + e.getMessage());
    }
  }

  private static void checkOwnValidity(X509Certificate own, EngineTls tls) throws EngineTlsException {
    try {
      own.checkValidity();
    } catch (CertificateExpiredException e) {
      throw new EngineTlsException(Reason.CLIENT_CERT_EXPIRED,
          "Kiln's client certificate " + tls.cert() + " expired on " + own.getNotAfter().toInstant());
    } catch (CertificateNotYetValidException e) {
      throw new EngineTlsException(Reason.CLIENT_CERT_EXPIRED,
          "Kiln's client certificate " + tls.cert() + " is not valid before " + own.getNotBefore().toInstant());
    }
  }

  private static X509ExtendedTrustManager trustManager(TrustManagerFactory tmf) throws GeneralSecurityException {
    for (var tm : tmf.getTrustManagers()) {
      if (tm instanceof X509ExtendedTrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager");
  }
}
