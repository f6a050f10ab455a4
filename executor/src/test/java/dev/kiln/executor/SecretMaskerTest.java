package dev.kiln.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretMaskerTest {
  static final String SECRET = "s3cr3t/t0ken+with=odd&chars";
  final SecretMasker masker = SecretMasker.of(List.of((SECRET + "\n").getBytes(StandardCharsets.UTF_8)));

  @Test
  void masksThePlainValue() {
    assertThat(masker.apply("token is " + SECRET + ".")).isEqualTo("token is ***.").doesNotContain("s3cr3t");
  }

  @Test
  void masksBase64InEveryAlignmentAndAlphabet() {
    for (String prefix : List.of("", "a", "ab", "abc", "user:")) {
      for (String suffix : List.of("", "x", "xy", "xyz")) {
        byte[] data = (prefix + SECRET + suffix).getBytes(StandardCharsets.UTF_8);
        for (String enc : List.of(Base64.getEncoder().encodeToString(data),
            Base64.getUrlEncoder().withoutPadding().encodeToString(data))) {
          String masked = masker.apply("Authorization: Basic " + enc);
          assertThat(masked).as("prefix '%s' suffix '%s' -> %s", prefix, suffix, enc).contains("***");
          // what is left cannot be decoded back to the secret
          assertThat(masked).doesNotContain(enc);
        }
      }
    }
  }

  @Test
  void masksUrlEncoding() {
    String url = "https://x/?t=" + URLEncoder.encode(SECRET, StandardCharsets.UTF_8);
    assertThat(masker.apply(url)).isEqualTo("https://x/?t=***");
  }

  @Test
  void leavesOrdinaryTextAlone() {
    assertThat(masker.apply("nothing to see: secret, token, s3cr")).isEqualTo("nothing to see: secret, token, s3cr");
    assertThat(SecretMasker.of(List.of()).apply("abc")).isEqualTo("abc");
  }
}
