package dev.kiln.executor;

import dev.kiln.executor.engine.EngineInfo;
import dev.kiln.executor.engine.EngineStorage;
import dev.kiln.executor.secrets.SecretStore;
import dev.kiln.model.Pipeline;
import dev.kiln.planner.Plan;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * Kiln's one entry to a BuildKit engine: connects to it, says what it is, plans for it, runs plans on
 * it and manages its build cache. Build one with {@link ExecutorBuilder}; it connects on first use
 * and keeps the connection until {@link #close}. Safe to use from several threads.
 */
public interface Executor extends AutoCloseable {
  /**
   * What the engine is and can do, probed on the first call. The caches to import and export are
   * checked against it then, before anything runs.
   *
   * @throws EngineUnavailableException when no engine answers
   * @throws dev.kiln.executor.cache.UnsupportedCacheException when the engine cannot import or
   *     export one of the caches
   * @throws IllegalStateException after {@link #close}
   */
  EngineInfo engine();

  /**
   * Plans {@code tasks} (every task when empty) for this engine: with its capabilities, the image
   * configurations it resolves, and the ignore files of the project's host directories.
   *
   * @throws dev.kiln.planner.PlanException for an invalid pipeline or a feature the engine lacks
   */
  Plan plan(Pipeline pipeline, Collection<String> tasks);

  /**
   * Looks up the credentials of every registry {@code plan} and the caches talk to (base images,
   * published images, registry caches), before anything runs.
   *
   * @return the credentials' secrets, for the run's masker
   * @throws dev.kiln.executor.auth.RegistryCredentialsException when Docker's configuration cannot
   *     answer for one of them (an invalid file, a missing or failing credential helper)
   */
  List<byte[]> registrySecrets(Plan plan);

  /**
   * Runs {@code plan}'s tasks and returns when every one has ended. {@link #cancel} (and Ctrl-C,
   * when the builder says so) stops it. Secret values are masked in everything the listener hears,
   * in the report and in the results tasks keep.
   *
   * @param secrets where the values of the plan's secrets come from
   * @param masker masks those values (made from them before any output is shown)
   * @param listener hears the run as it happens
   * @throws EngineUnavailableException when the engine is lost
   */
  RunReport run(Plan plan, SecretStore secrets, SecretMasker masker, PlanRunner.Listener listener);

  /**
   * Like {@link #run(Plan, SecretStore, SecretMasker, PlanRunner.Listener)}, and where a step fails,
   * opens a shell on {@code terminal} in that step's container ({@code kiln run -i}); the run
   * goes on when the shell exits.
   */
  RunReport run(Plan plan, SecretStore secrets, SecretMasker masker, PlanRunner.Listener listener,
      Terminal terminal);

  /**
   * Runs {@code task} of {@code plan} (cached steps are not run again) and opens a shell on {@code
   * terminal} in the container it produces ({@code kiln shell}); {@code listener} hears the
   * task's progress until then, masked by {@code masker}.
   *
   * @return the shell's exit code
   */
  int shell(Plan plan, String task, SecretStore secrets, SecretMasker masker, PlanRunner.Listener listener,
      Terminal terminal);

  /** Stops the runs in progress: their solves are cancelled on the engine, no task starts after. */
  void cancel();

  /** Every record of the engine's build cache. */
  List<EngineStorage.Usage> diskUsage();

  /**
   * Removes records of the engine's build cache.
   *
   * @param all also records the engine keeps by default
   * @param keepDuration keep records used within this time, or null
   * @return the records removed
   */
  List<EngineStorage.Usage> prune(boolean all, Duration keepDuration);

  /**
   * Each engine Kiln would run on (the fleet's, else the one engine) and how it is: reachable or
   * not (and why), its version, its build cache. Never throws for an engine that does not answer.
   */
  List<EngineStatus> engines();

  /** Closes the connection to the engine, if one was made. */
  @Override
  void close();
}
