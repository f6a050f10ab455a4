/**
 * What routing a run's tasks over several engines needs that does not touch an engine: the ranking
 * of engines for a task ({@link dev.kiln.executor.fleet.Rendezvous}). The fleet's execution itself
 * (slots, failover, hand-offs through the registry) is the executor's {@code FleetTaskExecution}.
 */
package dev.kiln.executor.fleet;
