package dev.kiln.server;

import dev.kiln.evaluator.PipelineEvaluator;
import dev.kiln.model.FunctionRegistry;
import dev.kiln.model.KilnException;
import dev.kiln.model.Pipeline;
import dev.kiln.model.SecretSource;
import dev.kiln.model.Trigger;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Carries out one queued run: fetches the repository, checks out the exact commit into a fresh
 * workspace, evaluates that commit's pipeline (sandboxed: no plugins or command secrets unless the
 * server allows them), finds the trigger the event sets off, runs the tasks on the engine, and
 * records every step in the history; commit statuses say pending, then success or failure.
 */
final class RunWorker {
  private final ServerSettings settings;
  private final RunStore store;
  private final SourceRepository repository;
  private final EngineRuns engine;
  private final CommitStatuses statuses;
  private final LiveRuns live;
  private final Clock clock;
  private final Consumer<Pipeline> branchPipeline;

  /** @param branchPipeline hears the pipeline of each push to the server's branch (its schedules may have changed) */
  RunWorker(ServerSettings settings, RunStore store, SourceRepository repository, EngineRuns engine,
      CommitStatuses statuses, LiveRuns live, Clock clock, Consumer<Pipeline> branchPipeline) {
    this.settings = settings;
    this.store = store;
    this.repository = repository;
    this.engine = engine;
    this.statuses = statuses;
    this.live = live;
    this.clock = clock;
    this.branchPipeline = branchPipeline;
  }

  /** Runs queued run {@code id} to its end; {@code cancellation} may stop it at any point. */
  void execute(long id, Cancellation cancellation) {
    RunRecord run = store.run(id).orElseThrow();
    RunJournal journal = new RunJournal(id, store, live, clock);
    store.started(id, clock.instant());
    live.changed(id);
    Path workspace = workspace(id);
    String commit = run.commit();
    try {
      journal.say("fetching " + settings.repository());
      repository.fetch();
      if (commit == null) {
        commit = repository.branchHead(run.branch())
            .orElseThrow(() -> new IOException("branch " + run.branch() + " is not in " + settings.repository()));
        store.commit(id, commit);
      }
      status(journal, run, commit, CommitStatuses.State.PENDING, "running");
      journal.say("checking out " + commit);
      deleteTree(workspace);
      repository.checkout(commit, workspace);
      Path file = workspace.resolve("pipeline.pkl");
      Map<String, String> environment = run.event().equals("pull_request") && !settings.pullRequestEnvironment()
          ? Map.of() : settings.environment();
      Pipeline pipeline = evaluate(workspace, file, Map.of(), environment);
      if (run.event().equals("push") && run.branch().equals(settings.branch())) {
        branchPipeline.accept(pipeline);
      }
      List<String> tasks = run.tasks();
      Map<String, String> params = run.params();
      if (!run.event().equals("schedule")) {
        Optional<Trigger.Event> trigger = TriggerMatch.first(pipeline, event(run, commit),
            () -> run.base() == null ? null : repository.changedFiles(run.base(), run.commit()));
        if (trigger.isEmpty()) {
          journal.say("no trigger of the pipeline matches this " + run.event().replace('_', ' ') + " to "
              + run.branch());
          finish(journal, run, commit, RunStatus.SKIPPED, null, "no trigger matches");
          return;
        }
        tasks = trigger.get().tasks();
        params = trigger.get().params();
        store.triggered(id, trigger.get().describe(), tasks, params);
        journal.say("trigger: " + trigger.get().describe() + " (" + trigger.get().location() + ")");
      }
      if (!params.isEmpty()) {
        pipeline = evaluate(workspace, file, params, environment);
      }
      refuseCommandSecrets(pipeline);
      if (cancellation.cancelled()) {
        finish(journal, run, commit, RunStatus.CANCELLED, RunOutcome.CANCELLED, cancellation.reason());
        return;
      }
      List<String> requested = pipeline.requested(tasks);
      journal.say("running " + (requested.isEmpty() ? "every task" : String.join(", ", requested)));
      store.planned(id, TaskGraph.dependencies(pipeline, requested));
      Map<String, String> labels = Map.of("kiln.run.id", Long.toString(id), "kiln.run.event", run.event(),
          "kiln.run.branch", run.branch(), "kiln.run.commit", commit, "kiln.tasks", String.join(",", requested));
      RunOutcome outcome = engine.run(new RunJob(workspace, pipeline, requested, environment, labels), journal,
          cancellation);
      journal.say(outcome.status().label() + ": " + outcome.message());
      finish(journal, run, commit, outcome.status(), outcome.exitCode(), outcome.message());
    } catch (KilnException e) {
      String message = e.location().map(l -> l + ": ").orElse("") + e.getMessage();
      journal.say("error: " + message);
      e.hint().ifPresent(h -> journal.say("hint: " + h));
      finish(journal, run, commit, RunStatus.ERROR, RunOutcome.INVALID, message);
    } catch (IOException e) {
      journal.say("error: " + e.getMessage());
      finish(journal, run, commit, RunStatus.ERROR, RunOutcome.INVALID, e.getMessage());
    } catch (RuntimeException e) {
      journal.say("error: a bug in Kiln: " + e);
      finish(journal, run, commit, RunStatus.ERROR, RunOutcome.KILN_BUG, "a bug in Kiln: " + e);
    } finally {
      deleteTree(workspace);
    }
  }

