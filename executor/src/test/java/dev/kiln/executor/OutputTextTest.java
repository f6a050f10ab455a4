package dev.kiln.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OutputTextTest {
  static final String Z = String.valueOf(OutputText.SPLIT);

  private static String n(String s) {
    return OutputText.neutralise(s);
  }

  @Test
  void ordinaryTextIsTheSameString() {
    String line = "compiling 12 files\tdone\n";
    assertThat(n(line)).isSameAs(line);
  }

  @Test
  void coloursStayAndAreResetAtTheLinesEnd() {
    assertThat(n("\033[1;31mred\033[0m ok\n")).isEqualTo("\033[1;31mred\033[0m ok\n");
    assertThat(n("\033[32mgreen never reset\nnext")).isEqualTo("\033[32mgreen never reset\033[0m\nnext");
    assertThat(n("\033[38:5:196mtrue colour")).isEqualTo("\033[38:5:196mtrue colour\033[0m");
  }

  @Test
  void cursorMovementAndClearingAreDropped() {
    assertThat(n("a\033[2Jb\033[Hc\033[3;4Hd\033[1Ae\033[2Kf\033[?25lg\033[?1049hh")).isEqualTo("abcdefgh");
    assertThat(n("x\u009b2Jy")).isEqualTo("xy"); // the 8-bit CSI
  }

  @Test
  void oscTitlesAndHyperlinksAreDroppedKeepingTheLinkText() {
    assertThat(n("\033]0;pwned title\007after")).isEqualTo("after");
    assertThat(n("\033]8;;http://evil\033\\click\033]8;;\033\\")).isEqualTo("click");
    assertThat(n("\033]52;c;cGF5bG9hZA==\007clipboard")).isEqualTo("clipboard");
    assertThat(n("\u009d0;title\u009cafter")).isEqualTo("after");
  }

  @Test
  void deviceStringsAndOtherEscapesAreDropped() {
    assertThat(n("a\033P1$r0m\033\\b")).isEqualTo("ab"); // DCS
    assertThat(n("a\033_apc\033\\b\033^pm\033\\c\033Xsos\033\\d")).isEqualTo("abcd");
    assertThat(n("a\033cb\0337c\0338d\033(Be\033#8f")).isEqualTo("abcdef"); // reset, save/restore, charset, DECALN
    assertThat(n("unterminated\033]0;title")).isEqualTo("unterminated");
    assertThat(n("an OSC never swallows the next line\033]0;x\nnext")).isEqualTo("an OSC never swallows the next line\nnext");
    assertThat(n("trailing\033")).isEqualTo("trailing");
  }

  @Test
  void controlCharactersAreDroppedAndLoneCarriageReturnsEndLines() {
    assertThat(n("bell\007back\bspace\u0000nul\u007fdel\u0085nel")).isEqualTo("bellbackspacenuldelnel");
    assertThat(n("windows\r\nline\r\n")).isEqualTo("windows\nline\n");
    assertThat(n("10%\r50%\r100%\n")).isEqualTo("10%\n50%\n100%\n");
  }

  @Test
  void githubWorkflowCommandsAreSplitAtALinesStartAndLegacyOnesAnywhere() {
    assertThat(n("::stop-commands::tok\n")).isEqualTo(":" + Z + ":stop-commands::tok\n");
    assertThat(n("  ::add-mask::x")).isEqualTo("  :" + Z + ":add-mask::x");
    assertThat(n("\u00a0\t::set-output name=a::b")).isEqualTo("\u00a0\t:" + Z + ":set-output name=a::b");
    assertThat(n("\033[31m::error::red")).isEqualTo("\033[31m:" + Z + ":error::red\033[0m");
    assertThat(n("ok\n::error file=a::x\n")).isEqualTo("ok\n:" + Z + ":error file=a::x\n");
    assertThat(n("x\r::warning::after a carriage return")).isEqualTo("x\n:" + Z + ":warning::after a carriage return");
    assertThat(n("\033[2J::error::after a dropped sequence")).isEqualTo(":" + Z + ":error::after a dropped sequence");
    assertThat(n("text ##[error]legacy ##[set-output name=a]b"))
        .isEqualTo("text #" + Z + "#[error]legacy #" + Z + "#[set-output name=a]b");
    assertThat(n("std::vector and a::b in the middle")).isEqualTo("std::vector and a::b in the middle");
  }

  @Test
  void aSecretJoinedByDroppingASequenceIsMaskedAfterwards() {
    OutputText text = OutputText.of(SecretMasker.of(List.of("hunter22".getBytes())));
    assertThat(text.apply("pass=hunt\033[1Cer22\n")).isEqualTo("pass=***\n");
    assertThat(text.apply("raw hunter22 \033]0;t\007")).isEqualTo("raw *** ");
  }

  @Test
  void aSecretHoldingAControlCharacterIsMaskedBeforeItIsDropped() {
    OutputText text = OutputText.of(SecretMasker.of(List.of("ab\007cd\033ef".getBytes())));
    assertThat(text.apply("v=ab\007cd\033ef.")).isEqualTo("v=***.");
  }

  @Test
  void plainDropsColours() {
    assertThat(OutputText.plain("\033[1;31mred\033[0m")).isEqualTo("red");
  }
}
