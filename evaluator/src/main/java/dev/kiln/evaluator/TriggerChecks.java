package dev.kiln.evaluator;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.kiln.model.Param;
import dev.kiln.model.Pipeline;
import dev.kiln.model.PipelineException;
import dev.kiln.model.Suggestions;
import dev.kiln.model.Trigger;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.List;

/**
 * The checks of a pipeline's {@code triggers} that Pkl's types cannot express: a schedule's cron
 * expression and time zone are valid, and triggers name only declared tasks and parameters.
 */
final class TriggerChecks {
  /** Standard cron: five fields, as crontab(5) reads them. */
  private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private final SourceIndex source;

  TriggerChecks(SourceIndex source) {
    this.source = source;
  }

  void check(Pipeline pipeline) {
    List<String> params = pipeline.params().stream().map(Param::name).toList();
    for (Trigger trigger : pipeline.triggers()) {
      for (String task : trigger.tasks()) {
        if (!pipeline.tasks().containsKey(task)) {
          throw new PipelineException("a trigger names unknown task `" + task + "`",
              source.literalAfter(trigger.location(), task), suggestion(task, pipeline.tasks().keySet(), "task"));
        }
      }
      for (String param : trigger.params().keySet()) {
        if (!params.contains(param)) {
          throw new PipelineException("a trigger sets unknown parameter `" + param + "`",
              source.literalAfter(trigger.location(), param), suggestion(param, params, "parameter"));
        }
      }
      if (trigger instanceof Trigger.Schedule s) {
        checkCron(s);
        checkZone(s);
      }
    }
  }

  private void checkCron(Trigger.Schedule s) {
    int fields = s.cron().split("\\s+").length;
    try {
      if (fields != 5) {
        throw new IllegalArgumentException("it has " + fields + " field" + (fields == 1 ? "" : "s") + ", not 5");
      }
      Cron cron = CRON.parse(s.cron()).validate();
      if (ExecutionTime.forCron(cron).nextExecution(ZonedDateTime.now(ZoneOffset.UTC)).isEmpty()) {
        throw new IllegalArgumentException("it names no date that exists");
      }
    } catch (IllegalArgumentException e) {
      throw new PipelineException("cron expression `" + s.cron() + "` is invalid: " + reason(e),
          source.literalAfter(s.location(), s.cron()),
          "write five fields, minute (0-59) hour (0-23) day-of-month (1-31) month (1-12) day-of-week"
              + " (0-6, 0 is Sunday), e.g. `0 3 * * 1-5` for 03:00 on weekdays");
    }
  }

  private void checkZone(Trigger.Schedule s) {
    try {
      ZoneId.of(s.timeZone());
    } catch (DateTimeException e) {
      String hint = Suggestions.closest(s.timeZone(), ZoneId.getAvailableZoneIds())
          .map(z -> "did you mean `" + z + "`?")
          .orElse("use an IANA time zone name such as `Europe/Paris` or `America/New_York`, or `UTC`");
      throw new PipelineException("unknown time zone `" + s.timeZone() + "`",
          source.literalAfter(s.location(), s.timeZone()), hint);
    }
  }

  /** cron-utils' message without its "Failed to parse '...'." prefix, which repeats the expression. */
  private static String reason(IllegalArgumentException e) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    m = m.replaceFirst("^Failed to parse cron expression\\. ", "").replaceFirst("^Failed to parse '[^']*'\\. ", "")
        .replaceFirst("^Invalid chars in expression! Expression: \\S+ Invalid chars: (\\S+)$",
            "cron does not know `$1` there");
    if (m.isEmpty()) {
      return "it cannot be read";
    }
    m = Character.toLowerCase(m.charAt(0)) + m.substring(1);
    return m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
  }

  private static String suggestion(String name, Collection<String> known, String what) {
    return Suggestions.closest(name, known).map(k -> "did you mean `" + k + "`?")
        .orElse(known.isEmpty() ? "the pipeline declares no " + what + "s"
            : "the pipeline's " + what + "s are " + String.join(", ", known.stream().map(k -> "`" + k + "`").toList()));
  }
}
