package dev.kiln.executor.auth;

import dev.kiln.model.RemoteCache;
import dev.kiln.planner.Plan;
import dev.kiln.planner.PlannedTarget;
import dev.kiln.planner.PlannedTask;
import dev.kiln.planner.llb.Definition;
import dev.kiln.planner.llb.ImageRef;
import dev.kiln.planner.llb.pb.Op;
import java.util.Collection;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The registries a run talks to: those of its base images, the images it publishes and its
 * registry caches. Looking their credentials up before anything runs finds a broken configuration
 * early, and gives the masker every secret the run can use.
 */
public final class RegistryHosts {
  private static final String IMAGE_SOURCE = "docker-image://";

  private RegistryHosts() {}

  /** The registry hosts of {@code plan} and {@code caches}, sorted. */
  public static SortedSet<String> of(Plan plan, Collection<RemoteCache> caches) {
    SortedSet<String> hosts = new TreeSet<>();
    for (PlannedTask task : plan.tasks()) {
      for (PlannedTarget target : task.targets()) {
        if (target.kind() == PlannedTarget.Kind.PUBLISH) {
          hosts.add(ImageRef.parse(target.destination()).domain());
        }
        Definition def = target.definition();
        for (int i = 0; i < def.size(); i++) {
          Op op = def.op(i);
          if (op.hasSource() && op.getSource().getIdentifier().startsWith(IMAGE_SOURCE)) {
            hosts.add(ImageRef.parse(op.getSource().getIdentifier().substring(IMAGE_SOURCE.length())).domain());
          }
        }
      }
    }
    for (RemoteCache c : caches) {
      if (c instanceof RemoteCache.Registry r) {
        hosts.add(ImageRef.parse(r.ref()).domain());
      }
    }
    return hosts;
  }
}
