package dev.kiln.planner;

import dev.kiln.model.Healthcheck;
import dev.kiln.model.Service;
import dev.kiln.planner.llb.Definition;
import dev.kiln.planner.llb.Marshaller;
import dev.kiln.planner.llb.Mount;
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
    if (!flushed.services().isEmpty()) {
      throw new IllegalArgumentException("service `" + hostname + "` binds services itself, which a service cannot"
          + " do yet: bind them all in the step that uses it");
    }
    List<PlannedService.MountedFs> mounts = mounts(hostname, flushed);
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
    var secretEnv = List.copyOf(flushed.secretEnv().values());
    // Mounts and secret variables by what names them (a cache's id, a secret's name, a directory's
    // digest): never a secret's value, which no plan holds.
    String id = sha256(String.join("\n", definition.resultDigest(), String.join("\0", args), String.join("\0", env),
        flushed.fs().cwd(), flushed.fs().user(), service.ports().toString(), String.valueOf(check),
        mounts.stream().map(ServiceLowering::identity).toList().toString(), secretEnv.toString()));
    return byId.computeIfAbsent(id, k -> new PlannedService(id, hostname, definition, args, env, flushed.fs().cwd(),
        flushed.fs().user(), service.ports(), check, mounts, secretEnv));
  }

  /** The persistent mounts of {@code state}, each directory's source marshalled to solve on its own. */
  private List<PlannedService.MountedFs> mounts(String hostname, ContainerState state) {
    var mounts = new ArrayList<PlannedService.MountedFs>();
    for (Mount m : state.mounts().values()) {
      if (m instanceof Mount.Cache c && c.base() != null) {
        throw new IllegalArgumentException("service `" + hostname + "` mounts cache volume `" + c.id() + "` with"
            + " initial contents, which a service cannot have: mount it without");
      }
      Definition source = m instanceof Mount.Bind b && b.source() != null ? marshaller.marshal(b.source()) : null;
      mounts.add(new PlannedService.MountedFs(m, source));
    }
    return mounts;
  }

  private static String identity(PlannedService.MountedFs m) {
    return m.source() == null ? m.mount().toString() : m.mount().dest() + "=" + m.source().resultDigest()
        + ":" + ((Mount.Bind) m.mount()).selector() + ":" + ((Mount.Bind) m.mount()).readonly();
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
