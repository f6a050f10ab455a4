package dev.kiln.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.executor.proto.control.Vertex;
import dev.kiln.executor.proto.control.VertexLog;
import dev.kiln.planner.llb.Definition;
import dev.kiln.planner.llb.ImageRef;
import dev.kiln.planner.llb.Marshaller;
import dev.kiln.planner.llb.Platform;
import dev.kiln.planner.llb.Sources;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * The masker as every output mode uses it, against random secrets (single and multi-line, with
 * quotes, backslashes, control characters and non-ASCII text), printed in random encodings, with
 * random line breaks inside them and the output cut into random chunks: no output may contain a
 * secret, one of its lines, or a text that decodes to one (JSON string escapes, URL encoding,
 * base64 at any alignment, hex), nor a piece of {@link SecretMasker#MIN_PIECE} characters or more of
 * a form cut by a line break.
 */
class SecretMaskingPropertyTest {
  private static final int RUNS = 400;
  private static final Definition DEF = new Marshaller().marshal(
      Sources.image(ImageRef.parse("busybox:latest"), Platform.LINUX_AMD64));
  private static final String ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  // No '*': a value made of the mask's own character would be "found" in masked output.
  private static final String SPECIAL = "\"\\'$`{}[]<>&%+/=!?#@^~|;:,.-_() ";
  private static final String CONTROL = "\u0001\u0007\t\u001b\u007f";
  private static final int[] UNICODE = {0xe9, 0xfc, 0xdf, 0x4e2d, 0x6587, 0x436, 0x1f600, 0x1f511};
  private static final String NOISE = " :;,.!";

  /** One generated run: the secrets, what the step printed, and what must not be shown. */
  private record Case(List<byte[]> secrets, List<String> cores, List<String> printed, List<String> pieces) {}

  @Test
  void noOutputModeShowsASecretInAnyForm() throws Exception {
    long masking = 0;
    long checking = 0;
    int lines = 0;
    for (long seed = 1; seed <= RUNS; seed++) {
      Case c = generate(new Random(seed));
      lines += c.printed().size();
      long t0 = System.nanoTime();
      SecretMasker masker = SecretMasker.of(c.secrets());
      Map<String, String> outputs = run(c, masker, new Random(seed * 31));
      long t1 = System.nanoTime();
      for (Map.Entry<String, String> sink : outputs.entrySet()) {
        check(seed, sink.getKey(), sink.getValue(), c);
      }
      masking += t1 - t0;
      checking += System.nanoTime() - t1;
    }
    System.out.printf("masking property: %d runs, %d printed lines; output modes %d ms, checks %d ms%n", RUNS, lines,
        masking / 1_000_000, checking / 1_000_000);
  }

  private static Case generate(Random r) {
    List<byte[]> secrets = new ArrayList<>();
    List<String> cores = new ArrayList<>();
    List<String> printed = new ArrayList<>();
    List<String> pieces = new ArrayList<>();
    int count = 1 + r.nextInt(3);
    for (int i = 0; i < count; i++) {
      String value = r.nextInt(3) == 0 ? multiLine(r) : line(r, 4 + r.nextInt(44));
      if (r.nextBoolean()) {
        value += r.nextBoolean() ? "\n" : "\r\n"; // as read from a file
      }
      byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
      secrets.add(bytes);
      String stripped = value.strip();
      cores.add(stripped);
      for (String l : stripped.split("\r\n|\n")) {
        if (l.strip().length() >= SecretMasker.MIN_LENGTH) {
          cores.add(l.strip());
        }
      }
      for (int k = 0; k < 1 + r.nextInt(3); k++) {
        print(r, value, printed, pieces);
      }
    }
    return new Case(secrets, cores, printed, pieces);
  }

  /** Adds to {@code printed} the lines of one random encoding of {@code value}. */
  private static void print(Random r, String value, List<String> printed, List<String> pieces) {
    String stripped = value.strip();
    byte[] bytes = stripped.getBytes(StandardCharsets.UTF_8);
    String text;
    boolean exactForm = true;
    switch (r.nextInt(12)) {
      case 0 -> text = value;
      case 1 -> text = stripped;
      case 2, 3 -> {
        byte[] embedded = new byte[r.nextInt(6) + bytes.length + r.nextInt(6)];
        r.nextBytes(embedded);
        int at = embedded.length - bytes.length - r.nextInt(embedded.length - bytes.length + 1);
        System.arraycopy(bytes, 0, embedded, at, bytes.length);
        text = r.nextBoolean() ? Base64.getEncoder().encodeToString(embedded)
            : Base64.getUrlEncoder().withoutPadding().encodeToString(embedded);
        exactForm = false;
      }
      case 4, 5 -> {
        String enc = Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
        int width = r.nextBoolean() ? 64 : 76; // base64(1) and openssl wrap so
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < enc.length(); i += width) {
          sb.append(enc, i, Math.min(enc.length(), i + width)).append('\n');
        }
        text = sb.toString();
      }
      case 6 -> text = URLEncoder.encode(stripped, StandardCharsets.UTF_8);
      case 7 -> text = SecretForms.json(stripped, false);
      case 8 -> text = SecretForms.json(stripped, true);
      case 9 -> text = HexFormat.of().formatHex(bytes);
      case 10 -> text = HexFormat.of().withUpperCase().formatHex(bytes);
      default -> {
        String[] lines = stripped.split("\r\n|\n");
        text = lines[r.nextInt(lines.length)];
      }
    }
    String before = noise(r);
    String after = noise(r);
    if (exactForm && text.indexOf('\n') < 0 && text.strip().length() >= 2 * SecretMasker.MIN_PIECE
        && text.strip().equals(text) && r.nextInt(3) == 0) {
      // A line break inside the value: each piece ends or starts a line.
      int cut = SecretMasker.MIN_PIECE + r.nextInt(text.length() - 2 * SecretMasker.MIN_PIECE + 1);
      if (Character.isLowSurrogate(text.charAt(cut))) {
        cut++;
      }
      printed.add(before + text.substring(0, cut));
      printed.add(text.substring(cut) + after);
      for (String piece : List.of(text.substring(0, cut).strip(), text.substring(cut).strip())) {
        if (piece.length() >= SecretMasker.MIN_PIECE) { // white space at the cut is not part of a piece
          pieces.add(piece);
        }
      }
      return;
    }
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i];
      if (i == lines.length - 1 && l.isEmpty()) {
        break;
      }
      printed.add((i == 0 ? before : "") + l + (i == lines.length - 1 ? after : ""));
    }
  }

  private static String multiLine(Random r) {
    StringBuilder sb = new StringBuilder();
    String eol = r.nextBoolean() ? "\n" : "\r\n";
    int n = 2 + r.nextInt(5);
    for (int i = 0; i < n; i++) {
      sb.append(line(r, 1 + r.nextInt(64)));
      if (i < n - 1) {
        sb.append(eol);
      }
    }
    String s = sb.toString();
    return s.strip().length() < SecretMasker.MIN_LENGTH ? s + line(r, 8) : s;
  }

  private static String line(Random r, int length) {
    StringBuilder sb = new StringBuilder();
    while (sb.length() < length) {
      int kind = r.nextInt(10);
      if (kind < 6) {
        sb.append(ALNUM.charAt(r.nextInt(ALNUM.length())));
      } else if (kind < 8) {
        sb.append(SPECIAL.charAt(r.nextInt(SPECIAL.length())));
      } else if (kind < 9) {
        sb.append(CONTROL.charAt(r.nextInt(CONTROL.length())));
      } else {
        sb.appendCodePoint(UNICODE[r.nextInt(UNICODE.length)]);
      }
    }
    String s = sb.toString();
    return s.strip().length() < Math.min(length, SecretMasker.MIN_LENGTH) ? s + "k3y!" : s;
  }

  private static String noise(Random r) {
    StringBuilder sb = new StringBuilder();
    for (int i = r.nextInt(4); i > 0; i--) {
      sb.append(NOISE.charAt(r.nextInt(NOISE.length())));
    }
    return sb.toString();
  }

  /** What each output mode shows of a failing task that printed {@code c.printed()}, and of one with results. */
  private static Map<String, String> run(Case c, SecretMasker masker, Random r) throws Exception {
    String shown = String.join("\n", c.printed());
    SolveException failure = SolveException.builder("process \"sh -c " + shown + "\" did not complete")
        .setStep("sh -c " + shown).setVertexDigest("sha256:v1").setCommand("sh -c " + shown).setExitCode(3)
        .setLogTail(c.printed()).setHint("check " + shown).build();
    RunReport report = new RunReport(List.of(
        new TaskOutcome("leak", TaskOutcome.Status.FAILED, Duration.ofMillis(1200), false, failure),
        new TaskOutcome("result", TaskOutcome.Status.SUCCEEDED, Duration.ofMillis(10), false, null,
            Map.of("value", shown))), false);
    Map<String, StringWriter> outs = new LinkedHashMap<>();
    List<PlanRunner.Listener> sinks = new ArrayList<>();
    StepSummary summary = new StepSummary("run", "");
    for (String mode : List.of("plain", "json", "github", "gitlab", "summary", "tty")) {
      StringWriter w = new StringWriter();
      outs.put(mode, w);
      PrintWriter pw = new PrintWriter(w);
      sinks.add(new MaskingListener(masker, switch (mode) {
        case "plain" -> new PlainProgress(pw);
        case "json" -> new JsonProgress(pw);
        case "github" -> new CiProgress(CiSystem.GITHUB_ACTIONS, pw);
        case "gitlab" -> new CiProgress(CiSystem.GITLAB_CI, pw);
        case "summary" -> summary;
        default -> new TtyProgress(pw, 40 + r.nextInt(80));
      }));
    }
    List<StatusResponse> updates = updates(shown + (r.nextBoolean() ? "\n" : ""), r);
    for (PlanRunner.Listener l : sinks) {
      l.taskStarted("leak");
      l.taskStarted("result");
      updates.forEach(u -> l.status("leak", DEF, u));
      c.printed().forEach(line -> l.functionLog("result", line));
      l.warning("result", "about " + shown);
      report.tasks().forEach(l::taskFinished);
      l.runFinished(report);
    }
    Map<String, String> shownBy = new LinkedHashMap<>();
    outs.forEach((mode, w) -> shownBy.put(mode, w.toString()));
    shownBy.put("summary", summary.markdown());
    shownBy.put("junit", JUnitReport.render(report, "suite", Instant.EPOCH, Duration.ZERO, "host", masker));
    shownBy.put("junit-masked-report", JUnitReport.render(report.masked(masker), "suite", Instant.EPOCH, Duration.ZERO, "host", s -> s));
    return shownBy;
  }

  /** The step's vertex, its output cut in random chunks (also inside characters), and its failure. */
  private static List<StatusResponse> updates(String output, Random r) {
    List<StatusResponse> out = new ArrayList<>();
    Timestamp t = Timestamp.newBuilder().setSeconds(1).build();
    out.add(StatusResponse.newBuilder().addVertexes(Vertex.newBuilder().setDigest("sha256:v1")
        .setName("sh -c " + output).setStarted(t)).build());
    byte[] bytes = output.getBytes(StandardCharsets.UTF_8);
    StatusResponse.Builder b = StatusResponse.newBuilder();
    for (int i = 0; i < bytes.length; ) {
      int n = Math.min(bytes.length - i, 1 + r.nextInt(40));
      b.addLogs(VertexLog.newBuilder().setVertex("sha256:v1").setStream(1).setMsg(ByteString.copyFrom(bytes, i, n)));
      i += n;
      if (r.nextInt(3) == 0) {
        out.add(b.build());
        b = StatusResponse.newBuilder();
      }
    }
    out.add(b.addVertexes(Vertex.newBuilder().setDigest("sha256:v1").setName("sh -c " + output).setStarted(t)
        .setCompleted(t).setError("exit code 3: " + output)).build());
    return out;
  }

  private static void check(long seed, String mode, String output, Case c) throws Exception {
    List<String> texts = new ArrayList<>();
    texts.add(output);
    switch (mode) {
      case "json" -> {
        for (String line : output.split("\n")) {
          texts.add(values(new ObjectMapper().readTree(line)));
        }
      }
      case "github" -> texts.add(output.replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%"));
      case "tty", "gitlab" -> texts.add(output.replaceAll("\u001b\\[[0-9;]*[A-Za-z]", ""));
      case "summary" -> texts.add(output.replace("&lt;", "<").replace("&gt;", ">").replace("\\|", "|")
          .replace("&amp;", "&"));
      case "junit", "junit-masked-report" -> texts.add(xmlText(output));
      default -> { }
    }
    for (String text : texts) {
      for (int d = 0; d < DECODERS.size(); d++) {
        String decoded = DECODERS.get(d).apply(text);
        for (String core : c.cores()) {
          if (d >= BINARY_DECODERS && core.length() < SecretMasker.MIN_PIECE) {
            continue; // bytes decoded from any text hold short strings by chance
          }
          assertThat(decoded).as("seed %d, %s output, decoded, shows %s", seed, mode, show(core))
              .doesNotContain(core);
        }
      }
      for (String piece : c.pieces()) {
        assertThat(text).as("seed %d, %s output shows the piece %s", seed, mode, show(piece)).doesNotContain(piece);
      }
    }
  }

  private static String show(String s) {
    return SecretForms.json(s, true);
  }

  /** Every text value of a JSON tree, one per line. */
  private static String values(JsonNode node) {
    StringBuilder sb = new StringBuilder();
    if (node.isTextual()) {
      sb.append(node.asText()).append('\n');
    }
    node.forEach(child -> sb.append(values(child)));
    return sb.toString();
  }

  /** Every text and attribute value of an XML document, one per line. */
  private static String xmlText(String xml) throws Exception {
    var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    StringBuilder sb = new StringBuilder();
    collect(doc.getDocumentElement(), sb);
    return sb.toString();
  }

  private static void collect(Node n, StringBuilder sb) {
    if (n.getNodeType() == Node.TEXT_NODE || n.getNodeType() == Node.CDATA_SECTION_NODE) {
      sb.append(n.getNodeValue()).append('\n');
    }
    if (n instanceof Element e) {
      NamedNodeMap attrs = e.getAttributes();
      for (int i = 0; i < attrs.getLength(); i++) {
        sb.append(attrs.item(i).getNodeValue()).append('\n');
      }
    }
    for (Node child = n.getFirstChild(); child != null; child = child.getNextSibling()) {
      collect(child, sb);
    }
  }

  private static final Pattern BASE64_RUN = Pattern.compile("[A-Za-z0-9+/_-]{6,}");
  private static final Pattern HEX_RUN = Pattern.compile("[0-9a-fA-F]{8,}");
  private static final Pattern URL_RUN = Pattern.compile("[A-Za-z0-9%+._~!'()-]{4,}");
  private static final Pattern JSON_ESCAPE = Pattern.compile("\\\\(u[0-9a-fA-F]{4}|[\"\\\\/bfnrt])");

  /** The decoders from here on make bytes out of any text they are given. */
  private static final int BINARY_DECODERS = 3;

  /** How a step may have encoded a value: each decoder undoes one, wherever it can in a text. */
  private static final List<Function<String, String>> DECODERS = List.of(
      s -> s,
      SecretMaskingPropertyTest::unescapeJson,
      s -> decodeRuns(s, URL_RUN, run -> URLDecoder.decode(run, StandardCharsets.UTF_8)),
      s -> decodeRuns(s, HEX_RUN, run -> new String(HexFormat.of().parseHex(run.substring(0, run.length() & ~1)),
          StandardCharsets.UTF_8) + "\n" + new String(HexFormat.of().parseHex(run.substring(1, 1 + ((run.length() - 1) & ~1))),
          StandardCharsets.UTF_8)),
      s -> decodeRuns(s, BASE64_RUN, SecretMaskingPropertyTest::base64Alignments));

  private static String unescapeJson(String s) {
    Matcher m = JSON_ESCAPE.matcher(s);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String e = m.group(1);
      String c = switch (e.charAt(0)) {
        case 'u' -> String.valueOf((char) Integer.parseInt(e.substring(1), 16));
        case 'b' -> "\b";
        case 'f' -> "\f";
        case 'n' -> "\n";
        case 'r' -> "\r";
        case 't' -> "\t";
        default -> e;
      };
      m.appendReplacement(sb, Matcher.quoteReplacement(c));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private static String decodeRuns(String s, Pattern run, Function<String, String> decode) {
    StringBuilder sb = new StringBuilder();
    Matcher m = run.matcher(s);
    while (m.find()) {
      try {
        sb.append(decode.apply(m.group())).append('\n');
      } catch (IllegalArgumentException e) {
        // not this encoding
      }
    }
    return sb.toString();
  }

  /** A run decoded as base64 from each of its first four characters, in both alphabets. */
  private static String base64Alignments(String run) {
    StringBuilder sb = new StringBuilder();
    String std = run.replace('-', '+').replace('_', '/');
    for (int skip = 0; skip < 4 && skip < std.length(); skip++) {
      String part = std.substring(skip);
      part = part.substring(0, part.length() - part.length() % 4);
      try {
        sb.append(new String(Base64.getDecoder().decode(part), StandardCharsets.UTF_8)).append('\n');
      } catch (IllegalArgumentException e) {
        // not base64 from here
      }
    }
    return sb.toString();
  }
}
