package dev.kiln.planner;

import dev.kiln.model.Healthcheck;
import dev.kiln.model.Service;
import dev.kiln.planner.llb.Marshaller;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Lowers the services steps bind into {@link PlannedService}s, one per distinct service: its id is
 * the digest of its filesystem's definition, command, environment, ports and healthcheck, so equal
 * services in different tasks are one service.
 */
final class ServiceLowering {
  private final Marshaller marshaller = new Marshaller();
  private final Map<String, PlannedService> byId = new HashMap<>();

  /** {@code service}, lowered to {@code state}, first bound as {@code hostname}. */
  PlannedService service(String hostname, Service service, ContainerState state) {
    ContainerState flushed = state.flushed();
    if (flushed.fs().isScratch()) {
      throw new IllegalArgumentException("service `" + hostname + "` runs an empty container");
    }
    if (!flushed.mounts().isEmpty() || !flushed.secretEnv().isEmpty() || !flushed.services().isEmpty()) {
      throw new IllegalArgumentException("service `" + hostname + "` has mounts, secret variables or service"
          + " bindings, which a service cannot have yet: copy what it needs into its container instead");
    }
    var args = new ArrayList<>(flushed.entrypoint());
    args.addAll(flushed.cmd());
    if (args.isEmpty()) {
      throw new IllegalArgumentException("service `" + hostname + "` has no command: give its container an"
          + " entrypoint or default arguments (withDefaultArgs)");
    }
    var env = new ArrayList<String>();
    flushed.fs().env().forEach((k, v) -> env.add(k + "=" + v));
    var definition = marshaller.marshal(flushed.fs());
    Healthcheck check = service.effectiveHealthcheck();
    String id = sha256(String.join("\n", definition.resultDigest(), String.join("\0", args), String.join("\0", env),
        flushed.fs().cwd(), flushed.fs().user(), service.ports().toString(), String.valueOf(check)));
    return byId.computeIfAbsent(id, k -> new PlannedService(id, hostname, definition, args, env, flushed.fs().cwd(),
        flushed.fs().user(), service.ports(), check));
  }

  PlannedService byId(String id) {
    PlannedService s = byId.get(id);
    if (s == null) {
      throw new IllegalStateException("no service " + id + " was lowered");
    }
    return s;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
