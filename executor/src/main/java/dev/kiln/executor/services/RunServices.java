package dev.kiln.executor.services;

import dev.kiln.executor.CancelledException;
import dev.kiln.executor.PlanRunner;
import dev.kiln.planner.PlannedService;
import dev.kiln.planner.PlannedTask;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The services of one run: each started once, by the first task that binds it (the others wait
 * for it), and stopped when the last task that binds it has finished, or when the run ends
 * (failure, Ctrl-C) at the latest. Every run starts its own instances: runs never share one.
 */
public final class RunServices implements AutoCloseable {
  private final ServiceGateways gateways;
  private final PlanRunner.Listener listener;
  private final Map<String, List<PlannedService>> byTask = new HashMap<>();
  // guarded by this:
  private final Map<String, Integer> users = new HashMap<>(); // service id -> tasks binding it, not yet finished
  private final Map<String, CompletableFuture<ServiceInstance>> ready = new HashMap<>();
  private final Map<String, ServiceInstance> live = new HashMap<>();
  private boolean closed;

  /** The services of {@code tasks}, started through {@code gateways} when first needed. */
  public RunServices(List<PlannedTask> tasks, ServiceGateways gateways, PlanRunner.Listener listener) {
    this.gateways = gateways;
    this.listener = listener;
    for (PlannedTask t : tasks) {
      byTask.put(t.name(), t.services());
      t.services().forEach(s -> users.merge(s.id(), 1, Integer::sum));
    }
  }

  /**
   * Starts the services {@code task} binds that are not running yet and waits until all are
   * healthy.
   *
   * @return each service's address by its {@link PlannedService#placeholder()}
   * @throws ServiceException if one cannot be used
   * @throws CancelledException if the run is stopped meanwhile
   */
  public Map<String, String> acquire(PlannedTask task) {
    Map<String, String> addresses = new LinkedHashMap<>();
    for (PlannedService s : task.services()) {
      addresses.put(s.placeholder(), instance(task.name(), s).address());
    }
    return addresses;
  }

  private ServiceInstance instance(String task, PlannedService s) {
    CompletableFuture<ServiceInstance> future;
    ServiceInstance mine = null;
    synchronized (this) {
      if (closed) {
        throw new CancelledException("the run stopped before service `" + s.name() + "` started", null);
      }
      future = ready.get(s.id());
      if (future == null) {
        future = new CompletableFuture<>();
        ready.put(s.id(), future);
        mine = new ServiceInstance(s);
        live.put(s.id(), mine);
      }
    }
    if (mine != null) {
      try {
        mine.start(task, gateways);
      } catch (RuntimeException e) {
        future.completeExceptionally(e);
        mine.close();
        throw e;
      }
      future.complete(mine);
      listener.serviceReady(task, s.name(), mine.address(), mine.healthyAfter());
      return mine;
    }
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancelledException("interrupted while waiting for service `" + s.name() + "`", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
  }

  /** The last lines of output of each running service {@code task} binds, by the name it was bound as. */
  public synchronized Map<String, List<String>> logs(PlannedTask task) {
    Map<String, List<String>> logs = new LinkedHashMap<>();
    for (PlannedService s : task.services()) {
      ServiceInstance i = live.get(s.id());
      if (i != null) {
        logs.put(s.name(), i.logTail());
      }
    }
    return logs;
  }

  /** {@code task} finished, whatever its outcome: stops the services no unfinished task binds. */
  public void finished(String task) {
    List<ServiceInstance> stop = new ArrayList<>();
    synchronized (this) {
      for (PlannedService s : byTask.getOrDefault(task, List.of())) {
        if (users.merge(s.id(), -1, Integer::sum) == 0) {
          ServiceInstance i = live.remove(s.id());
          if (i != null) {
            stop.add(i);
          }
        }
      }
    }
    stop.forEach(ServiceInstance::close);
  }

  /** Stops every service still running; the run is over. */
  @Override
  public void close() {
    List<ServiceInstance> stop;
    synchronized (this) {
      closed = true;
      stop = new ArrayList<>(live.values());
      live.clear();
    }
    stop.forEach(ServiceInstance::close);
  }
}
