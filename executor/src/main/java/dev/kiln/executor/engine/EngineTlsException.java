package dev.kiln.executor.engine;

import java.io.IOException;

/** Kiln and an engine could not agree on a TLS connection; {@link #reason} says which side refused what. */
public final class EngineTlsException extends IOException {
  /** What went wrong, each with its own message and hint. */
  public enum Reason {
    /** The engine's certificate is not signed by the CA Kiln was given. */
    UNTRUSTED("check --tlscacert: it must be the CA that signed the engine's certificate"),
    /** The engine's certificate is valid but for other names. */
    WRONG_NAME("connect by a name the certificate holds, or pass --tlsservername NAME (the name in the engine's"
        + " certificate)"),
    /** The engine's certificate is outside its validity period. */
    EXPIRED("renew the engine's certificate (or check this machine's clock)"),
    /** The engine asked for a client certificate and Kiln had none. */
    CLIENT_CERT_MISSING("pass --tlscert and --tlskey (or --tlsdir) with a client certificate signed by the CA the"
        + " engine trusts"),
    /** Kiln's own client certificate is expired or not yet valid. */
    CLIENT_CERT_EXPIRED("renew Kiln's client certificate"),
    /** The engine refused Kiln's client certificate. */
    CLIENT_CERT_REFUSED("the client certificate must be signed by the CA the engine trusts (its --tlscacert)"),
    /** Something on the other end answered, but not with TLS. */
    NOT_TLS("the engine listens without TLS there: drop the TLS settings, or point Kiln at its TLS port"),
    /** The engine expects TLS and Kiln spoke plain TCP. */
    PLAIN_TO_TLS("give the TLS settings: for Docker DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH, or --tlsdir"
        + " (or --tlscacert, --tlscert and --tlskey)"),
    /** A certificate or key file is missing or unreadable. */
    FILES("check the files given with --tlsdir, --tlscacert, --tlscert and --tlskey"),
    /** Any other handshake failure (protocol versions, ciphers). */
    HANDSHAKE("check that the engine serves TLS 1.2 or 1.3 with the certificates given");

    private final String hint;

    Reason(String hint) {
      this.hint = hint;
    }
  }

  private final Reason reason;

  EngineTlsException(Reason reason, String message) {
    super("TLS: " + message);
    this.reason = reason;
  }

  /** Which kind of failure this is. */
  public Reason reason() {
    return reason;
  }

  /** What the user can do about it. */
  public String hint() {
    return reason.hint;
  }
}