  /**
   * The pipeline of the latest commit of the server's branch, or empty when the branch does not
   * exist yet: what the schedules come from.
   *
   * @throws IOException when the repository cannot be fetched or the commit checked out
   * @throws KilnException when the pipeline is invalid
   */
  Optional<Pipeline> branchPipeline() throws IOException {
    repository.fetch();
    Optional<String> head = repository.branchHead(settings.branch());
    if (head.isEmpty()) {
      return Optional.empty();
    }
    Path workspace = settings.dataDir().resolve("workspaces").resolve("schedules");
    deleteTree(workspace);
    try {
      repository.checkout(head.get(), workspace);
      return Optional.of(evaluate(workspace, workspace.resolve("pipeline.pkl"), Map.of(), settings.environment()));
    } finally {
      deleteTree(workspace);
    }
  }

  private Path workspace(long run) {
    return settings.dataDir().resolve("workspaces").resolve("run-" + run);
  }

  private Pipeline evaluate(Path workspace, Path file, Map<String, String> params, Map<String, String> environment) {
    PipelineEvaluator.Builder evaluator = PipelineEvaluator.builder().projectRoot(workspace)
        .environment(environment).params(params);
    if (!settings.allowPlugins()) {
      evaluator.functions(FunctionRegistry.builtIn()); // Kiln's own functions, none of the commit's jars
    }
    return evaluator.build().evaluate(file);
  }

  /** A commit's pipeline must not run commands on the server unless the server allows it. */
  private void refuseCommandSecrets(Pipeline pipeline) {
    if (settings.allowCommandSecrets()) {
      return;
    }
    pipeline.secrets().values().stream().filter(s -> s.source() instanceof SecretSource.Command).findFirst()
        .ifPresent(s -> {
          throw new RefusedException("secret `" + s.name() + "` runs a command, which this server does not allow",
              "read it from an environment variable or a file (envSecret, fileSecret), or start the server with"
                  + " --allow-command-secrets");
        });
  }

  private void finish(RunJournal journal, RunRecord run, String commit, RunStatus status, Integer exitCode,
      String message) {
    deleteTree(workspace(run.id())); // before the history says it is over
    store.finished(run.id(), status, exitCode, message, clock.instant());
    live.forget(run.id());
    if (commit != null && status != RunStatus.SKIPPED) {
      CommitStatuses.State state = switch (status) {
        case SUCCEEDED -> CommitStatuses.State.SUCCESS;
        case FAILED -> CommitStatuses.State.FAILURE;
        default -> CommitStatuses.State.ERROR;
      };
      status(journal, run, commit, state, status.label() + (message == null ? "" : ": " + message));
    }
  }

  private void status(RunJournal journal, RunRecord run, String commit, CommitStatuses.State state, String text) {
    if (statuses == null) {
      return;
    }
    try {
      statuses.report(commit, state, "run " + run.id() + " " + text, runUrl(run.id()));
    } catch (IOException e) {
      journal.say("warning: commit status not reported: " + e.getMessage());
    }
  }

  private URI runUrl(long id) {
    URI base = settings.publicUrl() != null ? settings.publicUrl()
        : URI.create("http://" + settings.host() + ":" + settings.port() + "/");
    return base.resolve("runs/" + id);
  }

  private static RepositoryEvent event(RunRecord run, String commit) {
    if (run.event().equals("pull_request")) {
      return new RepositoryEvent.PullRequest(run.pullRequest() == null ? 0 : run.pullRequest(), run.branch(),
          run.base(), commit);
    }
    return new RepositoryEvent.Push(run.branch(), run.base(), commit);
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a workspace left behind is removed before the next run with its id (never reused) or by hand
    }
  }

  /** A pipeline asks for something the server does not allow. */
  static final class RefusedException extends KilnException {
    RefusedException(String message, String hint) {
      super(message, hint, null);
    }
  }
}
