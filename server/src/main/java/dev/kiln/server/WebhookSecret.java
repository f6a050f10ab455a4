package dev.kiln.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The shared secret a webhook sender signs deliveries with: read from a file or an environment
 * variable of the server, never from a pipeline. Comparisons take the same time whatever matches.
 */
public final class WebhookSecret {
  private final byte[] value;

  private WebhookSecret(byte[] value) {
    if (value.length == 0) {
      throw new IllegalArgumentException("a webhook secret cannot be empty");
    }
    this.value = value.clone();
  }

  /** The secret held in {@code file}, without a trailing line break. */
  public static WebhookSecret fromFile(Path file) throws IOException {
    return of(Files.readString(file, StandardCharsets.UTF_8).strip());
  }

  /**
   * The secret in the variable {@code name} of {@code environment}.
   *
   * @throws IllegalArgumentException when the variable is unset or empty
   */
  public static WebhookSecret fromEnvironment(String name, Map<String, String> environment) {
    String v = environment.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("the environment variable " + name + " is not set");
    }
    return of(v.strip());
  }

  /** A secret with this text (tests and configuration). */
  public static WebhookSecret of(String text) {
    return new WebhookSecret(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The HMAC-SHA256 of {@code body} under this secret. */
  byte[] hmac(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(value, "HmacSHA256"));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  /**
   * Whether {@code header} is {@code sha256=<hex HMAC-SHA256 of body>} under this secret, compared
   * in constant time; a missing or malformed header does not match.
   */
  boolean signs(byte[] body, String header) {
    if (header == null || !header.startsWith("sha256=")) {
      return false;
    }
    byte[] given;
    try {
      given = HexFormat.of().parseHex(header.substring("sha256=".length()).trim());
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(hmac(body), given);
  }

  /** Whether {@code token} is this secret, compared in constant time (GitLab sends the secret itself). */
  boolean is(String token) {
    return token != null && MessageDigest.isEqual(value, token.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code sha256=<hex>}: how a sender signs {@code body} with this secret (tests and the load script). */
  public String signature(byte[] body) {
    return "sha256=" + HexFormat.of().formatHex(hmac(body));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WebhookSecret w && MessageDigest.isEqual(value, w.value);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "WebhookSecret[***]";
  }
}
