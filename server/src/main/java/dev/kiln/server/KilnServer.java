package dev.kiln.server;

import dev.kiln.model.KilnException;
import dev.kiln.model.Pipeline;
import dev.kiln.model.Trigger;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code kiln serve}: webhooks and schedules trigger runs of a repository's pipelines, a queue runs
 * them on the engine, the history keeps them, and a web page shows them. {@link #start} opens the
 * history (runs a stopped server left running are marked interrupted, queued ones resume) and
 * listens; {@link #close} stops.
 */
public final class KilnServer implements AutoCloseable {
  private final RunStore store;
  private final RunQueue queue;
  private final ScheduleClock schedules;
  private final Javalin web;

  private KilnServer(RunStore store, RunQueue queue, ScheduleClock schedules, Javalin web) {
    this.store = store;
    this.queue = queue;
    this.schedules = schedules;
    this.web = web;
  }

  /**
   * Starts a server.
   *
   * @param engine what runs the pipelines
   * @param notices hears what the operator should know (resumed runs, schedule problems)
   * @throws HistoryException when the history cannot be opened
   * @throws UncheckedIOException when the data directory cannot be created
   */
  public static KilnServer start(ServerSettings settings, EngineRuns engine, Consumer<String> notices) {
    Clock clock = Clock.systemUTC();
    try {
      Files.createDirectories(settings.dataDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + settings.dataDir(), e);
    }
    RunStore store = RunStore.open(settings.history());
    int interrupted = store.interruptRunning(clock.instant());
    if (interrupted > 0) {
      notices.accept(interrupted + " run(s) were running when the server stopped: marked interrupted");
    }
    SourceRepository repository = new SourceRepository(settings.repository(),
        settings.dataDir().resolve("mirror.git"));
    CommitStatuses statuses = settings.statusUrl() == null ? null
        : new CommitStatuses(settings.statusUrl(), settings.statusToken());
    LiveRuns live = new LiveRuns();
    Metrics metrics = new Metrics();
    RunQueue[] queueRef = new RunQueue[1];
    ScheduleClock schedules = new ScheduleClock(clock, firing -> fire(firing, store, queueRef[0], clock));
    RunWorker worker = new RunWorker(settings, store, repository, engine, statuses, live, clock,
        pipeline -> schedules.update(schedulesOf(pipeline)));
    RunQueue queue = new RunQueue(store, worker, settings.concurrency(), settings.cancelSuperseded(), live, clock);
    queueRef[0] = queue;
    WebhookReceiver hooks = new WebhookReceiver(settings, store, queue, metrics, clock);
    Javalin web = new WebApp(settings, store, hooks, live, metrics, queue).create();
    web.start();
    List<Long> queued = store.queued();
    if (!queued.isEmpty()) {
      notices.accept("resuming " + queued.size() + " queued run(s)");
    }
    queued.forEach(queue::submit);
    Thread loader = new Thread(() -> {
      try {
        worker.branchPipeline().ifPresentOrElse(p -> {
          schedules.update(schedulesOf(p));
          if (!schedulesOf(p).isEmpty()) {
            notices.accept(schedulesOf(p).size() + " schedule(s) from " + settings.branch());
          }
        }, () -> notices.accept("branch " + settings.branch() + " not found: no schedules yet"));
      } catch (IOException | KilnException e) {
        notices.accept("schedules not loaded from " + settings.branch() + ": " + e.getMessage());
      }
    }, "kiln-schedule-loader");
    loader.setDaemon(true);
    loader.start();
    schedules.start();
    return new KilnServer(store, queue, schedules, web);
  }

  private static List<Trigger.Schedule> schedulesOf(Pipeline pipeline) {
    return pipeline.triggers().stream().filter(Trigger.Schedule.class::isInstance).map(Trigger.Schedule.class::cast)
        .toList();
  }

  /** A schedule fired: one run per schedule and time, even if two servers or a restart fire it twice. */
  private static void fire(ScheduleClock.Firing firing, RunStore store, RunQueue queue, Clock clock) {
    Trigger.Schedule s = firing.schedule();
    String delivery = s.cron() + " " + s.timeZone() + " " + s.branch() + " " + firing.at();
    RunStore.Accepted accepted = store.accept(new NewRun("schedule", delivery, "schedule", s.branch(), null, null,
        null, s.describe(), s.tasks(), s.params()), clock.instant());
    if (accepted.isNew()) {
      queue.submit(accepted.runId());
    }
  }

  /** The port the server listens on. */
  public int port() {
    return web.port();
  }

  /** The server's address on the loopback interface (or the one it listens on). */
  public URI url(String host) {
    return URI.create("http://" + host + ":" + port() + "/");
  }

  @Override
  public void close() {
    schedules.close();
    web.stop();
    queue.close();
    store.close();
  }
}
