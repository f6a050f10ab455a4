package dev.kiln.executor.engine;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;

/** Kiln's client key (or none), remembering that the engine asked for a client certificate. */
final class ClientKeyOffer extends X509ExtendedKeyManager {
  private final X509KeyManager keys;
  private final AtomicBoolean asked;

  ClientKeyOffer(X509KeyManager keys, AtomicBoolean asked) {
    this.keys = keys;
    this.asked = asked;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    asked.set(true);
    return keys == null ? null : keys.chooseClientAlias(keyType, issuers, socket);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    asked.set(true);
    return keys == null ? null : keys.chooseClientAlias(keyType, issuers, null);
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return keys == null ? null : keys.getClientAliases(keyType, issuers);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return keys == null ? null : keys.getCertificateChain(alias);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return keys == null ? null : keys.getPrivateKey(alias);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
