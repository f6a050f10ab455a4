package dev.kiln.executor.engine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and unencrypted private keys: PKCS#8 ({@code PRIVATE KEY}), PKCS#1
 * ({@code RSA PRIVATE KEY}) and SEC1 ({@code EC PRIVATE KEY}), the last two rewrapped as PKCS#8
 * for the JDK. Errors name the file and never quote a key.
 */
final class PemFiles {
  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----\\R(.*?)-----END \\1-----", Pattern.DOTALL);
  private static final byte[] RSA_OID = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 1, 1, 1};
  private static final byte[] EC_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 2, 1};

  private PemFiles() {}

  /** The certificates in {@code file}, in order. */
  static List<X509Certificate> certificates(Path file, String what) throws IOException {
    String text = read(file, what);
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      Matcher m = BLOCK.matcher(text);
      while (m.find()) {
        if (m.group(1).equals("CERTIFICATE")) {
          out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(decode(m.group(2), file, what))));
        }
      }
    } catch (CertificateException e) {
      throw new IOException("the " + what + " " + file + " holds a certificate that cannot be read: " + e.getMessage());
    }
    if (out.isEmpty()) {
      throw new IOException("the " + what + " " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return out;
  }

  /** The private key in {@code file}. */
  static PrivateKey privateKey(Path file) throws IOException {
    String text = read(file, "TLS client key");
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String type = m.group(1);
      if (type.equals("ENCRYPTED PRIVATE KEY") || m.group(2).contains("ENCRYPTED")) {
        throw new IOException("the TLS client key " + file + " is encrypted; Kiln needs it unencrypted"
            + " (openssl pkey -in KEY -out KEY.pem, kept readable only by you)");
      }
      byte[] der = switch (type) {
        case "PRIVATE KEY" -> decode(m.group(2), file, "TLS client key");
        case "RSA PRIVATE KEY" -> pkcs8(RSA_OID, new byte[] {0x05, 0x00}, decode(m.group(2), file, "TLS client key"));
        case "EC PRIVATE KEY" -> {
          byte[] sec1 = decode(m.group(2), file, "TLS client key");
          yield pkcs8(EC_OID, curveOf(sec1, file), sec1);
        }
        default -> null;
      };
      if (der == null) {
        continue;
      }
      for (String alg : List.of("RSA", "EC", "Ed25519")) {
        try {
          return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
          // not this algorithm: try the next
        }
      }
      throw new IOException("the TLS client key " + file + " is not an RSA, EC or Ed25519 key Kiln can read");
    }
    throw new IOException("the TLS client key " + file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
  }

  private static String read(Path file, String what) throws IOException {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new IOException("the " + what + " " + file + " does not exist");
    } catch (IOException e) {
      // the message of a malformed-input error could carry bytes of the file: say only what failed
      throw new IOException("the " + what + " " + file + " cannot be read (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static byte[] decode(String base64, Path file, String what) throws IOException {
    try {
      return Base64.getMimeDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IOException("the " + what + " " + file + " is not valid PEM (bad base64)");
    }
  }

  /** The curve's OID, from a SEC1 key's {@code [0] parameters}. */
  private static byte[] curveOf(byte[] sec1, Path file) throws IOException {
    // ECPrivateKey ::= SEQUENCE { version INTEGER, privateKey OCTET STRING, [0] OID, [1] BIT STRING }
    int i = headerLength(sec1, 0);
    while (i < sec1.length) {
      int tag = sec1[i] & 0xff;
      int len = contentLength(sec1, i);
      int start = i + headerLength(sec1, i);
      if (tag == 0xa0) {
        return java.util.Arrays.copyOfRange(sec1, start, start + len);
      }
      i = start + len;
    }
    throw new IOException("the TLS client key " + file + " is an EC key without its curve; convert it with"
        + " openssl pkcs8 -topk8 -nocrypt");
  }

  private static int headerLength(byte[] der, int at) {
    int first = der[at + 1] & 0xff;
    return first < 0x80 ? 2 : 2 + (first & 0x7f);
  }

  private static int contentLength(byte[] der, int at) {
    int first = der[at + 1] & 0xff;
    if (first < 0x80) {
      return first;
    }
    int len = 0;
    for (int k = 0; k < (first & 0x7f); k++) {
      len = (len << 8) | (der[at + 2 + k] & 0xff);
    }
    return len;
  }

  /** PrivateKeyInfo ::= SEQUENCE { INTEGER 0, SEQUENCE { algorithm, parameters }, OCTET STRING key }. */
  private static byte[] pkcs8(byte[] algorithm, byte[] parameters, byte[] key) {
    ByteArrayOutputStream alg = new ByteArrayOutputStream();
    alg.writeBytes(algorithm);
    alg.writeBytes(parameters);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(tlv(0x30, alg.toByteArray()));
    body.writeBytes(tlv(0x04, key));
    return tlv(0x30, body.toByteArray());
  }

  private static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else if (n < 0x10000) {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n);
    } else {
      out.write(0x83);
      out.write(n >> 16);
      out.write(n >> 8);
      out.write(n);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }
}
