package dev.kiln.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.testsupport.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Private keys in the encodings openssl, Docker's docs and cert-manager write, read as the JDK wants them. */
class PemFilesTest {
  @Test
  void sec1AndPkcs1KeysAreTheSameKeysAsTheirPkcs8Forms() throws Exception {
    try (TestCertificates certs = TestCertificates.createForTest()) {
      TestCertificates.Pair ec = certs.issue("ec", certs.authority("ca"), TestCertificates.Use.CLIENT);
      Path sec1 = certs.convert(ec.key(), "ec");
      assertThat(Files.readString(sec1)).contains("BEGIN EC PRIVATE KEY");
      // the same secret on the same curve (SEC1 keeps its curve inside, so the encodings differ)
      var fromSec1 = (java.security.interfaces.ECPrivateKey) PemFiles.privateKey(sec1);
      var fromPkcs8 = (java.security.interfaces.ECPrivateKey) PemFiles.privateKey(ec.key());
      assertThat(fromSec1.getS()).isEqualTo(fromPkcs8.getS());
      assertThat(fromSec1.getParams().toString()).isEqualTo(fromPkcs8.getParams().toString());

      Path rsa = certs.dir().resolve("rsa.pem");
      TestCertificates.openssl("genrsa", "-traditional", "-out", rsa.toString(), "2048");
      assertThat(Files.readString(rsa)).contains("BEGIN RSA PRIVATE KEY");
      Path rsa8 = certs.convert(rsa, "pkey");
      assertThat(Files.readString(rsa8)).contains("BEGIN PRIVATE KEY");
      assertThat(PemFiles.privateKey(rsa).getEncoded()).isEqualTo(PemFiles.privateKey(rsa8).getEncoded());
    }
  }

  @Test
  void anEncryptedOrMissingKeyIsSaidWithoutItsContent() throws Exception {
    try (TestCertificates certs = TestCertificates.createForTest()) {
      TestCertificates.Pair ec = certs.issue("ec", certs.authority("ca"), TestCertificates.Use.CLIENT);
      Path encrypted = certs.convert(ec.key(), "pkey", "-aes256", "-passout", "pass:secret");
      String body = Files.readString(encrypted).lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
      assertThatThrownBy(() -> PemFiles.privateKey(encrypted)).hasMessageContaining("is encrypted")
          .hasMessageNotContaining(body);
      assertThatThrownBy(() -> PemFiles.privateKey(certs.dir().resolve("absent.pem")))
          .hasMessageContaining("does not exist");
      assertThatThrownBy(() -> PemFiles.certificates(ec.key(), "TLS CA certificate"))
          .hasMessageContaining("holds no PEM certificate");
    }
  }
}
