/**
 * Runs plans on a BuildKit engine. {@link dev.kiln.executor.Executor}, built by {@link
 * dev.kiln.executor.ExecutorBuilder}, is the one entry: it connects, probes the engine, plans on it
 * and runs plans; the client itself is in {@code engine/}. Planning on the engine asks it for image
 * configurations ({@code engine.EngineImageConfigs}) and for the LLB of Dockerfile builds, which its
 * own Dockerfile frontend makes ({@code EngineDockerfiles}).
 *
 * <p>A run is a {@link dev.kiln.executor.PlanRunner}, which wires:
 *
 * <ul>
 *   <li>{@code TaskScheduler}: the task graph (dependencies, the parallelism limit, failures,
 *       keep-going, cancellation) over a small {@code TaskExecution} interface, without the engine;
 *   <li>{@code EngineTaskExecution}: one task's work, a function call with its inputs, then each
 *       target's solve, then its exports and results put in the project together ({@code
 *       exports.ExportSet}: staged beside their destinations, checked, swapped in all or none;
 *       {@code exports.StaleStaging} cleans up after runs that were killed);
 *   <li>{@code TargetSolver}: one solve in the run's one session ({@code RunSession}, with the
 *       services of {@code ProjectSessionServices}; an export or input in a session of its own that
 *       receives it), with the cache imports and exports {@code SolveCaches} gives it; host
 *       directories are sent once a run, by their real paths, refused when a link leads out of the
 *       project;
 *   <li>{@code ResultStore}: the results of the tasks that succeeded, for later calls.
 * </ul>
 *
 * Listeners ({@code *Progress}, {@link dev.kiln.executor.JUnitReport}) render a run.
 */
package dev.kiln.executor;
