package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.cli.KilnProcess.Result;
import dev.kiln.testsupport.SecondDockerd;
import dev.kiln.testsupport.TestCertificates;
import dev.kiln.testsupport.TestCertificates.Authority;
import dev.kiln.testsupport.TestCertificates.Pair;
import dev.kiln.testsupport.TestCertificates.Use;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote engines, as users reach them: {@code kiln} runs as its own process against a second Docker
 * daemon that listens on {@code tcp://127.0.0.1:PORT} with {@code --tlsverify} and certificates this
 * test makes with openssl (real: the TLS handshake with Go's TLS server, Docker's client-certificate
 * check, the /grpc and /session upgrades over TLS, BuildKit v0.8 in that daemon). Each way the
 * certificates can be wrong is its own error, exit 3, with no stack trace and no key in the output.
 *
 * <p>{@code kube-pod://} is tested through {@code $KUBECTL}: the cluster, the pod and kubectl are
 * substituted ({@link KubectlSubstitute}, which stands for {@code kubectl exec -i POD -- buildctl
 * dial-stdio} by upgrading a Docker socket connection with {@code POST /grpc} and piping it); Kiln's
 * side is real: the kubectl command lines, one process per connection, gRPC and the session
 * ({@code Control/Session}) over its stdin and stdout, and the engine at the far end.
 */
@Tag("e2e")
class RemoteEngineE2ETest {
  private static TestCertificates certs;
  private static Authority ca;
  private static Pair client;
  private static SecondDockerd dockerd;

  @TempDir Path dir;
  private final List<String> outputs = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    DockerEngine.require();
    certs = TestCertificates.createForTest();
    ca = certs.authority("kiln-test-ca");
    Pair server = certs.issue("server", ca, Use.SERVER, "IP:127.0.0.1", "DNS:localhost");
    client = certs.issue("client", ca, Use.CLIENT);
    dockerd = SecondDockerd.startForTest(new SecondDockerd.ServerTls(ca.cert(), server.cert(), server.key()));
  }

  @AfterAll
  static void stop() {
    if (dockerd != null) {
      dockerd.close();
    }
    if (certs != null) {
      certs.close();
    }
  }

  @AfterEach
  void noStackTraceAndNoKeyWasPrinted() throws Exception {
    String key = body(Files.readString(client.key()));
    for (String output : outputs) {
      assertThat(output).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain(key);
    }
  }

  private static String body(String pem) {
    return pem.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
  }

  private String tcp() {
    return "docker://tcp://127.0.0.1:" + dockerd.tcpPort();
  }

  private Result kiln(Map<String, String> extraEnv, String... args) throws Exception {
    Result run = KilnProcess.run(dir, env -> {
      for (String name : List.of("BUILDKIT_HOST", "DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH")) {
        env.remove(name);
      }
      env.keySet().removeIf(k -> k.startsWith("KILN_ENGINE_TLS_"));
      env.putAll(extraEnv);
    }, args);
    outputs.add(run.all());
    return run;
  }

  private void pipeline(String greeting) throws Exception {
    Files.writeString(dir.resolve("pipeline.pkl"), """
        amends ".kiln/schema/Pipeline.pkl"
        tasks {
          ["greet"] {
            run = container.from("busybox:latest")
              .withExec(List("sh", "-c", "mkdir -p /out && echo '%s' > /out/greeting.txt && cat /out/greeting.txt"))
            exports { ["/out/greeting.txt"] = "build/greeting.txt" }
          }
        }
        """.formatted(greeting));
  }

  /** The build cache entries the second daemon holds: proof that a run went to it. */
  private static int buildCacheEntries() throws Exception {
    Process p = new ProcessBuilder("docker", "-H", "unix://" + dockerd.socket(), "system", "df", "--format",
        "{{if eq .Type \"Build Cache\"}}{{.TotalCount}}{{end}}").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return Integer.parseInt(out.lines().filter(l -> !l.isBlank()).findFirst().orElse("0").trim());
  }

  @Test
  void aPipelineRunsOnDockerOverMutualTlsWithBuildctlsFlags() throws Exception {
    pipeline("hello over mTLS");
    int before = buildCacheEntries();
    Result run = kiln(Map.of(), "run", "--engine", tcp(), "--tlscacert", ca.cert().toString(),
        "--tlscert", client.cert().toString(), "--tlskey", client.key().toString());
    assertThat(run.exit()).as(run.all()).isZero();
    assertThat(Files.readString(dir.resolve("build/greeting.txt"))).isEqualTo("hello over mTLS\n");
    assertThat(buildCacheEntries()).as("the second daemon's build cache grew").isGreaterThan(before);
  }

  @Test
  void dockersOwnVariablesSelectTheDaemonAndItsCertificates() throws Exception {
    pipeline("hello from DOCKER_HOST");
    Path certPath = certs.tlsDir("docker-cert-path", ca.cert(), client);
    Result run = kiln(Map.of("DOCKER_HOST", "tcp://127.0.0.1:" + dockerd.tcpPort(), "DOCKER_TLS_VERIFY", "1",
        "DOCKER_CERT_PATH", certPath.toString()), "run");
    assertThat(run.exit()).as(run.all()).isZero();
    assertThat(Files.readString(dir.resolve("build/greeting.txt"))).isEqualTo("hello from DOCKER_HOST\n");
  }

  @Test
  void kilnsEnvironmentAndATlsDirWorkForEngineInfo() throws Exception {
    Path tlsDir = certs.tlsDir("kiln-env", ca.cert(), client);
    Result run = kiln(Map.of("KILN_ENGINE_TLS_DIR", tlsDir.toString()), "engine", "info", "--engine", tcp());
    assertThat(run.exit()).as(run.all()).isZero();
    assertThat(run.out()).contains("Docker 20.10");
  }

  @Test
  void aCaThatDidNotSignTheEnginesCertificateIsUntrusted() throws Exception {
    Authority other = certs.authority("other-ca-" + System.nanoTime());
    Result run = kiln(Map.of(), "engine", "info", "--engine", tcp(), "--tlscacert", other.cert().toString(),
        "--tlscert", client.cert().toString(), "--tlskey", client.key().toString());
    assertThat(run.exit()).as(run.all()).isEqualTo(3);
    assertThat(run.err()).contains(tcp()).contains("TLS: the engine's certificate (issued by CN=kiln-test-ca) is not"
        + " signed by the CA in " + other.cert()).contains("check --tlscacert");
  }

  @Test
  void aServerNameTheCertificateDoesNotHoldIsAWrongName() throws Exception {
    Result run = kiln(Map.of(), "engine", "info", "--engine", tcp(), "--tlsdir",
        certs.tlsDir("wrong-name", ca.cert(), client).toString(), "--tlsservername", "engine.example");
    assertThat(run.exit()).as(run.all()).isEqualTo(3);
    assertThat(run.err()).contains(tcp())
        .contains("TLS: the engine's certificate is for 127.0.0.1, localhost, not for engine.example")
        .contains("--tlsservername");
  }

  @Test
  void anExpiredEngineCertificateIsSaidAsExpired() throws Exception {
    Instant now = Instant.now();
    Pair expired = certs.issue("server-expired", ca, Use.SERVER, now.minus(10, ChronoUnit.DAYS),
        now.minus(9, ChronoUnit.DAYS), "IP:127.0.0.1");
    try (SecondDockerd old = SecondDockerd.startForTest(
        new SecondDockerd.ServerTls(ca.cert(), expired.cert(), expired.key()))) {
      Result run = kiln(Map.of(), "engine", "info", "--engine", "docker://tcp://127.0.0.1:" + old.tcpPort(),
          "--tlsdir", certs.tlsDir("expired-server", ca.cert(), client).toString());
      assertThat(run.exit()).as(run.all()).isEqualTo(3);
      assertThat(run.err()).contains("TLS: the engine's certificate expired on ").contains("renew the engine's");
    }
  }

  @Test
  void withoutAClientCertificateTheEngineRequiresOne() throws Exception {
    Result run = kiln(Map.of(), "engine", "info", "--engine", tcp(), "--tlscacert", ca.cert().toString());
    assertThat(run.exit()).as(run.all()).isEqualTo(3);
    assertThat(run.err()).contains(tcp())
        .contains("TLS: the engine requires a client certificate and none was given").contains("--tlscert");
  }

  @Test
  void aClientCertificateFromAnotherCaIsRefusedByTheEngine() throws Exception {
    Authority other = certs.authority("rogue-ca-" + System.nanoTime());
    Pair rogue = certs.issue("rogue-client-" + System.nanoTime(), other, Use.CLIENT);
    Result run = kiln(Map.of(), "engine", "info", "--engine", tcp(), "--tlscacert", ca.cert().toString(),
        "--tlscert", rogue.cert().toString(), "--tlskey", rogue.key().toString());
    assertThat(run.exit()).as(run.all()).isEqualTo(3);
    assertThat(run.err()).contains("TLS: the engine refused Kiln's client certificate " + rogue.cert())
        .doesNotContain(body(Files.readString(rogue.key())));
  }

  @Test
  void anExpiredClientCertificateIsSaidBeforeConnecting() throws Exception {
    Instant now = Instant.now();
    Pair old = certs.issue("client-expired", ca, Use.CLIENT, now.minus(10, ChronoUnit.DAYS), now.minus(9, ChronoUnit.DAYS));
    Result run = kiln(Map.of(), "engine", "info", "--engine", tcp(), "--tlscacert", ca.cert().toString(),
        "--tlscert", old.cert().toString(), "--tlskey", old.key().toString());
    assertThat(run.exit()).as(run.all()).isEqualTo(3);
    assertThat(run.err()).contains("TLS: Kiln's client certificate " + old.cert() + " expired on ");
  }

  @Test
  void plainTcpToTheTlsPortSaysTlsIsExpected() throws Exception {
    Result run = kiln(Map.of(), "engine", "info", "--engine", tcp());
    assertThat(run.exit()).as(run.all()).isEqualTo(3);
    assertThat(run.err()).contains("TLS: Docker there expects TLS and Kiln connected without it")
        .contains("DOCKER_TLS_VERIFY");
  }

  @Test
  void halfAClientCertificateIsAUsageError() throws Exception {
    Result run = kiln(Map.of(), "engine", "info", "--engine", tcp(), "--tlscert", client.cert().toString());
    assertThat(run.exit()).as(run.all()).isEqualTo(2);
    assertThat(run.err()).contains("a TLS client certificate needs its key");
  }

  @Test
  void theCertificatesOfDeployKubernetesCarryKilnToAnEngineByItsStatefulSetName() throws Exception {
    Path certDir = dir.resolve("certs");
    Path kubectl = dir.resolve("record-kubectl");
    Files.writeString(kubectl, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(kubectl, PosixFilePermissions.fromString("rwxr-xr-x"));
    ProcessBuilder pb = new ProcessBuilder("sh", Path.of("../deploy/kubernetes/create-certs.sh").toAbsolutePath()
        .toString(), "kiln").directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("create-certs.txt").toFile());
    pb.environment().putAll(Map.of("KUBECTL", kubectl.toString(), "CERTS_DIR", certDir.toString()));
    assertThat(pb.start().waitFor()).as(Files.readString(dir.resolve("create-certs.txt"))).isZero();
    Path daemon = certDir.resolve("daemon");
    try (SecondDockerd engine = SecondDockerd.startForTest(new SecondDockerd.ServerTls(daemon.resolve("ca.pem"),
        daemon.resolve("cert.pem"), daemon.resolve("key.pem")))) {
      Result run = kiln(Map.of(), "engine", "info", "--engine", "docker://tcp://127.0.0.1:" + engine.tcpPort(),
          "--tlsdir", certDir.resolve("client").toString(),
          "--tlsservername", "buildkitd-0.buildkitd.kiln.svc.cluster.local");
      assertThat(run.exit()).as(run.all()).isZero();
    }
  }

  private Map<String, String> fakeKubectl(String pods) throws Exception {
    Path script = dir.resolve("fake-kubectl");
    Files.writeString(script, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
        + "' -cp '" + System.getProperty("java.class.path") + "' " + KubectlSubstitute.class.getName() + " \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Map<String, String> env = new HashMap<>();
    env.put("KUBECTL", script.toString());
    env.put("KILN_FAKE_KUBECTL_LOG", dir.resolve("kubectl.log").toString());
    env.put("KILN_FAKE_KUBECTL_PODS", pods);
    env.put("KILN_FAKE_KUBECTL_DOCKER", dockerd.socket().toString());
    return env;
  }

  @Test
  void aPipelineRunsThroughKubectlExecDialStdioToAPodFoundByItsLabels() throws Exception {
    pipeline("hello through kube-pod");
    Result run = kiln(fakeKubectl("buildkitd-1 buildkitd-0"), "run", "--engine",
        "kube-pod://ci?selector=app=buildkitd&container=buildkitd");
    assertThat(run.exit()).as(run.all()).isZero();
    assertThat(Files.readString(dir.resolve("build/greeting.txt"))).isEqualTo("hello through kube-pod\n");
    List<String> calls = Files.readAllLines(dir.resolve("kubectl.log"));
    assertThat(calls).contains("--namespace=ci get pods --selector=app=buildkitd --field-selector=status.phase=Running"
        + " --output=jsonpath={.items[*].metadata.name}");
    // every connection goes to the first pod by name, as kubectl exec with stdin kept open
    assertThat(calls).filteredOn(c -> c.contains(" exec ")).isNotEmpty().allMatch(c -> c.equals(
        "--namespace=ci exec -i buildkitd-0 --container=buildkitd -- buildctl dial-stdio"));
  }

  @Test
  void aPodThatDoesNotExistIsUnreachableWithKubectlsOwnWords() throws Exception {
    Result run = kiln(fakeKubectl("buildkitd-0"), "engine", "info", "--engine", "kube-pod://ci/buildkitd-9");
    assertThat(run.exit()).as(run.all()).isEqualTo(3);
    assertThat(run.err()).contains("kube-pod://ci/buildkitd-9")
        .contains("Error from server (NotFound): pods \"buildkitd-9\" not found");
  }
}
