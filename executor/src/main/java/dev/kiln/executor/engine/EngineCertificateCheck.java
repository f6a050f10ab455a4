package dev.kiln.executor.engine;

import dev.kiln.executor.engine.EngineTlsException.Reason;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Checks the engine's certificate in an order that tells the failures apart: its dates, then its
 * signature (the CA), then its names.
 */
final class EngineCertificateCheck extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager pkix;
  private final EngineTls tls;
  private final String serverName;

  EngineCertificateCheck(X509ExtendedTrustManager pkix, EngineTls tls, String serverName) {
    this.pkix = pkix;
    this.tls = tls;
    this.serverName = serverName;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    checkChain(chain, authType);
    try {
      pkix.checkServerTrusted(chain, authType, socket);
    } catch (CertificateException e) {
      throw new Refused(Reason.WRONG_NAME, "the engine's certificate is for " + names(chain[0])
          + ", not for " + serverName);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    checkChain(chain, authType);
    pkix.checkServerTrusted(chain, authType, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    checkChain(chain, authType);
  }

  private void checkChain(X509Certificate[] chain, String authType) throws CertificateException {
    X509Certificate leaf = chain[0];
    try {
      leaf.checkValidity();
    } catch (CertificateExpiredException e) {
      throw new Refused(Reason.EXPIRED, "the engine's certificate expired on " + leaf.getNotAfter().toInstant());
    } catch (CertificateNotYetValidException e) {
      throw new Refused(Reason.EXPIRED, "the engine's certificate is not valid before "
          + leaf.getNotBefore().toInstant());
    }
    try {
      pkix.checkServerTrusted(chain, authType);
    } catch (CertificateException e) {
      throw new Refused(Reason.UNTRUSTED, "the engine's certificate (issued by "
          + leaf.getIssuerX500Principal().getName() + ") is not signed by "
          + (tls.ca() == null ? "a CA the JDK trusts" : "the CA in " + tls.ca()));
    }
  }

  private static String names(X509Certificate c) {
    try {
      var sans = c.getSubjectAlternativeNames();
      if (sans != null && !sans.isEmpty()) {
        StringBuilder sb = new StringBuilder();
        for (List<?> san : sans) {
          sb.append(sb.length() == 0 ? "" : ", ").append(san.get(1));
        }
        return sb.toString();
      }
    } catch (CertificateException e) {
      // fall back to the subject
    }
    return c.getSubjectX500Principal().getName();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    throw new CertificateException("Kiln is no TLS server");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    throw new CertificateException("Kiln is no TLS server");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("Kiln is no TLS server");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pkix.getAcceptedIssuers();
  }

  /** A certificate check that failed for a known reason; found again in the handshake's causes. */
  static final class Refused extends CertificateException {
    private final Reason reason;

    Refused(Reason reason, String message) {
      super(message);
      this.reason = reason;
    }

    Reason reason() {
      return reason;
    }
  }
}
