package dev.kiln.executor;

import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.planner.Plan;
import dev.kiln.planner.llb.Definition;
import java.time.Duration;
import java.util.Optional;

/** Two listeners that both hear a run, {@code first} first (an output mode and a report). */
public record ListenerPair(PlanRunner.Listener first, PlanRunner.Listener second) implements PlanRunner.Listener {
  @Override
  public void runStarted(Plan plan) {
    first.runStarted(plan);
    second.runStarted(plan);
  }

  @Override
  public void exported(String task, String destination) {
    first.exported(task, destination);
    second.exported(task, destination);
  }

  @Override
  public void taskStarted(String task) {
    first.taskStarted(task);
    second.taskStarted(task);
  }

  @Override
  public void engine(String task, String engine) {
    first.engine(task, engine);
    second.engine(task, engine);
  }

  @Override
  public void status(String task, Definition definition, StatusResponse update) {
    first.status(task, definition, update);
    second.status(task, definition, update);
  }

  @Override
  public void taskFinished(TaskOutcome outcome) {
    first.taskFinished(outcome);
    second.taskFinished(outcome);
  }

  @Override
  public void functionLog(String task, String line) {
    first.functionLog(task, line);
    second.functionLog(task, line);
  }

  @Override
  public void warning(String task, String message) {
    first.warning(task, message);
    second.warning(task, message);
  }

  @Override
  public void published(String task, PublishedImage image) {
    first.published(task, image);
    second.published(task, image);
  }

  @Override
  public void serviceReady(String task, String service, String address, Duration took) {
    first.serviceReady(task, service, address, took);
    second.serviceReady(task, service, address, took);
  }

  @Override
  public void runFinished(RunReport report) {
    first.runFinished(report);
    second.runFinished(report);
  }

  @Override
  public Optional<String> traceParent(String task) {
    return first.traceParent(task).or(() -> second.traceParent(task));
  }
}
