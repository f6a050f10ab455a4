/**
 * Runs plans on a BuildKit engine. {@link dev.kiln.executor.Executor}, built by {@link
 * dev.kiln.executor.ExecutorBuilder}, is the one entry: it connects, probes the engine, plans on it
 * and runs plans; the client itself is in {@code engine/}.
 *
 * <p>A run is a {@link dev.kiln.executor.PlanRunner}, which wires:
 *
 * <ul>
 *   <li>{@code TaskScheduler}: the task graph (dependencies, the parallelism limit, failures,
 *       keep-going, cancellation) over a small {@code TaskExecution} interface, without the engine;
 *   <li>{@code EngineTaskExecution}: one task's work, a function call with its inputs, then each
 *       target's solve, its exports and results;
 *   <li>{@code TargetSolver}: one solve in a session of its own ({@code ProjectSessionServices}),
 *       with the cache imports and exports {@code SolveCaches} gives it;
 *   <li>{@code ResultStore}: what tasks leave on the host, results and installed exports.
 * </ul>
 *
 * Listeners ({@code *Progress}, {@link dev.kiln.executor.JUnitReport}) render a run.
 */
package dev.kiln.executor;
