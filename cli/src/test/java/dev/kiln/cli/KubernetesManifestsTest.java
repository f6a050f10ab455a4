package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testsupport.TestCertificates;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * Checks {@code deploy/kubernetes} as far as it can be without a cluster: every document parses and
 * has the fields its kind needs, and the documents agree with each other (selectors match their
 * pods' labels, the StatefulSet's serviceName is a headless Service, Services' target ports are
 * the pods' named ports, mounts name volumes, every Secret is one create-certs.sh makes, with the
 * keys the engines' arguments read, and the engines' certificate holds the name the Job dials).
 * Not checked: the Kubernetes OpenAPI schema itself (no schema artifact on Maven Central; the
 * fabric8 model jars carry none) and anything a cluster would do.
 */
class KubernetesManifestsTest {
  private static final Path DIR = Path.of("../deploy/kubernetes");
  private static final Map<String, String> KINDS = Map.of("Service", "v1", "StatefulSet", "apps/v1",
      "DaemonSet", "apps/v1", "PodDisruptionBudget", "policy/v1", "Job", "batch/v1");
  private static final List<Map<String, Object>> DOCS = new ArrayList<>();

  @BeforeAll
  static void load() throws Exception {
    try (var files = Files.list(DIR)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        for (Object doc : new Yaml().loadAll(Files.readString(f))) {
          if (doc != null) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = new LinkedHashMap<>((Map<String, Object>) doc);
            m.put("__file", f.getFileName().toString());
            DOCS.add(m);
          }
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T at(Object node, String path) {
    Object cur = node;
    for (String key : path.split("\\.")) {
      if (cur == null) {
        return null;
      }
      cur = cur instanceof List<?> l ? l.get(Integer.parseInt(key)) : ((Map<String, Object>) cur).get(key);
    }
    return (T) cur;
  }

  private static List<Map<String, Object>> kind(String kind) {
    return DOCS.stream().filter(d -> kind.equals(d.get("kind"))).toList();
  }

  private static List<Map<String, Object>> workloads() {
    return DOCS.stream().filter(d -> at(d, "spec.template.metadata.labels") != null).toList();
  }

  private static boolean selects(Map<String, Object> selector, Map<String, Object> labels) {
    return selector != null && !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
  }

  @Test
  void everyDocumentIsAKnownKindWithItsNameAndNamespace() {
    assertThat(DOCS).extracting(d -> d.get("kind")).contains("Service", "StatefulSet", "DaemonSet",
        "PodDisruptionBudget", "Job");
    for (Map<String, Object> d : DOCS) {
      assertThat(KINDS).as("%s: kind", d.get("__file")).containsKey((String) d.get("kind"));
      assertThat(d.get("apiVersion")).as("%s %s", d.get("__file"), d.get("kind")).isEqualTo(KINDS.get(d.get("kind")));
      assertThat((String) at(d, "metadata.namespace")).as("%s namespace", d.get("__file")).isEqualTo("kiln");
      assertThat(at(d, "metadata.name") != null || at(d, "metadata.generateName") != null).isTrue();
    }
  }

  @Test
  void workloadSelectorsMatchTheirPodsAndEveryContainerHasRequestsProbesAndItsVolumes() {
    assertThat(workloads()).hasSize(3);
    for (Map<String, Object> w : workloads()) {
      Map<String, Object> labels = at(w, "spec.template.metadata.labels");
      if (!"Job".equals(w.get("kind"))) {
        assertThat(selects(at(w, "spec.selector.matchLabels"), labels)).as("%s selector", w.get("kind")).isTrue();
      }
      Set<String> volumes = new TreeSet<>();
      List<Map<String, Object>> vs = at(w, "spec.template.spec.volumes");
      vs.forEach(v -> volumes.add((String) v.get("name")));
      List<Map<String, Object>> claims = at(w, "spec.volumeClaimTemplates");
      if (claims != null) {
        claims.forEach(c -> volumes.add(at(c, "metadata.name")));
      }
      List<Map<String, Object>> containers = new ArrayList<>(at(w, "spec.template.spec.containers"));
      List<Map<String, Object>> init = at(w, "spec.template.spec.initContainers");
      if (init != null) {
        containers.addAll(init);
      }
      for (Map<String, Object> c : containers) {
        assertThat(c.get("image")).as("%s image", c.get("name")).isNotNull();
        List<Map<String, Object>> mounts = c.get("volumeMounts") == null ? List.of() : at(c, "volumeMounts");
        mounts.forEach(m -> assertThat(volumes).as("%s mounts", c.get("name")).contains((String) m.get("name")));
        if ("buildkitd".equals(c.get("name"))) {
          assertThat((Object) at(c, "resources.requests.cpu")).isNotNull();
          assertThat((Object) at(c, "resources.requests.memory")).isNotNull();
          assertThat((Object) at(c, "readinessProbe")).isNotNull();
          assertThat((Object) at(c, "livenessProbe")).isNotNull();
        }
      }
    }
  }

  @Test
  void servicesSelectOneWorkloadAndTargetItsNamedPortOnTheAddressBuildkitdListensOn() {
    for (Map<String, Object> s : kind("Service")) {
      List<Map<String, Object>> selected = workloads().stream()
          .filter(w -> selects(at(s, "spec.selector"), at(w, "spec.template.metadata.labels"))).toList();
      assertThat(selected).as("workloads of Service %s", (String) at(s, "metadata.name")).hasSize(1);
      Map<String, Object> container = at(selected.get(0), "spec.template.spec.containers.0");
      List<Map<String, Object>> ports = at(s, "spec.ports");
      for (Map<String, Object> port : ports) {
        List<Map<String, Object>> cports = at(container, "ports");
        Map<String, Object> target = cports.stream().filter(p -> p.get("name").equals(port.get("targetPort")))
            .findFirst().orElseThrow(() -> new AssertionError("no container port " + port.get("targetPort")));
        assertThat(target.get("containerPort")).isEqualTo(port.get("port"));
        List<String> args = at(container, "args");
        assertThat(args).contains("tcp://0.0.0.0:" + target.get("containerPort"));
      }
    }
  }

  @Test
  void theStatefulSetsServiceIsHeadlessAndItsDisruptionBudgetCoversItsPods() {
    Map<String, Object> sts = kind("StatefulSet").get(0);
    Map<String, Object> svc = kind("Service").stream()
        .filter(s -> at(s, "metadata.name").equals(at(sts, "spec.serviceName"))).findFirst().orElseThrow();
    assertThat((String) at(svc, "spec.clusterIP")).isEqualTo("None");
    assertThat(kind("PodDisruptionBudget")).singleElement()
        .satisfies(pdb -> assertThat(selects(at(pdb, "spec.selector.matchLabels"),
            at(sts, "spec.template.metadata.labels"))).isTrue());
    assertThat((List<?>) at(sts, "spec.volumeClaimTemplates")).hasSize(1);
  }

  @TempDir static Path work;

  /** Runs create-certs.sh with a kubectl that records its calls; returns the calls. */
  private static List<String> createCerts() throws Exception {
    TestCertificates.createForTest().close(); // skips (or fails in CI) without openssl
    Path kubectl = work.resolve("kubectl");
    Files.writeString(kubectl, "#!/bin/sh\necho \"$@\" >> \"$(dirname \"$0\")/kubectl.log\"\n");
    Files.setPosixFilePermissions(kubectl, PosixFilePermissions.fromString("rwxr-xr-x"));
    ProcessBuilder pb = new ProcessBuilder("sh", DIR.resolve("create-certs.sh").toAbsolutePath().toString(), "kiln")
        .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("out.txt").toFile());
    pb.environment().put("KUBECTL", kubectl.toString());
    Process p = pb.start();
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(work.resolve("out.txt"))).isZero();
    return Files.readAllLines(work.resolve("kubectl.log"));
  }

