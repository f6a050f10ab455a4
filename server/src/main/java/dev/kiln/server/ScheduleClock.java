package dev.kiln.server;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.kiln.model.Trigger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Fires a pipeline's schedules at the times their cron expressions name, in their time zones, on a
 * thread of its own. The schedules come from the pipeline of the server's branch and are replaced
 * when it changes. A time missed while the server was down is not made up for.
 */
final class ScheduleClock implements AutoCloseable {
  private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  /** A schedule's time has come. */
  record Firing(Trigger.Schedule schedule, Instant at) {}

  private final Clock clock;
  private final Consumer<Firing> fire;
  private final Thread thread;
  // guarded by this
  private List<Trigger.Schedule> schedules = List.of();
  private Instant from;
  private boolean closed;

  ScheduleClock(Clock clock, Consumer<Firing> fire) {
    this.clock = clock;
    this.fire = fire;
    this.from = clock.instant();
    this.thread = new Thread(this::loop, "kiln-schedules");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Replaces the schedules (those of the pipeline's latest commit on the server's branch). */
  synchronized void update(List<Trigger.Schedule> schedules) {
    this.schedules = List.copyOf(schedules);
    notifyAll();
  }

  synchronized List<Trigger.Schedule> schedules() {
    return schedules;
  }

  /** The firings after {@code from} up to and including {@code to}, in time order. */
  static List<Firing> due(List<Trigger.Schedule> schedules, Instant from, Instant to) {
    List<Firing> out = new ArrayList<>();
    for (Trigger.Schedule s : schedules) {
      ExecutionTime times = ExecutionTime.forCron(CRON.parse(s.cron()));
      ZonedDateTime t = from.atZone(ZoneId.of(s.timeZone()));
      while (true) {
        Optional<ZonedDateTime> next = times.nextExecution(t);
        if (next.isEmpty() || next.get().toInstant().isAfter(to)) {
          break;
        }
        out.add(new Firing(s, next.get().toInstant()));
        t = next.get();
      }
    }
    out.sort((a, b) -> a.at().compareTo(b.at()));
    return out;
  }

  /** When the next schedule fires after {@code from}, if any does. */
  static Optional<Instant> next(List<Trigger.Schedule> schedules, Instant from) {
    return schedules.stream()
        .flatMap(s -> ExecutionTime.forCron(CRON.parse(s.cron())).nextExecution(from.atZone(ZoneId.of(s.timeZone())))
            .stream())
        .map(ZonedDateTime::toInstant).min(Instant::compareTo);
  }

  private void loop() {
    while (true) {
      List<Firing> firings;
      synchronized (this) {
        if (closed) {
          return;
        }
        Instant now = clock.instant();
        Optional<Instant> next = next(schedules, from);
        if (next.isEmpty() || next.get().isAfter(now)) {
          long wait = next.map(n -> n.toEpochMilli() - now.toEpochMilli()).orElse(60_000L);
          try {
            wait(Math.max(1, Math.min(wait, 60_000L)));
          } catch (InterruptedException e) {
            return;
          }
          continue;
        }
        firings = due(schedules, from, now);
        from = now;
      }
      firings.forEach(fire);
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    thread.interrupt();
  }
}
