package dev.kiln.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.model.SourceLocation;
import dev.kiln.model.Trigger;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScheduleClockTest {
  private static Trigger.Schedule schedule(String cron, String zone) {
    return new Trigger.Schedule(cron, zone, "main", List.of(), Map.of(), SourceLocation.of(Path.of("pipeline.pkl")));
  }

  @Test
  void firesAtTheCronTimesInTheSchedulesTimeZone() {
    Trigger.Schedule paris = schedule("30 2 * * 1-5", "Europe/Paris");
    // Friday 2026-12-04 to Tuesday 2026-12-08 UTC: 02:30 Paris is 01:30 UTC in winter; no weekend runs
    List<ScheduleClock.Firing> due = ScheduleClock.due(List.of(paris), Instant.parse("2026-12-04T00:00:00Z"),
        Instant.parse("2026-12-08T12:00:00Z"));
    assertThat(due).extracting(ScheduleClock.Firing::at).containsExactly(Instant.parse("2026-12-04T01:30:00Z"),
        Instant.parse("2026-12-07T01:30:00Z"), Instant.parse("2026-12-08T01:30:00Z"));
    // in summer the same schedule is 00:30 UTC
    assertThat(ScheduleClock.next(List.of(paris), Instant.parse("2026-07-01T12:00:00Z")))
        .contains(Instant.parse("2026-07-02T00:30:00Z"));
  }

  @Test
  void severalSchedulesComeInTimeOrderAndTheStartIsExcluded() {
    Trigger.Schedule quarter = schedule("*/15 * * * *", "UTC");
    Trigger.Schedule hourly = schedule("0 * * * *", "UTC");
    List<ScheduleClock.Firing> due = ScheduleClock.due(List.of(hourly, quarter), Instant.parse("2026-12-04T10:00:00Z"),
        Instant.parse("2026-12-04T11:00:00Z"));
    assertThat(due).extracting(f -> f.at().toString() + " " + f.schedule().cron()).containsExactly(
        "2026-12-04T10:15:00Z */15 * * * *", "2026-12-04T10:30:00Z */15 * * * *", "2026-12-04T10:45:00Z */15 * * * *",
        "2026-12-04T11:00:00Z 0 * * * *", "2026-12-04T11:00:00Z */15 * * * *");
  }
}
