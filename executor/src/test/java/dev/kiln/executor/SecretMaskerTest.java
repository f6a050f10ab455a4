package dev.kiln.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretMaskerTest {
  static SecretMasker masker(String secret) {
    return SecretMasker.of(List.of(secret.getBytes(StandardCharsets.UTF_8)));
  }

  static final String SECRET = "s3cr3t/t0ken+with=odd&chars";
  final SecretMasker masker = masker(SECRET + "\n");

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

  static final String PEM = """
      -----BEGIN PRIVATE KEY-----
      MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj
      MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu
      NMoSfm76oqFvAp8Gy0iz5sxjZmSnXyCdPEovGhLa0VzMaQ8s+CLOyS56YyCFGeJZ
      ab==
      -----END PRIVATE KEY-----
      """;

  @Test
  void masksEveryLineOfAMultiLineValuePrintedAlone() {
    SecretMasker pem = masker(PEM);
    for (String line : PEM.split("\n")) {
      String masked = pem.apply("    " + line);
      if (line.strip().length() >= SecretMasker.MIN_LENGTH) {
        assertThat(masked).as(line).isEqualTo("    ***");
      }
    }
    assertThat(pem.apply("key:\n" + PEM)).doesNotContain("MIIEvQ").doesNotContain("CLOyS56");
  }

  @Test
  void masksTheValueEscapedAsAJsonString() {
    String value = "p\"a\\ss\nw\u0001rd-é";
    SecretMasker m = masker(value);
    assertThat(m.apply("{\"k\":\"p\\\"a\\\\ss\\nw\\u0001rd-é\"}")).isEqualTo("{\"k\":\"***\"}");
    assertThat(m.apply("{\"k\":\"p\\\"a\\\\ss\\nw\\u0001rd-\\u00e9\"}")).isEqualTo("{\"k\":\"***\"}");
  }

  @Test
  void masksAValueCutInTwoByALineBreak() {
    String token = "ghp_0123456789abcdefghijABCDEFGHIJ";
    SecretMasker m = masker(token);
    assertThat(m.apply("token: ghp_0123456789abc")).isEqualTo("token: ***");
    assertThat(m.apply("defghijABCDEFGHIJ (end)")).isEqualTo("*** (end)");
    String wrapped = Base64.getEncoder().encodeToString((token + token + token).getBytes(StandardCharsets.UTF_8));
    SecretMasker m3 = masker(token + token + token);
    for (int i = 0; i < wrapped.length(); i += 20) {
      String line = wrapped.substring(i, Math.min(wrapped.length(), i + 20));
      if (line.length() >= SecretMasker.MIN_PIECE) {
        assertThat(m3.apply(line)).as(line).isEqualTo("***");
      }
    }
  }

  @Test
  void valuesTooShortToMaskAreSaidSoAndLeftAlone() {
    assertThat(SecretMasker.tooShort("abc\n".getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(SecretMasker.tooShort("abcd".getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThat(SecretMasker.tooShort(new byte[0])).isFalse();
    assertThat(masker("abc").apply("abc abcabc")).isEqualTo("abc abcabc");
  }

  @Test
  void aSafePrefixNeverCutsAForm() {
    String text = "x".repeat(100) + SECRET + "y".repeat(3);
    int cut = masker.safePrefix(text);
    assertThat(cut).isLessThanOrEqualTo(100);
    assertThat(masker.apply(text.substring(0, cut))).doesNotContain("***");
    String incomplete = "z".repeat(100) + SECRET.substring(0, 10);
    assertThat(masker.safePrefix(incomplete)).isLessThanOrEqualTo(100);
  }
}
