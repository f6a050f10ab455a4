package dev.kiln.executor.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A buildkitd in a Kubernetes pod, reached through {@code kubectl exec -i POD -- buildctl
 * dial-stdio} as BuildKit's and Dagger's {@code kube-pod://} helpers do. The pod is named, or
 * chosen among the running pods a label selector matches (the first by name, so every connection
 * of one run reaches the same engine).
 *
 * @param namespace the pod's namespace, or null for kubectl's current one
 * @param pod the pod's name, or null when {@code selector} chooses it
 * @param selector a label selector ({@code app=buildkitd}), or null
 * @param context the kubeconfig context, or null for the current one
 * @param container the container running buildkitd, or null for the pod's first
 * @param kubectl the command to run: {@code $KUBECTL}, else {@code kubectl}
 */
public record KubePod(String namespace, String pod, String selector, String context, String container,
    String kubectl) {
  private static final Pattern NAME = Pattern.compile("[-a-z0-9.]+");
  private static final Pattern CONTEXT = Pattern.compile("[A-Za-z0-9][-A-Za-z0-9_.:@/]*");
  private static final Pattern SELECTOR = Pattern.compile("[A-Za-z0-9][-A-Za-z0-9_./=,!()]*");

  public KubePod {
    if ((pod == null) == (selector == null)) {
      throw new IllegalArgumentException("a kube-pod address names a pod or gives a selector, not both");
    }
    check(namespace, NAME, "namespace");
    check(pod, NAME, "pod name");
    check(container, NAME, "container name");
    check(context, CONTEXT, "context");
    check(selector, SELECTOR, "label selector");
    if (kubectl == null || kubectl.isBlank()) {
      kubectl = "kubectl";
    }
  }

  /**
   * Parses what follows {@code kube-pod://}: {@code [NAMESPACE/]POD}, {@code NAMESPACE?selector=SEL}
   * (or {@code ?selector=SEL}), with the query keys {@code namespace}, {@code context},
   * {@code container} and {@code selector} as BuildKit spells them.
   *
   * @throws IllegalArgumentException with a message fit for the user
   */
  static KubePod parse(String rest, String kubectl) {
    int q = rest.indexOf('?');
    String path = q < 0 ? rest : rest.substring(0, q);
    Map<String, String> query = EngineAddress.query(q < 0 ? "" : rest.substring(q + 1),
        List.of("namespace", "context", "container", "selector"));
    String selector = query.get("selector");
    String namespace = query.get("namespace");
    String pod = null;
    if (path.endsWith("/") && selector != null) {
      path = path.substring(0, path.length() - 1);
    }
    int slash = path.indexOf('/');
    if (slash >= 0) {
      namespace = path.substring(0, slash);
      pod = path.substring(slash + 1);
    } else if (selector != null) {
      namespace = path.isEmpty() ? namespace : path;
    } else {
      pod = path;
    }
    if (pod != null && pod.isEmpty()) {
      throw new IllegalArgumentException("expected kube-pod://NAMESPACE/POD or kube-pod://NAMESPACE?selector=LABELS");
    }
    return new KubePod(namespace, pod, selector, query.get("context"), query.get("container"), kubectl);
  }

  /** This pod, now named. */
  KubePod withPod(String name) {
    return new KubePod(namespace, name, null, context, container, kubectl);
  }

  /** {@code kubectl [--context=C] [--namespace=NS]}: what every command starts with. */
  List<String> kubectlPrefix() {
    List<String> cmd = new ArrayList<>(List.of(kubectl));
    if (context != null) {
      cmd.add("--context=" + context);
    }
    if (namespace != null) {
      cmd.add("--namespace=" + namespace);
    }
    return cmd;
  }

  /** The command whose stdin and stdout carry the engine's gRPC. */
  List<String> dialCommand() {
    List<String> cmd = kubectlPrefix();
    cmd.addAll(List.of("exec", "-i", pod));
    if (container != null) {
      cmd.add("--container=" + container);
    }
    cmd.addAll(List.of("--", "buildctl", "dial-stdio"));
    return cmd;
  }

  /** The command that lists the running pods the selector matches, by name. */
  List<String> listCommand() {
    List<String> cmd = kubectlPrefix();
    cmd.addAll(List.of("get", "pods", "--selector=" + selector, "--field-selector=status.phase=Running",
        "--output=jsonpath={.items[*].metadata.name}"));
    return cmd;
  }

  @Override
  public String toString() {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("selector", selector);
    q.put("context", context);
    q.put("container", container);
    StringBuilder sb = new StringBuilder("kube-pod://");
    if (namespace != null) {
      sb.append(namespace).append(pod != null ? "/" : "");
    }
    if (pod != null) {
      sb.append(pod);
    }
    char sep = '?';
    for (var e : q.entrySet()) {
      if (e.getValue() != null) {
        sb.append(sep).append(e.getKey()).append('=').append(e.getValue());
        sep = '&';
      }
    }
    return sb.toString();
  }

  private static void check(String value, Pattern pattern, String what) {
    if (value != null && !pattern.matcher(value).matches()) {
      throw new IllegalArgumentException("invalid " + what + " '" + value + "' in a kube-pod address");
    }
  }
}