  @Test
  void everySecretIsOneCreateCertsMakesWithTheKeysTheEnginesReadAndTheCertificateHoldsTheJobsEngine()
      throws Exception {
    List<String> calls = createCerts();
    Pattern create = Pattern.compile("--namespace=kiln create secret generic (\\S+)(.*)");
    Map<String, Set<String>> secrets = new LinkedHashMap<>();
    for (String call : calls) {
      Matcher m = create.matcher(call);
      assertThat(m.matches()).as(call).isTrue();
      Set<String> keys = new TreeSet<>();
      Matcher k = Pattern.compile("--from-file=([^=]+)=").matcher(m.group(2));
      while (k.find()) {
        keys.add(k.group(1));
      }
      secrets.put(m.group(1), keys);
    }
    for (Map<String, Object> w : workloads()) {
      List<Map<String, Object>> volumes = at(w, "spec.template.spec.volumes");
      for (Map<String, Object> v : volumes) {
        String secret = at(v, "secret.secretName");
        if (secret == null) {
          continue;
        }
        assertThat(secrets).as("Secrets create-certs.sh makes").containsKey(secret);
        Map<String, Object> container = at(w, "spec.template.spec.containers.0");
        List<Map<String, Object>> mounts = at(container, "volumeMounts");
        String mountPath = mounts.stream().filter(m -> v.get("name").equals(m.get("name"))).findFirst()
            .map(m -> (String) m.get("mountPath")).orElseThrow();
        List<String> args = at(container, "args");
        for (String a : args) {
          if (a.startsWith(mountPath + "/")) {
            assertThat(secrets.get(secret)).as("keys of %s", secret).contains(a.substring(mountPath.length() + 1));
          }
        }
      }
    }
    // the Job dials an engine of the StatefulSet through its headless Service, by a name the certificate holds
    Map<String, Object> job = kind("Job").get(0);
    List<String> args = at(job, "spec.template.spec.containers.0.args");
    String engine = args.get(args.indexOf("--engine") + 1);
    Matcher m = Pattern.compile("tcp://(buildkitd-(\\d+))\\.(\\S+?)\\.kiln\\.svc\\.cluster\\.local:(\\d+)").matcher(engine);
    assertThat(m.matches()).as(engine).isTrue();
    Map<String, Object> sts = kind("StatefulSet").get(0);
    assertThat(m.group(1)).startsWith(at(sts, "metadata.name") + "-");
    assertThat(Integer.parseInt(m.group(2))).isLessThan(at(sts, "spec.replicas"));
    assertThat(m.group(3)).isEqualTo(at(sts, "spec.serviceName"));
    assertThat(Integer.parseInt(m.group(4))).isEqualTo(at(kind("Service").get(0), "spec.ports.0.port"));
    X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
        new ByteArrayInputStream(Files.readAllBytes(work.resolve("certs/daemon/cert.pem"))));
    String host = engine.substring("tcp://".length(), engine.lastIndexOf(':'));
    assertThat(cert.getSubjectAlternativeNames()).anySatisfy(san ->
        assertThat(host).matches(((String) san.get(1)).replace(".", "\\.").replace("*", "[^.]+")));
  }
}
