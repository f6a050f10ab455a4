package dev.kiln.executor.services;

import dev.kiln.executor.CancelledException;
import dev.kiln.executor.EngineException;
import dev.kiln.executor.engine.ContainerNetwork;
import dev.kiln.executor.engine.ContainerProcess;
import dev.kiln.executor.engine.GatewayContainer;
import dev.kiln.executor.engine.ProcessExit;
import dev.kiln.executor.engine.ProcessSpec;
import dev.kiln.model.Healthcheck;
import dev.kiln.planner.PlannedService;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * One run's instance of a service: a gateway container on the engine's sandbox network whose first
 * process is the service; later processes read its address and run its healthcheck. Closing it
 * releases the container (BuildKit before v0.11 would otherwise keep it running after the run).
 */
final class ServiceInstance implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(200);
  /** How long to wait for an address when the service has no healthcheck. */
  private static final Duration ADDRESS_TIMEOUT = Duration.ofSeconds(30);

  private final PlannedService service;
  private final ServiceLog log = new ServiceLog();
  private ServiceGateways.Opened build; // guarded by this, like the two below
  private GatewayContainer container;
  private boolean closed;
  private String address;
  private Duration healthyAfter;
  private String lastProblem = ""; // what the last failed health command said; on the starting thread only

  ServiceInstance(PlannedService service) {
    this.service = service;
  }

  PlannedService service() {
    return service;
  }

  /** Its address on the engine's network; once {@link #start} returned. */
  synchronized String address() {
    return address;
  }

  /** How long it took from starting its process (its filesystem solved) to healthy. */
  synchronized Duration healthyAfter() {
    return healthyAfter;
  }

  /** Its last lines of output. */
  List<String> logTail() {
    return log.tail();
  }

  /**
   * Starts the service and waits until it has an address and is healthy.
   *
   * @throws ServiceException if it exits first, is not healthy in time, or the engine cannot run it isolated
   * @throws CancelledException if the thread is interrupted or the instance closed meanwhile
   */
  void start(String task, ServiceGateways gateways) {
    ServiceGateways.Opened opened = gateways.open(task, service);
    GatewayContainer c;
    synchronized (this) {
      if (closed) { // closed while the engine solved its filesystem: nothing else will end this build
        opened.close();
        checkOpen();
      }
      build = opened;
      try {
        c = opened.gateway().container(ServiceLaunch.mounts(service, opened.rootRef(), opened.mountRefs()),
            ContainerNetwork.SANDBOX);
      } catch (EngineException e) {
        throw new ServiceException(ServiceException.Kind.UNSUPPORTED, service.name(), "service `" + service.name()
            + "` cannot run: " + e.getMessage(), e.hint().orElse(null), List.of(), e);
      }
      container = c;
    }
    OutputStream out = log.stream();
    long started = System.nanoTime(); // the filesystem is solved: the service's own start begins
    // stdin open: the supervisor stops the service when it ends (see ServiceLaunch)
    ContainerProcess main = c.start(new ProcessSpec(ServiceLaunch.command(service), service.env(), service.cwd(),
        service.user(), false, true), out, out);
    Healthcheck check = service.healthcheck();
    Duration timeout = check == null ? ADDRESS_TIMEOUT : check.timeout();
    long deadline = started + timeout.toNanos(); // building its filesystem does not count
    String found = null;
    String waitingFor = "an address";
    while (true) {
      checkOpen();
      if (main.exit().isDone()) {
        throw exited(main);
      }
      NetworkView view = NetworkView.parse(run(c, main, List.of("cat", "/proc/net/fib_trie", "/proc/net/tcp",
          "/proc/net/tcp6")).output());
      if (view.addresses().size() > 1) {
        throw new ServiceException(ServiceException.Kind.UNSUPPORTED, service.name(), "service `" + service.name()
            + "` sees several network addresses " + view.addresses() + ": the engine runs build containers on"
            + " the host's network, where services of different runs would share ports",
            "give buildkitd a network of its own for build containers: --oci-worker-net=bridge (BuildKit v0.13+) or"
                + " CNI (/etc/buildkit/cni.json); Docker's engine needs nothing", log.tail(), null);
      }
      if (found == null && view.addresses().size() == 1) {
        found = view.addresses().get(0);
      }
      if (found != null) {
        waitingFor = describe(check);
        if (healthy(c, main, check, view)) {
          break;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new ServiceException(ServiceException.Kind.UNHEALTHY, service.name(), "service `" + service.name()
            + "` was not healthy within " + seconds(timeout) + ": " + waitingFor + " did not pass"
            + (lastProblem.isEmpty() ? "" : " (last: " + lastProblem + ")"),
            "see its output below; raise the healthcheck's timeout if it only starts slowly", log.tail(), null);
      }
      pause();
    }
    synchronized (this) {
      address = found;
      healthyAfter = Duration.ofNanos(System.nanoTime() - started);
    }
  }

  private boolean healthy(GatewayContainer c, ContainerProcess main, Healthcheck check, NetworkView view) {
    if (check == null) {
      return true;
    }
    if (check instanceof Healthcheck.Port p) {
      return view.listening().contains(p.port());
    }
    Healthcheck.Command cmd = (Healthcheck.Command) check;
    ProcessExit exit = run(c, main, cmd.command()).exit();
    lastProblem = exit.code() == 0 ? "" : "exit code " + exit.code() + (exit.error().isEmpty() ? "" : ", " + exit.error());
    return exit.code() == 0;
  }

  private static String describe(Healthcheck check) {
    if (check == null) {
      return "starting";
    }
    return check instanceof Healthcheck.Port p ? "port " + p.port() + " accepting connections"
        : "its healthcheck `" + String.join(" ", ((Healthcheck.Command) check).command()) + "`";
  }

  private record Ran(ProcessExit exit, String output) {}

  /** Runs {@code args} beside the service ({@code main}), as the service's user, and waits for it. */
  private Ran run(GatewayContainer c, ContainerProcess main, List<String> args) {
    var out = new ByteArrayOutputStream();
    ContainerProcess p;
    try {
      p = c.start(new ProcessSpec(args, service.env(), service.cwd(), service.user(), false, false),
          out, OutputStream.nullOutputStream());
    } catch (EngineException | IllegalStateException e) {
      checkOpen(); // released meanwhile: the run is stopping
      if (main.exit().isDone()) {
        throw exited(main);
      }
      throw new ServiceException(ServiceException.Kind.UNHEALTHY, service.name(), "service `" + service.name()
          + "`: the engine could not run `" + String.join(" ", args) + "` in it: " + e.getMessage(),
          "the service's image needs `cat`, and the healthcheck's command", log.tail(), e);
    }
    ProcessExit exit = p.waitFor();
    return new Ran(exit, out.toString(StandardCharsets.UTF_8));
  }

  /** The service's exit as an error; an engine lost meanwhile is thrown as such (a KilnException). */
  private ServiceException exited(ContainerProcess main) {
    ProcessExit exit = main.waitFor();
    return new ServiceException(ServiceException.Kind.EXITED, service.name(), "service `" + service.name()
        + "` exited with code " + exit.code() + " before it was healthy" + (exit.error().isEmpty() ? ""
        : " (" + exit.error() + ")"), "see its output below; its command is " + String.join(" ", service.args()),
        log.tail(), null);
  }

  private synchronized void checkOpen() {
    if (closed) {
      throw new CancelledException("service `" + service.name() + "` was stopped while it started", null);
    }
  }

  private static void pause() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancelledException("interrupted while waiting for a service", e);
    }
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  /** Releases the container and ends its build; safe to call from any thread, more than once. */
  @Override
  public void close() {
    GatewayContainer c;
    ServiceGateways.Opened b;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      c = container;
      b = build;
    }
    // A cancelled task's thread is interrupted, and gRPC gives up a blocking call on such a thread:
    // the container must be released all the same.
    boolean interrupted = Thread.interrupted();
    try {
      if (c != null) {
        c.close();
      }
    } catch (RuntimeException e) {
      // the engine may be gone; its containers went with it
    } finally {
      if (b != null) {
        b.close();
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
